"""Document classification with zero or more labels per document (multi-label,
sigmoid head, a label predicted when its logit is positive), scored by micro F1
with macro F1 and example-based F1 beside it.
"""

from __future__ import annotations

import numpy as np

from biobench.families.sequence import SequenceFamily
from biobench.families.base import Metric, check_declared_labels
from biobench.records import DocumentRecord


class DocumentClassificationFamily(SequenceFamily):
    name = "classification"
    record_type = DocumentRecord
    label_field = "labels"
    metrics = (Metric("f1"), Metric("f1_macro"), Metric("f1_examples"))
    metric_version = "sklearn/multilabel-micro-f1+samples-f1"

    def texts(self, record: DocumentRecord) -> tuple[str]:
        return (record["text"],)

    def label_names(self, records: list[DocumentRecord], declared: list[str] | None) -> list[str]:
        return check_declared_labels({label for record in records for label in record["labels"]}, declared)

    def head_options(self, labels: list[str]) -> dict:
        return super().head_options(labels) | {"problem_type": "multi_label_classification"}

    def reduce_logits(self, logits):
        """Which labels are on (positive logit), as integers: evaluation keeps no logits."""
        return (logits > 0).long()

    def target(self, record: DocumentRecord, label_ids: dict[str, int]) -> list[float]:
        target = [0.0] * len(label_ids)
        for label in record["labels"]:
            target[label_ids[label]] = 1.0
        return target

    def prediction(self, row, labels: list[str]) -> list[str]:
        return [label for label, on in zip(labels, row) if on > 0.5]

    def score(self, records: list[DocumentRecord], predictions: list[list[str]]) -> dict:
        from biobench.metrics import multilabel_scores

        gold = {label for record in records for label in record["labels"]}
        labels = sorted(gold | {label for predicted in predictions for label in predicted})
        return multilabel_scores([record["labels"] for record in records], predictions, labels)

    def paired_statistics(self, rows: list[dict]) -> np.ndarray:
        """Per row: (labels right, labels predicted, labels gold); micro F1 is a function of their sums."""
        return np.array(
            [[len(set(row["gold"]) & set(row["predicted"])), len(row["predicted"]), len(row["gold"])] for row in rows],
            dtype=float,
        )

    def main_from_statistics(self, totals: np.ndarray) -> np.ndarray:
        from biobench.metrics import f1_from_counts

        return f1_from_counts(totals)


CLASSIFICATION = DocumentClassificationFamily()
