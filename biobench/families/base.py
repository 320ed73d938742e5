"""What every family provides to the one fine-tune/evaluate loop."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from biobench.plugin import MetricSpec


def classification_head_options(labels: list[str]) -> dict[str, Any]:
    """``from_pretrained`` options for a head over ``labels``."""
    return {
        "num_labels": len(labels),
        "id2label": dict(enumerate(labels)),
        "label2id": {label: i for i, label in enumerate(labels)},
    }


@dataclass
class Features:
    """Model inputs of one split plus what is needed to map outputs back.

    ``inputs`` are dicts of model inputs (``input_ids``, ``labels``, ...);
    ``origins`` says, per input, which record (and part of it) it came from.
    Both hold JSON values only (NamedTuples read back as lists), so features
    can be cached on disk.
    """

    inputs: list[dict[str, list[int]]]
    origins: list[Any] = field(default_factory=list)


class Family(Protocol):
    name: str
    record_type: type  # the TypedDict of records.py its readers produce
    auto_class: str  # the transformers Auto class of the task head
    default_metric: MetricSpec
    metric_version: str

    def label_names(self, records: list[dict], declared: list[str] | None) -> list[str]: ...

    def head_options(self, labels: list[str]) -> dict[str, Any]: ...

    def collator(self, tokenizer): ...

    def reduce_logits(self, logits): ...

    def featurize(self, records: list[dict], tokenizer, max_length: int, label_ids: dict[str, int]) -> Features: ...

    def decode(self, predictions, features: Features, records: list[dict], labels: list[str]) -> list[Any]: ...

    def score(self, records: list[dict], predictions: list[Any]) -> dict[str, Any]: ...

    def prediction_rows(self, records: list[dict], predictions: list[Any]) -> list[dict]: ...

    def paired_statistics(self, rows: list[dict]): ...  # per row, an array whose sums give the main metric

    def main_from_statistics(self, totals): ...
