"""Corpus readers (plain text, PubTator, BioC XML) and the train-split-only task corpus."""

import pytest

from biobench.families.ner import NER
from biobench.families.relation import RELATION
from biobench.distillation.corpus import build_corpus, read_corpus_file, record_text, tasks_corpus
from biobench.errors import DataError
from biobench.plugin import Task
from builders import write_plugin

BIOC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE collection SYSTEM "BioC.dtd">
<collection><source>test</source><date>2024</date><key>test.key</key>
<document><id>1</id>
<passage><offset>0</offset><text>Familial adenomatous polyposis is inherited.</text></passage>
<passage><offset>45</offset><text>APC mutations cause it.</text></passage>
</document></collection>
"""
PUBTATOR = "123|t|Ataxia telangiectasia\n123|a|A rare disease.\n123\t0\t21\tAtaxia telangiectasia\tDisease\tD001260\n\n"


def test_plain_text_has_one_passage_per_line(tmp_path):
    path = tmp_path / "abstracts.txt"
    path.write_text("First passage.\n\n  Second passage.  \n", encoding="utf-8")
    assert read_corpus_file(path) == ["First passage.", "Second passage."]


def test_pubtator_is_recognised_by_its_first_line(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text(PUBTATOR, encoding="utf-8")
    assert read_corpus_file(path) == ["Ataxia telangiectasia A rare disease."]


def test_bioc_passages(tmp_path):
    path = tmp_path / "corpus.xml"
    path.write_text(BIOC, encoding="utf-8")
    assert read_corpus_file(path) == ["Familial adenomatous polyposis is inherited.", "APC mutations cause it."]


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("broken.xml", "<collection><document>", "invalid BioC XML"),
    ("empty.txt", "\n\n", "holds no text"),
])
def test_bad_corpus_files_are_errors(tmp_path, name, text, problem):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=problem):
        read_corpus_file(path)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        build_corpus([str(tmp_path / "nowhere.txt")])


def test_relation_markers_are_removed_and_anonymised_text_is_skipped():
    assert record_text(RELATION, {"text": "<< aspirin >> treats [[ pain ]] .", "label": "x"}) == "aspirin treats pain ."
    assert record_text(RELATION, {"text": "@GENE$ causes @DISEASE$ .", "label": "x"}) is None
    assert record_text(NER, {"tokens": ["Aspirin", "helps", "."], "tags": ["O"] * 3}) == "Aspirin helps ."


def _sentence(words: str) -> str:
    return "\n".join(f"{word}\tO" for word in words.split()) + "\n"


def test_task_corpus_reads_training_text_only_and_drops_shared_sentences(tmp_path):
    shared = "the same sentence appears in training and test"
    files = {
        "train": "\n".join([_sentence("a training sentence of six words"), _sentence(shared)]),
        "validation": _sentence("a validation sentence of six words"),
        "test": _sentence(shared),
    }
    task = Task.load(write_plugin(tmp_path / "leaky", "leaky", files))
    corpus = tasks_corpus([task])
    assert corpus.passages == ["a training sentence of six words"]
    assert corpus.sources == ["task:leaky (train split)"]


def test_named_tasks_and_files_combine(tmp_path, ncbi_slice):
    path = tmp_path / "extra.txt"
    path.write_text("An extra passage.\n", encoding="utf-8")
    corpus = build_corpus(["ncbi-slice", str(path)], [ncbi_slice.parent])
    train = {" ".join(r["tokens"]) for r in Task.load(ncbi_slice).records("train")}
    assert set(corpus.passages) - train == {"An extra passage."}
    assert len(corpus.sources) == 2
