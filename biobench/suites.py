"""Named groups of (models, tasks) runs, e.g. the quick default suite."""

from __future__ import annotations

from dataclasses import dataclass

from biobench.errors import UnknownNameError


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    tasks: tuple[str, ...]
    models: tuple[str, ...] = ("minilm-l6",)


SUITES = {
    suite.name: suite
    for suite in (
        Suite(
            "quick",
            "The default run: the embedded MiniLM-L6 and its distilled MiniALBERT student on NCBI-disease"
            " (about 9 minutes on 2 CPU cores).",
            ("ncbi-disease",),
            ("minilm-l6", "minialbert-minilm-l6"),  # the embedded teacher and its distilled student
        ),
        Suite(
            "ner",
            "Every built-in NER task.",
            ("ncbi-disease", "bc5cdr-chem", "bc5cdr-disease", "bc2gm", "jnlpba", "species-800",
             "ncbi-disease-pubtator"),
        ),
        Suite(
            "blurb-lite",
            "Every built-in task, one or more per family (BLURB-style score: mean of family means).",
            (
                "ncbi-disease", "bc5cdr-chem", "bc5cdr-disease", "bc2gm", "jnlpba", "species-800",
                "ncbi-disease-pubtator",
                "bc5cdr-bioc", "biored-ner",
                "chemprot", "gad", "euadr", "bc5cdr-cid", "biored",
                "nli4ct", "pubmedqa", "hoc", "biosses", "covid-qa",
            ),
        ),
    )
}


def get_suite(name: str) -> Suite:
    if name not in SUITES:
        raise UnknownNameError("suite", name, list(SUITES))
    return SUITES[name]
