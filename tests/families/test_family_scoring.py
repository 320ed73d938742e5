"""Scoring of the sentence-level families against hand-computed values, and their
per-example statistics (for paired tests) against the full metric."""

import pytest

from biobench.families.classification import CLASSIFICATION
from biobench.families.relation import RELATION
from biobench.families.similarity import SIMILARITY
from biobench.families.text_pair import PAIR
from biobench.records import NO_RELATION


def test_relation_micro_f1_leaves_out_the_negative_class():
    gold = ["A", NO_RELATION, "B", NO_RELATION, "A"]
    predicted = ["A", "A", NO_RELATION, NO_RELATION, "B"]
    records = [{"id": str(i), "text": "", "label": label} for i, label in enumerate(gold)]
    scores = RELATION.score(records, predicted)
    assert scores["precision"] == pytest.approx(1 / 3) and scores["recall"] == pytest.approx(1 / 3)
    assert scores["f1"] == pytest.approx(1 / 3) and set(scores["per_class"]) == {"A", "B"}
    rows = RELATION.prediction_rows(records, predicted)
    assert RELATION.main_from_statistics(RELATION.paired_statistics(rows).sum(axis=0)) == pytest.approx(scores["f1"])


def test_multilabel_micro_and_example_based_f1():
    records = [{"id": "1", "text": "", "labels": ["a", "b"]}, {"id": "2", "text": "", "labels": []}]
    predicted = [["a"], []]
    scores = CLASSIFICATION.score(records, predicted)
    assert scores["f1"] == pytest.approx(2 * 1 / (1 + 2))  # 1 right of 1 predicted, 2 gold
    assert scores["f1_examples"] == pytest.approx((2 / 3 + 1.0) / 2)  # an empty document predicted empty scores 1
    rows = CLASSIFICATION.prediction_rows(records, predicted)
    totals = CLASSIFICATION.paired_statistics(rows).sum(axis=0)
    assert CLASSIFICATION.main_from_statistics(totals) == pytest.approx(scores["f1"])
    assert CLASSIFICATION.target(records[0], {"a": 0, "b": 1, "c": 2}) == [1.0, 1.0, 0.0]
    assert CLASSIFICATION.prediction([1, 0, 1], ["a", "b", "c"]) == ["a", "c"]


def test_accuracy_and_macro_f1():
    records = [{"id": str(i), "text_a": "", "text_b": "", "label": label} for i, label in enumerate("EECC")]
    scores = PAIR.score(records, list("ECCC"))
    assert scores["accuracy"] == 0.75 and scores["f1_macro"] == pytest.approx((2 / 3 + 0.8) / 2)


def test_similarity_is_a_one_unit_regression():
    assert SIMILARITY.head_options(SIMILARITY.label_names([], None)) == {"num_labels": 1, "problem_type": "regression"}
    records = [{"id": str(i), "text_a": "", "text_b": "", "score": s} for i, s in enumerate([0.0, 1.0, 2.5, 4.0])]
    scores = SIMILARITY.score(records, [0.1, 0.9, 3.0, 3.5])
    assert scores["spearman"] == pytest.approx(1.0) and 0.9 < scores["pearson"] < 1.0
