"""Document classification with zero or more labels per document (multi-label,
sigmoid head, a label predicted when its logit is positive), scored by micro F1
with macro F1 and example-based F1 beside it.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from biobench.families.sequence import SequenceFamily
from biobench.families.base import Metric, Trivial, check_declared_labels
from biobench.records import DocumentRecord


class DocumentClassificationFamily(SequenceFamily):
    name = "classification"
    record_type = DocumentRecord
    label_field = "labels"
    metrics = (Metric("f1"), Metric("f1_macro"), Metric("f1_examples"))
    metric_version = "sklearn/multilabel-micro-f1+samples-f1"
    soft_labels = "sigmoid"  # multi-label: each label against the teacher's probability

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

    def trivial_predictions(self, train_records: list[DocumentRecord], records: list[DocumentRecord]) -> Trivial:
        """One label set for every document: the most frequent non-empty set of the training split, or the
        empty set, whichever scores the higher micro F1 on the training split (a tie keeps the empty set)."""
        sets = Counter(tuple(sorted(record["labels"])) for record in train_records if record["labels"])
        chosen: list[str] = []
        if sets:  # else no document has a label: the empty set is the only candidate
            frequent = list(min(sets, key=lambda labels: (-sets[labels], labels)))
            main = self.metrics[0].name
            trained = [self.score(train_records, [labels] * len(train_records))[main] for labels in ([], frequent)]
            chosen = frequent if trained[1] > trained[0] else []
        words = f"most frequent label set {chosen}" if chosen else "the empty label set"
        return Trivial(words, chosen, [list(chosen) for _ in records])


CLASSIFICATION = DocumentClassificationFamily()
