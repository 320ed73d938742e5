"""Each family's trivial predictor (fitted on training records) and its test of a collapsed model."""

import random

import pytest

from biobench.families.classification import CLASSIFICATION
from biobench.families.extractive_qa import EXTRACTIVE_QA
from biobench.families.ner import NER
from biobench.families.relation import RELATION
from biobench.families.similarity import SIMILARITY
from biobench.families.text_pair import QA
from biobench.metrics import correlation_scores
from biobench.records import NO_RELATION
from biobench.registry import FAMILIES


def test_every_family_has_a_trivial_predictor_and_a_collapse_test():
    for name in FAMILIES.names():
        family = FAMILIES.get(name)
        assert callable(family.trivial_predictions) and callable(family.collapsed), name


def test_single_label_families_predict_the_training_majority():
    train = [{"id": str(i), "question": "", "context": "", "label": label} for i, label in enumerate(["n", "y", "y"])]
    trivial = QA.trivial_predictions(train, train[:2])
    assert (trivial.predictor, trivial.prediction, trivial.predictions) == ("majority class 'y'", "y", ["y"] * 2)
    tied = [{"id": str(i), "text": "", "label": label} for i, label in enumerate(["B", NO_RELATION, "B", NO_RELATION])]
    assert RELATION.trivial_predictions(tied, tied).prediction == "B"  # a tie goes to the first label in order
    assert RELATION.score(tied, RELATION.trivial_predictions(tied, tied).predictions)["f1"] == pytest.approx(2 / 3)


def test_multilabel_baseline_is_the_frequent_set_or_the_empty_one_whichever_scores_higher_on_training():
    def documents(*label_sets):
        return [{"id": str(i), "text": "", "labels": list(labels)} for i, labels in enumerate(label_sets)]

    frequent = CLASSIFICATION.trivial_predictions(documents(["a", "b"], ["b", "a"], ["c"], []), documents([]))
    assert frequent.prediction == ["a", "b"] and frequent.predictions == [["a", "b"]]
    assert frequent.predictor == "most frequent label set ['a', 'b']"
    nothing = CLASSIFICATION.trivial_predictions(documents([], [], []), documents([], []))
    assert nothing.predictions == [[], []] and nothing.predictor == "the empty label set"


def test_similarity_baseline_is_the_training_mean_and_pearson_comes_from_summed_statistics():
    train = [{"id": str(i), "text_a": "", "text_b": "", "score": s} for i, s in enumerate([1.0, 2.0, 4.5])]
    trivial = SIMILARITY.trivial_predictions(train, train[:2])
    assert trivial.predictions == [2.5, 2.5] and trivial.predictor == "training mean 2.5"
    rng = random.Random(0)
    gold = [rng.uniform(0, 4) for _ in range(30)]
    predicted = [g + rng.gauss(0, 1) for g in gold]
    rows = [{"id": str(i), "gold": g, "predicted": p} for i, (g, p) in enumerate(zip(gold, predicted))]
    totals = SIMILARITY.paired_statistics(rows).sum(axis=0)
    assert SIMILARITY.main_from_statistics(totals) == pytest.approx(correlation_scores(gold, predicted)["pearson"])
    constant = [row | {"predicted": 2.5} for row in rows]
    assert SIMILARITY.main_from_statistics(SIMILARITY.paired_statistics(constant).sum(axis=0)) == 0.0


def test_ner_baseline_tags_every_word_o_and_collapse_means_no_entity():
    records = [{"id": "1", "tokens": ["a", "b"], "tags": ["B-D", "O"]}, {"id": "2", "tokens": ["c"], "tags": ["O"]}]
    trivial = NER.trivial_predictions(records, records)
    assert trivial.predictions == [["O", "O"], ["O"]] and trivial.prediction == "O"
    assert NER.score(records, trivial.predictions)["f1"] == 0.0
    assert NER.collapsed(trivial.predictions)
    assert NER.collapsed([["I-D", "O"], ["I-D"]])  # strict IOB2: an I- tag starts no entity
    assert NER.collapsed([["B-D", "B-D"], ["B-D"]])  # one tag for every word
    assert not NER.collapsed([["B-D", "O"], ["O"]])


@pytest.mark.parametrize(("family", "predictions", "collapsed"), [
    (QA, ["yes", "yes", "yes"], True),
    (QA, ["yes", "no", "yes"], False),
    (CLASSIFICATION, [["a"], ["a"]], True),
    (CLASSIFICATION, [["a"], []], False),
    (SIMILARITY, [2.0, 2.0], True),
    (SIMILARITY, [2.0, 2.1], False),
    (EXTRACTIVE_QA, ["", ""], True),
    (EXTRACTIVE_QA, ["", "p53"], False),
])
def test_collapse_is_one_answer_for_every_record(family, predictions, collapsed):
    assert family.collapsed(predictions) is collapsed


def test_extractive_qa_baseline_is_the_empty_answer():
    records = [{"id": "1", "question": "q", "context": "c", "answers": [{"text": "c", "start": 0}], "document": "d"}]
    trivial = EXTRACTIVE_QA.trivial_predictions(records, records)
    assert trivial.predictions == [""] and EXTRACTIVE_QA.score(records, trivial.predictions)["f1"] == 0.0
