"""Relation extraction as classification of an entity pair marked in its text.

Readers mark the two entities in the text (``<< >>`` / ``[[ ]]``, or BioBERT's ``@GENE$`` /
``@DISEASE$``); featurize turns the marks into added marker tokens (``entity_markers``) and records
where each entity starts. The default head, ``entity-start``, reads the relation off the concatenated
vectors of the two entities' opening markers (Baldini Soares et al. 2019, "Matching the Blanks");
``cls`` and ``mean`` read the marked text off ``[CLS]`` or the mean of its tokens.

A text longer than ``max_length`` keeps one window holding both opening markers (and the closing ones
where they fit), centred on them; when even the openings are farther apart than a window, the input is
a piece around each of them (counted in ``feature_counts``). The main metric is micro F1 over the
positive classes: candidate pairs labelled with the task's negative label (``family_options:
{negative_label: ...}``, default ``none``; ``null``: every class is a relation) count neither as gold
nor as predicted relations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from biobench.families.base import PAD_MULTIPLE, Features, Metric
from biobench.families.entity_markers import MarkerIds, marked_pair_text, pair_tokens
from biobench.families.sequence import SequenceFamily
from biobench.records import NO_RELATION, RelationRecord

WHOLE, WINDOW, PIECES, UNMARKED = "whole", "window", "pieces", "unmarked"  # how an input holds its pair


@dataclass(frozen=True)
class RelationFamily(SequenceFamily):
    negative_label: str | None = NO_RELATION  # the label of unrelated pairs; None: every class is a relation

    name = "relation"
    record_type = RelationRecord
    heads = ("entity-start", "cls", "mean")
    metrics = (Metric("f1"), Metric("precision"), Metric("recall"), Metric("f1_macro"),
               Metric("per_class", scalar=False))

    def __post_init__(self):
        if self.negative_label is not None and not isinstance(self.negative_label, str):
            raise ValueError(f"family_options negative_label {self.negative_label!r}: a label, quoted in YAML "
                             "('0'), or null where every class is a relation")

    @property
    def metric_version(self) -> str:
        if self.negative_label is None:
            return "sklearn/micro-f1-all-classes/no-negative"
        return f"sklearn/micro-f1-positive-classes/negative={self.negative_label}"

    def texts(self, record: RelationRecord) -> tuple[str]:
        return (record["text"],)

    def special_tokens(self, records: list[RelationRecord]) -> list[str]:
        """The entity marker tokens the records need in the tokenizer (and the model's embeddings)."""
        return pair_tokens(records)

    def label_names(self, records: list[RelationRecord], declared: list[str] | None) -> list[str]:
        """The declared labels (checked against the data), else those found; the negative label must be one."""
        labels = super().label_names(records, declared)
        found = {record["label"] for record in records}
        if self.negative_label is not None and self.negative_label not in found:
            raise ValueError(
                f"negative label {self.negative_label!r} (family_options.negative_label) is the label of no record "
                f"(found {sorted(found)[:6]}): name the label of unrelated pairs, or null where every class is a "
                "relation"
            )
        return labels

    def collator(self, tokenizer):
        return MarkedPairCollator(tokenizer)

    def featurize(self, records: list[RelationRecord], tokenizer, max_length: int, label_ids: dict[str, int]):
        """One input per record: its marked text (or the window of it holding both entities) and where the
        two entities start (``e1_start``, ``e2_start``: input positions; ``[CLS]`` where an entity is unmarked)."""
        markers = MarkerIds.of(tokenizer, self.special_tokens(records))
        frame = Frame.of(tokenizer)
        encodings = tokenizer([marked_pair_text(record) for record in records], add_special_tokens=False,
                              verbose=False)
        features = Features(inputs=[], origins=[])
        for index, (record, ids) in enumerate(zip(records, encodings["input_ids"])):
            starts, ends = markers.pair_positions(ids)
            segments = pair_window(len(ids), starts, ends, max_length - frame.size)
            positions = [frame.position(segments, start) if start is not None else 0 for start in starts]
            inputs = frame.inputs([token for first, last in segments for token in ids[first:last]])
            inputs |= {"e1_start": positions[0], "e2_start": positions[1], "labels": label_ids[record["label"]]}
            features.inputs.append(inputs)
            features.origins.append([index, _how(segments, len(ids), starts)])
        return features

    def decode(self, predictions, features: Features, records: list[dict], labels: list[str]) -> list[Any]:
        decoded: list[Any] = [None] * len(records)
        for row, (index, _) in zip(predictions, features.origins):
            decoded[index] = self.prediction(row, labels)
        return decoded

    def feature_counts(self, records: list[RelationRecord], features: Features) -> dict[str, int]:
        """Pairs, encoder inputs, and how many pairs were cut to a window, split in two pieces, or unmarked."""
        how = [origin[1] for origin in features.origins]
        return {"pairs": len(records), "inputs": len(features.inputs),
                "pairs cut to a window holding both entities": how.count(WINDOW),
                "pairs in two pieces (entities farther apart than a window)": how.count(PIECES),
                "pairs without both entities marked": how.count(UNMARKED)}

    def score(self, records: list[RelationRecord], predictions: list[str]) -> dict:
        from biobench.metrics import relation_scores

        return relation_scores([record["label"] for record in records], predictions, self.negative_label)

    def paired_statistics(self, rows: list[dict]) -> np.ndarray:
        """Per row: (true positive, predicted positive, gold positive); micro F1 is a function of their sums."""
        negative = self.negative_label
        return np.array(
            [
                [
                    float(row["gold"] == row["predicted"] != negative),
                    float(row["predicted"] != negative),
                    float(row["gold"] != negative),
                ]
                for row in rows
            ]
        )

    def main_from_statistics(self, totals: np.ndarray) -> np.ndarray:
        from biobench.metrics import f1_from_counts

        return f1_from_counts(totals)


@dataclass(frozen=True)
class Frame:
    """The special tokens a tokenizer puts around one sequence (``[CLS] ... [SEP]``), and its input names."""

    prefix: list[int]
    suffix: list[int]
    names: tuple[str, ...]

    @classmethod
    def of(cls, tokenizer) -> "Frame":
        framed = tokenizer(tokenizer.unk_token)["input_ids"]
        at = framed.index(tokenizer.unk_token_id)
        return cls(framed[:at], framed[at + 1 :], tuple(tokenizer.model_input_names))

    @property
    def size(self) -> int:
        return len(self.prefix) + len(self.suffix)

    def inputs(self, content: list[int]) -> dict[str, list[int]]:
        """Model inputs of ``content`` framed by the special tokens."""
        input_ids = [*self.prefix, *content, *self.suffix]
        inputs = {"input_ids": input_ids, "attention_mask": [1] * len(input_ids)}
        if "token_type_ids" in self.names:
            inputs["token_type_ids"] = [0] * len(input_ids)
        return inputs

    def position(self, segments: list[tuple[int, int]], index: int) -> int:
        """The input position of content token ``index`` once ``segments`` of the content are framed."""
        offset = len(self.prefix)
        for first, last in segments:
            if first <= index < last:
                return offset + index - first
            offset += last - first
        raise ValueError(f"token {index} is outside the kept segments {segments}")


class MarkedPairCollator:
    """Pads a batch as ``DataCollatorWithPadding`` does; where the tokenizer pads on the left, the entity
    positions move with their tokens."""

    def __init__(self, tokenizer):
        from transformers import DataCollatorWithPadding

        self.padding = DataCollatorWithPadding(tokenizer, pad_to_multiple_of=PAD_MULTIPLE)
        self.left = tokenizer.padding_side == "left"

    def __call__(self, features: list[dict]) -> dict:
        import torch

        batch = self.padding(features)
        if self.left and "e1_start" in batch:
            shift = batch["input_ids"].shape[1] - torch.tensor([len(feature["input_ids"]) for feature in features])
            batch["e1_start"], batch["e2_start"] = batch["e1_start"] + shift, batch["e2_start"] + shift
        return batch


def pair_window(length: int, starts: list[int | None], ends: list[int | None], width: int) -> list[tuple[int, int]]:
    """The content segments to keep: all of it where it fits; else one window of ``width`` holding both opening
    markers (and the closing ones where they fit), centred on them; else a piece around each opening."""
    if length <= width:
        return [(0, length)]
    marks = [position for position in starts if position is not None]
    if not marks:
        return [(0, width)]
    first, last = min(marks), max(marks)
    reach = max([last, *[position for position in ends if position is not None]])
    for low, high in ((first, reach), (first, last)):
        if high - low < width:
            start = min(max(0, low - (width - (high - low + 1)) // 2), length - width)
            return [(start, start + width)]
    half = width // 2
    return [_around(first, half, length), _around(last, width - half, length)]


def _around(position: int, size: int, length: int) -> tuple[int, int]:
    """A segment of ``size`` tokens holding ``position``, a quarter of it before."""
    start = min(max(0, position - size // 4), length - size)
    return start, start + size


def _how(segments: list[tuple[int, int]], length: int, starts: list[int | None]) -> str:
    if None in starts:
        return UNMARKED
    if len(segments) > 1:
        return PIECES
    return WHOLE if segments[0] == (0, length) else WINDOW


RELATION = RelationFamily()
