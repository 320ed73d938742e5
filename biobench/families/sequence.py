"""Sentence-level (and sentence-pair) classification: the base of every family that
reads one answer per record off the ``[CLS]`` head of
``AutoModelForSequenceClassification`` — relation, pair, qa, classification, similarity.

A subclass says which text(s) of a record go in (``texts``), what the target is
(``target``), how a logit row reads back (``prediction``) and how it is scored.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections import Counter
from typing import Any

import numpy as np

from biobench.families.base import PAD_MULTIPLE, Features, Trivial, check_declared_labels, classification_head_options


class SequenceFamily(ABC):
    """Single-label classification of a text or a text pair; subclasses change what differs."""

    auto_class = "AutoModelForSequenceClassification"
    heads = ("cls", "mean")  # the model's own [CLS] head, or a head on the mean of the token vectors
    soft_labels = "softmax"  # distilled per example (biobench.distillation.soft_labels)
    label_field = "label"

    @abstractmethod
    def texts(self, record: dict) -> tuple[str, ...]:
        """The text, or the text pair, that the model reads for ``record``."""

    def label_names(self, records: list[dict], declared: list[str] | None) -> list[str]:
        """The declared labels (checked against the data), else the sorted labels found."""
        return check_declared_labels({record[self.label_field] for record in records}, declared)

    def head_options(self, labels: list[str]) -> dict[str, Any]:
        return classification_head_options(labels)

    def collator(self, tokenizer):
        from transformers import DataCollatorWithPadding

        return DataCollatorWithPadding(tokenizer, pad_to_multiple_of=PAD_MULTIPLE)

    def reduce_logits(self, logits):
        return logits.argmax(dim=-1)

    def target(self, record: dict, label_ids: dict[str, int]) -> Any:
        return label_ids[record[self.label_field]]

    def prediction(self, row, labels: list[str]) -> Any:
        return labels[int(row)]

    def gold(self, record: dict) -> Any:
        return record[self.label_field]

    def featurize(self, records: list[dict], tokenizer, max_length: int, label_ids: dict[str, int]) -> Features:
        """One input per record, truncated to ``max_length`` (the longer text of a pair first)."""
        texts = [self.texts(record) for record in records]
        columns = list(zip(*texts)) if texts else [[]]
        encodings = tokenizer(*[list(column) for column in columns], truncation=True, max_length=max_length)
        features = Features(inputs=[], origins=list(range(len(records))))
        for row, record in enumerate(records):
            inputs = {key: encodings[key][row] for key in encodings.keys()}
            inputs["labels"] = self.target(record, label_ids)
            features.inputs.append(inputs)
        return features

    def decode(self, predictions, features: Features, records: list[dict], labels: list[str]) -> list[Any]:
        """One prediction per record, put back in record order."""
        decoded: list[Any] = [None] * len(records)
        for row, origin in zip(predictions, features.origins):
            decoded[origin] = self.prediction(row, labels)
        return decoded

    def prediction_rows(self, records: list[dict], predictions: list[Any]) -> list[dict]:
        return [
            {"id": record["id"], "gold": self.gold(record), "predicted": predicted}
            for record, predicted in zip(records, predictions)
        ]

    def paired_statistics(self, rows: list[dict]) -> np.ndarray:
        """Per prediction row: (correct, 1); accuracy is a function of their sums."""
        return np.array([[float(row["gold"] == row["predicted"]), 1.0] for row in rows])

    def main_from_statistics(self, totals: np.ndarray) -> np.ndarray:
        return totals[..., 0] / np.maximum(totals[..., 1], 1)

    def trivial_predictions(self, train_records: list[dict], records: list[dict]) -> Trivial:
        """The majority class of the training split (a tie goes to the label first in sorted order)."""
        counts = Counter(self.gold(record) for record in train_records)
        label = min(counts, key=lambda label: (-counts[label], label))
        return Trivial(f"majority class {label!r}", label, [label] * len(records))

    def collapsed(self, predictions: list[Any]) -> bool:
        """One answer (class, label set, value) for every record."""
        return len({json.dumps(prediction, sort_keys=True) for prediction in predictions}) <= 1
