"""Sentence-pair similarity as regression: one output unit, mean-squared error,
scored by Pearson correlation with Spearman beside it.

Pearson's r is a function of five sums over examples (of x, y, x², y², xy for
gold x and predicted y), so paired tests of Pearson work as for the counting
metrics: swapping two systems' predictions of one example swaps its sums.
"""

from __future__ import annotations

import numpy as np

from biobench.families.sequence import SequenceFamily
from biobench.families.base import Metric, Trivial
from biobench.records import SimilarityRecord

SCORE = "score"


class SimilarityFamily(SequenceFamily):
    name = "similarity"
    record_type = SimilarityRecord
    label_field = SCORE
    metrics = (Metric("pearson"), Metric("spearman"))
    metric_version = "scipy/pearson+spearman"
    soft_labels = "regression"  # the teacher's score

    def texts(self, record: SimilarityRecord) -> tuple[str, str]:
        return record["text_a"], record["text_b"]

    def label_names(self, records: list[SimilarityRecord], declared: list[str] | None) -> list[str]:
        """A regression head has one output: the score."""
        return [SCORE]

    def head_options(self, labels: list[str]) -> dict:
        return {"num_labels": 1, "problem_type": "regression"}

    def reduce_logits(self, logits):
        return logits.squeeze(-1).float()

    def target(self, record: SimilarityRecord, label_ids: dict[str, int]) -> float:
        return float(record[SCORE])

    def prediction(self, row, labels: list[str]) -> float:
        return round(float(row), 6)

    def score(self, records: list[SimilarityRecord], predictions: list[float]) -> dict:
        from biobench.metrics import correlation_scores

        return correlation_scores([record[SCORE] for record in records], predictions)

    def paired_statistics(self, rows: list[dict]) -> np.ndarray:
        """Per prediction row: (x, y, x², y², xy, 1) for gold x and predicted y; Pearson is a function of their sums."""
        gold = np.array([float(row["gold"]) for row in rows])
        predicted = np.array([float(row["predicted"]) for row in rows])
        return np.stack([gold, predicted, gold**2, predicted**2, gold * predicted, np.ones_like(gold)], axis=-1)

    def main_from_statistics(self, totals: np.ndarray) -> np.ndarray:
        """Pearson's r from summed statistics; 0 when a side is constant (as ``score`` gives)."""
        x, y, xx, yy, xy, n = (np.asarray(totals[..., k], dtype=float) for k in range(6))
        denominator = np.sqrt(_spread(n, x, xx) * _spread(n, y, yy))
        return np.divide(n * xy - x * y, denominator, out=np.zeros_like(denominator), where=denominator > 0)

    def trivial_predictions(self, train_records: list[SimilarityRecord], records: list[SimilarityRecord]) -> Trivial:
        """The training split's mean score for every pair (its Pearson correlation is 0 by convention)."""
        mean = round(float(np.mean([record[SCORE] for record in train_records])), 6)
        return Trivial(f"training mean {mean:.3g}", mean, [mean] * len(records))


def _spread(n, total, squares):
    """n² times the variance, from sums; 0 where it is below the sums' rounding error (a constant side)."""
    spread = n * squares - total**2
    return np.where(spread > 1e-9 * n * squares, spread, 0.0)


SIMILARITY = SimilarityFamily()
