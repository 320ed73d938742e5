"""Declarative split derivation (``derive:`` in task.yaml) and cross-validation folds."""

import json

import pytest

from biobench.catalog import load_task
from biobench.errors import DataError, UnknownNameError
from biobench.plugin import Task
from biobench.splits import derive_splits
from builders import TASKS


def records(count, groups=None):
    return [{"id": str(i), "doc": str(i % groups) if groups else str(i)} for i in range(count)]


def test_fractions_are_seeded_and_keep_the_published_order():
    first = derive_splits(records(100), "train", {}, {"validation": 0.1, "test": 0.2}, 0, None)
    again = derive_splits(records(100), "train", {}, {"validation": 0.1, "test": 0.2}, 0, None)
    other = derive_splits(records(100), "train", {}, {"validation": 0.1, "test": 0.2}, 1, None)
    assert first == again and first != other
    assert [len(first[s]) for s in ("train", "validation", "test")] == [70, 10, 20]
    assert all(split == sorted(split, key=lambda r: int(r["id"])) for split in first.values())


def test_groups_stay_together():
    splits = derive_splits(records(90, groups=9), "train", {}, {"test": 0.34}, 3, "doc")
    train_docs, test_docs = ({r["doc"] for r in splits[s]} for s in ("train", "test"))
    assert not train_docs & test_docs and len(test_docs) == 3


def test_listed_ids_form_their_split_first():
    splits = derive_splits(records(20), "train", {"test": {"0", "1", "2", "3"}}, {"validation": 0.25}, 0, None)
    assert [r["id"] for r in splits["test"]] == ["0", "1", "2", "3"]
    assert len(splits["validation"]) == 4 and len(splits["train"]) == 12
    with pytest.raises(ValueError, match="none of the ids listed for split 'test'"):
        derive_splits(records(5), "train", {"test": {"x"}}, {}, 0, None)


def test_pubmedqa_test_split_is_the_official_500():
    task = load_task("pubmedqa")
    official = json.loads((TASKS / "pubmedqa" / "data" / "test_ground_truth.json").read_text())
    test = task.records("test")
    assert {r["id"] for r in test} == set(official) and all(official[r["id"]] == r["label"] for r in test)
    assert (len(task.records("train")), len(task.records("validation"))) == (450, 50)


def test_covid_qa_splits_by_article():
    task = load_task("covid-qa")
    documents = {split: {r["document"] for r in task.records(split)} for split in ("train", "validation", "test")}
    assert [len(documents[s]) for s in ("train", "validation", "test")] == [68, 10, 20]
    assert not (documents["train"] & documents["test"]) and not (documents["train"] & documents["validation"])


def test_folds_choose_files_and_enter_the_data_digest():
    task = load_task("gad")
    assert task.fold == "1" and task.split_files["test"] == "data/1/test.tsv"
    third = Task.load(task.folder, "3")
    assert third.split_files["train"] == "data/3/train.tsv" and third.data_sha256 != task.data_sha256
    assert len(third.records("train")) + len(third.records("validation")) == 4797
    assert [t.fold for t in task.with_folds(["all"])] == [str(k) for k in range(1, 11)]
    with pytest.raises(UnknownNameError, match="unknown fold of task gad '11'"):
        task.with_folds(["11"])


def test_a_split_neither_declared_nor_derived(tmp_path):
    import shutil

    import yaml

    folder = tmp_path / "biosses"
    shutil.copytree(TASKS / "biosses", folder)
    spec = yaml.safe_load((folder / "task.yaml").read_text())
    del spec["derive"]["fractions"]["test"]
    (folder / "task.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(DataError, match=r"task.yaml: .*missing split\(s\): test \(declare or derive them\)"):
        Task.load(folder)
