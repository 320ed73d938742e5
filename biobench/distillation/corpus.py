"""Distillation corpora: passages of text from plain-text, PubTator or BioC XML files, or from task plugins.

The default corpus is the text of the built-in tasks' training splits only. A training passage that
shares a sentence with any task's validation or test text is left out too, so that distillation never
sees evaluation text even when two corpora reuse the same abstracts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from biobench.errors import DataError
from biobench.formats.text_files import text_lines

# Entity markers of relation records, removed to recover the sentence; anonymised ones (@GENE$) are dropped.
RELATION_MARKERS = re.compile(r"<< | >>|\[\[ | \]\]")
ANONYMISED_ENTITY = re.compile(r"@[A-Z_]+\$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
PUBTATOR_TITLE = re.compile(r"^[^|\s]+\|t\|")
# Sentences shorter than this many words are too common to identify an evaluation text.
MIN_SENTENCE_WORDS = 5


@dataclass(frozen=True)
class Corpus:
    """Passages of text and where they came from (for the student's card)."""

    passages: list[str]
    sources: list[str]


def read_text_file(path: Path) -> list[str]:
    """Plain text: one passage per non-empty line."""
    return [line.strip() for _, line in text_lines(path) if line.strip()]


def read_pubtator_texts(path: Path) -> list[str]:
    """The title and abstract of every PubTator document (mentions are checked by the reader)."""
    from biobench.formats.pubtator import read_pubtator

    return [document.text for document in read_pubtator(path)]


def read_bioc_texts(path: Path) -> list[str]:
    """Every passage of every document of a BioC XML collection."""
    from biobench.formats.bioc_xml import load_collection

    collection = load_collection(path)
    return [passage.text for document in collection.documents for passage in document.passages if passage.text]


def read_corpus_file(path: Path) -> list[str]:
    """Passages of one file, its format told by its name (``.xml``: BioC) or first line (PubTator)."""
    if not path.is_file():
        raise DataError(path, "corpus file does not exist")
    if path.suffix.lower() == ".xml":
        passages = read_bioc_texts(path)
    else:
        first_line = next((line for _, line in text_lines(path) if line.strip()), "")
        passages = read_pubtator_texts(path) if PUBTATOR_TITLE.match(first_line) else read_text_file(path)
    if not passages:
        raise DataError(path, "corpus file holds no text")
    return passages


def record_text(family, record: dict) -> str | None:
    """The running text of a record (its family's ``texts``); None for text with anonymised entities."""
    text = " ".join(part for part in family.texts(record) if part)
    if ANONYMISED_ENTITY.search(text):
        return None
    return " ".join(RELATION_MARKERS.sub(" ", text).split())


def task_texts(task, splits: tuple[str, ...]) -> list[str]:
    """Distinct record texts of the given splits of a task."""
    texts = (record_text(task.family, record) for split in splits for record in task.records(split))
    return list(dict.fromkeys(text for text in texts if text))


def sentence_keys(text: str) -> set[str]:
    """Case- and punctuation-insensitive sentences of a text, long enough to identify it."""
    keys = set()
    for sentence in SENTENCE_END.split(text):
        words = re.findall(r"[a-z0-9]+", sentence.lower())
        if len(words) >= MIN_SENTENCE_WORDS:
            keys.add(" ".join(words))
    return keys


def tasks_corpus(tasks: list) -> Corpus:
    """The training text of ``tasks``, without passages sharing a sentence with any of their other splits."""
    training, held_out = [], set()
    for task in tasks:
        training += task_texts(task, ("train",))
        evaluation = tuple(split for split in ("validation", "test") if _has_split(task, split))
        for text in task_texts(task, evaluation):
            held_out |= sentence_keys(text)
    passages = [text for text in dict.fromkeys(training) if not sentence_keys(text) & held_out]
    return Corpus(passages, [f"task:{task.name} (train split)" for task in tasks])


def files_corpus(paths: list[Path]) -> Corpus:
    passages = [passage for path in paths for passage in read_corpus_file(path)]
    return Corpus(list(dict.fromkeys(passages)), [str(path) for path in paths])


def build_corpus(references: list[str], extra_task_dirs: list[Path] = ()) -> Corpus:
    """Files and task names mixed; none given: the training splits of every built-in task."""
    from biobench.catalog import load_task, task_folders

    if not references:
        return tasks_corpus([load_task(name) for name in task_folders()])
    known_tasks = task_folders(extra_task_dirs)
    tasks = [load_task(ref, extra_task_dirs) for ref in references if ref in known_tasks]
    files = [Path(ref) for ref in references if ref not in known_tasks]
    parts = ([tasks_corpus(tasks)] if tasks else []) + ([files_corpus(files)] if files else [])
    return Corpus(
        list(dict.fromkeys(p for part in parts for p in part.passages)), [s for part in parts for s in part.sources]
    )


def _has_split(task, split: str) -> bool:
    return split in task.split_files or bool(task.spec.derive)
