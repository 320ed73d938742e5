"""ChemProt JSON lines and the BioBERT relation TSV (GAD, EU-ADR) on the real files and broken copies."""

import pytest

from biobench.errors import DataError
from biobench.formats.blue_tsv import read_blue_tsv
from biobench.formats.jsonl import read_jsonl
from biobench.records import NO_RELATION
from builders import TASKS

FIELDS = {"text": "text", "label": "label"}
GAD_FOLDS = {1: (4796, 534), 2: (4797, 533), 5: (4797, 533), 10: (4798, 532)}
EUADR_FOLDS = {1: (318, 37), 3: (319, 36), 10: (320, 35)}


@pytest.mark.parametrize("split,count,labels", [("train", 4169, 13), ("validation", 2427, 12), ("test", 3469, 12)])
def test_chemprot_counts(split, count, labels):
    records = read_jsonl(TASKS / "chemprot" / "data" / f"{split}.txt", FIELDS)
    assert len(records) == count and len({r["label"] for r in records}) == labels
    assert set(records[0]) == {"id", "text", "label"} and "<< " in records[0]["text"] and "[[ " in records[0]["text"]


def test_chemprot_broken_line(tmp_path):
    lines = (TASKS / "chemprot" / "data" / "test.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "test.txt"
    broken.write_text("".join(lines[:6]) + lines[6][:40] + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"test.txt:7: invalid JSON"):
        read_jsonl(broken, FIELDS)
    broken.write_text("".join(lines[:2]) + '{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"test.txt:3: missing key\(s\) \['label'\]"):
        read_jsonl(broken, FIELDS)


@pytest.mark.parametrize("task,folds", [("gad", GAD_FOLDS), ("euadr", EUADR_FOLDS)])
def test_biobert_tsv_fold_counts(task, folds):
    for fold, (train, test) in folds.items():
        assert len(read_blue_tsv(TASKS / task / "data" / str(fold) / "train.tsv", "0")) == train
        records = read_blue_tsv(TASKS / task / "data" / str(fold) / "test.tsv", "0")
        assert len(records) == test and {r["label"] for r in records} <= {"1", NO_RELATION}


def test_biobert_tsv_broken_row(tmp_path):
    lines = (TASKS / "gad" / "data" / "1" / "test.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "test.tsv"
    broken.write_text("".join(lines[:4]) + "12\tno label column here\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"test.tsv:5: expected 'index<TAB>sentence<TAB>label'"):
        read_blue_tsv(broken, "0")


def test_jsonl_ner_tags_must_be_iob2_or_declared_iob1(tmp_path):
    path = tmp_path / "ner.jsonl"
    path.write_text('{"tokens": ["a", "b"], "tags": ["B-X", "I-X"]}\n{"tokens": ["c", "d"], "tags": ["O", "I-X"]}\n',
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"ner.jsonl:2: word 2: tag 'I-X' opens an entity without a B- tag"):
        read_jsonl(path)
    assert [r["tags"] for r in read_jsonl(path, tag_scheme="iob1")] == [["B-X", "I-X"], ["O", "B-X"]]
