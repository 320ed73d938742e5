"""The SQuAD v1.1 metric against values worked out from the official script's definitions."""

import pytest

from biobench.squad_metric import exact_match, normalize_answer, squad_scores, token_f1


def test_normalisation_as_the_official_script():
    assert normalize_answer("The  Cat, sat.") == "cat sat"
    assert normalize_answer("An apple a day") == "apple day"
    assert normalize_answer("theory") == "theory"  # articles only as whole words


@pytest.mark.parametrize("prediction,truth,f1", [
    ("cat", "the black cat", 2 * (1 * 0.5) / 1.5),
    ("the cat sat", "The cat sat.", 1.0),
    ("a b c d", "c d e", 2 / 3),  # "a" is an article: b c d vs c d e
    ("nothing shared", "else", 0.0),
    ("", "answer", 0.0),
])
def test_token_f1(prediction, truth, f1):
    assert token_f1(prediction, truth) == pytest.approx(f1)


def test_best_over_gold_answers_then_mean():
    scores = squad_scores([["Paris", "the city of Paris"], ["1990"]], ["city of paris", "in 1991"])
    assert scores["exact_match"] == pytest.approx(0.5)
    assert scores["f1"] == pytest.approx((1.0 + 0.0) / 2)
    assert exact_match("The Paris!", "paris") == 1.0
