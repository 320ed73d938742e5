"""Extractive question answering (SQuAD style): start/end logits over the context.

A context longer than ``max_length`` is cut into overlapping windows (``stride``
sub-words shared by neighbours, default a quarter of the window; questions cut to half a window); a window
that does not hold the whole first answer is trained to point at ``[CLS]``. Training keeps every window
holding the answer and, where a task sets ``answerless_windows`` (``family_options``), that many of each
question's answerless windows, drawn with a fixed seed: long articles give dozens of answerless windows per
question, most of a CPU epoch otherwise. Evaluation reads every window: the predicted answer is the
best-scoring valid span over all of a question's windows, mapped back to characters through the
tokenizer's offsets, and scored with the SQuAD v1.1 metric.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from biobench.families.base import PAD_MULTIPLE, Features, Metric, Trivial
from biobench.records import SpanQuestionRecord

MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
MAX_ANSWER_TOKENS = 30
TOP_CANDIDATES = 20


class WindowOrigin(NamedTuple):
    """Which record a window came from; per token, its context character span (None outside the context)."""

    record: int
    offsets: list[list[int] | None]


@dataclass(frozen=True)
class ExtractiveQaFamily:
    stride: int | None = None  # sub-words two neighbouring windows share (at most a quarter of max_length)
    answerless_windows: int | None = None  # per question, answerless windows trained on; None: all

    name = "extractive-qa"
    record_type = SpanQuestionRecord
    auto_class = "AutoModelForQuestionAnswering"
    heads = ()
    soft_labels = "softmax"  # span start and end, distilled per window
    metrics = (Metric("f1"), Metric("exact_match"))
    metric_version = "squad-v1.1/f1+exact-match"

    def __post_init__(self):
        for option in ("stride", "answerless_windows"):
            value = getattr(self, option)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise ValueError(f"family_options {option} {value!r}: a whole number of at least 0, or null")

    def texts(self, record: SpanQuestionRecord) -> tuple[str, str]:
        return record["question"], record["context"]

    def label_names(self, records: list[SpanQuestionRecord], declared: list[str] | None) -> list[str]:
        """Spans need no label set: the head has a start and an end output."""
        return ["start", "end"]

    def head_options(self, labels: list[str]) -> dict:
        return {}

    def collator(self, tokenizer):
        from transformers import DataCollatorWithPadding

        return DataCollatorWithPadding(tokenizer, pad_to_multiple_of=PAD_MULTIPLE)

    def reduce_logits(self, logits):
        """Start and end logits stacked as (batch, tokens, 2)."""
        import torch

        return torch.stack([logits[0], logits[1]], dim=-1).float()

    def featurize(self, records: list[SpanQuestionRecord], tokenizer, max_length: int, label_ids) -> Features:
        encodings = tokenizer(
            _short_questions([record["question"] for record in records], tokenizer, max_length // 2),
            [record["context"] for record in records],
            truncation="only_second",
            max_length=max_length,
            stride=max_length // 4 if self.stride is None else min(self.stride, max_length // 4),
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
        )
        features = Features(inputs=[])
        for row, index in enumerate(encodings["overflow_to_sample_mapping"]):
            sequence_ids = encodings.sequence_ids(row)
            spans = encodings["offset_mapping"][row]
            offsets = [list(span) if sequence_ids[k] == 1 else None for k, span in enumerate(spans)]
            start, end = _answer_tokens(records[index]["answers"], offsets)
            inputs = {key: encodings[key][row] for key in MODEL_INPUTS if key in encodings}
            features.inputs.append(inputs | {"start_positions": start, "end_positions": end})
            features.origins.append(WindowOrigin(int(index), offsets))
        return features

    def training_features(self, features: Features) -> Features:
        """Every window holding its question's answer, and ``answerless_windows`` of each question's others."""
        if self.answerless_windows is None:
            return features
        keep = sorted(self._kept_windows(features))
        return Features([features.inputs[k] for k in keep], [features.origins[k] for k in keep])

    def feature_counts(self, records: list[SpanQuestionRecord], features: Features) -> dict[str, int]:
        """Questions, windows, those holding the answer, and the windows training keeps of them."""
        answered = sum(inputs["start_positions"] != 0 for inputs in features.inputs)
        return {"questions": len(records), "windows": len(features.inputs), "windows holding the answer": answered,
                "windows kept for training": len(self._kept_windows(features))}

    def _kept_windows(self, features: Features) -> list[int]:
        if self.answerless_windows is None:
            return list(range(len(features.inputs)))
        answerless: dict[int, list[int]] = {}
        keep = []
        for k, (inputs, origin) in enumerate(zip(features.inputs, features.origins)):
            if inputs["start_positions"] != 0:
                keep.append(k)
            else:
                answerless.setdefault(origin[0], []).append(k)
        draw = random.Random(0)
        for windows in answerless.values():
            keep += draw.sample(windows, min(self.answerless_windows, len(windows)))
        return keep

    def decode(self, predictions, features: Features, records: list[SpanQuestionRecord], labels) -> list[str]:
        """The answer text of each record: the best span over its windows ("" when none is valid)."""
        best: list[tuple[float, str]] = [(-np.inf, "")] * len(records)
        for logits, (index, offsets) in zip(predictions, features.origins):
            score, text = _best_span(np.asarray(logits)[: len(offsets)], offsets, records[index]["context"])
            if score > best[index][0]:
                best[index] = (score, text)
        return [text for _, text in best]

    def score(self, records: list[SpanQuestionRecord], predictions: list[str]) -> dict:
        from biobench.squad_metric import squad_scores

        return squad_scores([[answer["text"] for answer in record["answers"]] for record in records], predictions)

    def prediction_rows(self, records: list[SpanQuestionRecord], predictions: list[str]) -> list[dict]:
        return [
            {"id": record["id"], "gold": [answer["text"] for answer in record["answers"]], "predicted": predicted}
            for record, predicted in zip(records, predictions)
        ]

    def paired_statistics(self, rows: list[dict]) -> np.ndarray:
        """Per row: (best token F1, 1); SQuAD F1 is their mean."""
        from biobench.squad_metric import token_f1

        return np.array([[max(token_f1(row["predicted"], gold) for gold in row["gold"]), 1.0] for row in rows])

    def main_from_statistics(self, totals: np.ndarray) -> np.ndarray:
        return totals[..., 0] / np.maximum(totals[..., 1], 1)

    def trivial_predictions(self, train_records: list[SpanQuestionRecord], records) -> Trivial:
        """The empty answer to every question."""
        return Trivial("the empty answer", "", [""] * len(records))

    def collapsed(self, predictions: list[str]) -> bool:
        """One answer (usually the empty one) to every question."""
        return len(set(predictions)) <= 1


def _short_questions(questions: list[str], tokenizer, limit: int) -> list[str]:
    """Questions cut to at most ``limit`` sub-words, so every window keeps room for context."""
    encodings = tokenizer(
        questions, add_special_tokens=False, truncation=True, max_length=limit, return_offsets_mapping=True
    )
    return [q[: spans[-1][1]] if spans else q for q, spans in zip(questions, encodings["offset_mapping"])]


def _answer_tokens(answers, offsets: list[list[int] | None]) -> tuple[int, int]:
    """Token positions of the first answer inside this window, else (0, 0): the ``[CLS]`` token."""
    if not answers:
        return 0, 0
    first, last = answers[0]["start"], answers[0]["start"] + len(answers[0]["text"])
    inside = [k for k, span in enumerate(offsets) if span is not None]
    if not inside or offsets[inside[0]][0] > first or offsets[inside[-1]][1] < last:
        return 0, 0
    start = next(k for k in inside if offsets[k][1] > first)
    end = next(k for k in reversed(inside) if offsets[k][0] < last)
    return start, end


def _best_span(logits: np.ndarray, offsets: list[list[int] | None], context: str) -> tuple[float, str]:
    starts = np.argsort(logits[:, 0])[::-1][:TOP_CANDIDATES]
    ends = np.argsort(logits[:, 1])[::-1][:TOP_CANDIDATES]
    best = (-np.inf, "")
    for start in starts:
        for end in ends:
            if offsets[start] is None or offsets[end] is None or not 0 <= end - start < MAX_ANSWER_TOKENS:
                continue
            score = float(logits[start, 0] + logits[end, 1])
            if score > best[0]:
                best = (score, context[offsets[start][0] : offsets[end][1]])
    return best


EXTRACTIVE_QA = ExtractiveQaFamily()
