"""Relation extraction as classification of an entity pair marked in its text.

Readers mark the two entities in the text (``<< >>`` / ``[[ ]]``, or BioBERT's
``@GENE$`` / ``@DISEASE$``); the head reads the relation type off ``[CLS]``.
The main metric is micro F1 over the positive classes: candidate pairs labelled
``NO_RELATION`` count neither as gold nor as predicted relations.
"""

from __future__ import annotations

import numpy as np

from biobench.families.sequence import SequenceFamily
from biobench.families.base import Metric
from biobench.records import NO_RELATION, RelationRecord


class RelationFamily(SequenceFamily):
    name = "relation"
    record_type = RelationRecord
    metrics = (Metric("f1"), Metric("precision"), Metric("recall"), Metric("f1_macro"),
               Metric("per_class", scalar=False))
    metric_version = f"sklearn/micro-f1-positive-classes/negative={NO_RELATION}"

    def texts(self, record: RelationRecord) -> tuple[str]:
        return (record["text"],)

    def score(self, records: list[RelationRecord], predictions: list[str]) -> dict:
        from biobench.metrics import relation_scores

        return relation_scores([record["label"] for record in records], predictions, NO_RELATION)

    def paired_statistics(self, rows: list[dict]) -> np.ndarray:
        """Per row: (true positive, predicted positive, gold positive); micro F1 is a function of their sums."""
        return np.array(
            [
                [
                    float(row["gold"] == row["predicted"] != NO_RELATION),
                    float(row["predicted"] != NO_RELATION),
                    float(row["gold"] != NO_RELATION),
                ]
                for row in rows
            ]
        )

    def main_from_statistics(self, totals: np.ndarray) -> np.ndarray:
        from biobench.metrics import f1_from_counts

        return f1_from_counts(totals)


RELATION = RelationFamily()
