"""The official SQuAD v1.1 evaluation (exact match and token F1 after its answer
normalisation: lower case, no punctuation, no articles, single spaces),
reproduced line for line because the ``evaluate`` package is not a dependency.
Scores are fractions (the official script prints them x100).
"""

from __future__ import annotations

import re
import string
from collections import Counter


def normalize_answer(text: str) -> str:
    text = text.lower()
    text = "".join(character for character in text if character not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def token_f1(prediction: str, ground_truth: str) -> float:
    prediction_tokens = normalize_answer(prediction).split()
    truth_tokens = normalize_answer(ground_truth).split()
    same = sum((Counter(prediction_tokens) & Counter(truth_tokens)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(prediction_tokens), same / len(truth_tokens)
    return 2 * precision * recall / (precision + recall)


def exact_match(prediction: str, ground_truth: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(ground_truth))


def squad_scores(gold_answers: list[list[str]], predictions: list[str]) -> dict:
    """Mean over questions of the best EM and F1 against any gold answer."""
    if not predictions:
        return {"f1": 0.0, "exact_match": 0.0}
    f1 = sum(max(token_f1(p, g) for g in golds) for golds, p in zip(gold_answers, predictions))
    em = sum(max(exact_match(p, g) for g in golds) for golds, p in zip(gold_answers, predictions))
    return {"f1": f1 / len(predictions), "exact_match": em / len(predictions)}
