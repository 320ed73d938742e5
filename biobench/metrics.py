"""Metrics, each computed by the library that defines it."""

from __future__ import annotations

from seqeval.metrics import classification_report, f1_score
from seqeval.scheme import IOB2


def entity_scores(gold: list[list[str]], predicted: list[list[str]]) -> dict:
    """Entity-level micro P/R/F1 (seqeval strict IOB2), per type, and lenient F1."""
    report = classification_report(gold, predicted, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    micro = report["micro avg"]
    per_type = {
        name: round(float(values["f1-score"]), 6)
        for name, values in report.items()
        if not name.endswith(" avg")
    }
    return {
        "f1": float(micro["f1-score"]),
        "precision": float(micro["precision"]),
        "recall": float(micro["recall"]),
        "f1_lenient": float(f1_score(gold, predicted, zero_division=0)),
        "per_type": per_type,
    }
