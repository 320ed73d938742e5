"""Sentence-pair similarity as regression: one output unit, mean-squared error,
scored by Pearson correlation with Spearman beside it.
"""

from __future__ import annotations

import numpy as np

from biobench.errors import BiobenchError
from biobench.families.sequence import SequenceFamily
from biobench.families.base import Metric
from biobench.records import SimilarityRecord

SCORE = "score"


class SimilarityFamily(SequenceFamily):
    name = "similarity"
    record_type = SimilarityRecord
    label_field = SCORE
    metrics = (Metric("pearson"), Metric("spearman"))
    metric_version = "scipy/pearson+spearman"

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
        raise BiobenchError("paired tests need a metric that sums over examples; a correlation does not")


SIMILARITY = SimilarityFamily()
