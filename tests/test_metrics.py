from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from biobench.metrics import entity_scores

GOLD = [["B-Disease", "I-Disease", "O", "B-Chemical"], ["O", "B-Disease", "O"], ["I-Disease", "I-Disease", "O"]]
PREDICTED = [["B-Disease", "O", "O", "B-Chemical"], ["O", "B-Disease", "O"], ["I-Disease", "I-Disease", "O"]]


def test_strict_scores_equal_seqeval_called_directly():
    scores = entity_scores(GOLD, PREDICTED)
    assert scores["f1"] == f1_score(GOLD, PREDICTED, mode="strict", scheme=IOB2)
    assert scores["precision"] == precision_score(GOLD, PREDICTED, mode="strict", scheme=IOB2)
    assert scores["recall"] == recall_score(GOLD, PREDICTED, mode="strict", scheme=IOB2)


def test_lenient_f1_is_seqeval_default_and_differs_on_broken_iob():
    scores = entity_scores(GOLD, PREDICTED)
    assert scores["f1_lenient"] == f1_score(GOLD, PREDICTED)
    assert scores["f1_lenient"] != scores["f1"]  # the I-Disease run counts only in lenient mode


def test_per_type_f1():
    scores = entity_scores(GOLD, PREDICTED)
    assert scores["per_type"]["Chemical"] == 1.0
    assert set(scores["per_type"]) == {"Chemical", "Disease"}
