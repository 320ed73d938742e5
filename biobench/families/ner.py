"""Named-entity recognition: word-level IOB2 tagging scored by seqeval.

Word labels go on each word's first sub-word (the rest are ignored); a
sentence longer than ``max_length`` is cut into windows of whole words so no
word escapes scoring; predictions are mapped back to words.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from biobench.families.base import (
    PAD_MULTIPLE, Features, Metric, Trivial, check_declared_labels, classification_head_options,
)
from biobench.records import NerRecord

IGNORE = -100


class WindowOrigin(NamedTuple):
    """Which record a window came from and the word index of each labelled position."""

    record: int
    words: list[int]


class NerFamily:
    name = "ner"
    record_type = NerRecord
    auto_class = "AutoModelForTokenClassification"
    heads = ()
    soft_labels = "softmax"  # distilled per token (biobench.distillation.soft_labels)
    metrics = (Metric("f1"), Metric("precision"), Metric("recall"), Metric("f1_lenient"),
               Metric("per_type", scalar=False))
    metric_version = "seqeval-1.2.2/entity-micro/strict-IOB2"

    def label_names(self, records: list[NerRecord], declared: list[str] | None) -> list[str]:
        """``O`` then ``B-``/``I-`` per entity type (declared types, else those found)."""
        found = {tag[2:] for record in records for tag in record["tags"] if tag != "O"}
        types = check_declared_labels(found, declared, "entity type(s)")
        return ["O"] + [f"{prefix}-{kind}" for kind in types for prefix in ("B", "I")]

    def texts(self, record: NerRecord) -> tuple[str]:
        return (" ".join(record["tokens"]),)

    def head_options(self, labels: list[str]) -> dict:
        return classification_head_options(labels)

    def collator(self, tokenizer):
        from transformers import DataCollatorForTokenClassification

        return DataCollatorForTokenClassification(tokenizer, pad_to_multiple_of=PAD_MULTIPLE)

    def reduce_logits(self, logits):
        """Keep only the arg-max label per token: evaluation then holds ints, not logits."""
        return logits.argmax(dim=-1)

    def featurize(self, records: list[NerRecord], tokenizer, max_length: int, label_ids: dict[str, int]) -> Features:
        words = [record["tokens"] for record in records]
        counts = tokenizer(words, is_split_into_words=True, add_special_tokens=False)
        budget = max_length - tokenizer.num_special_tokens_to_add()
        spans = [
            (index, span)
            for index, record in enumerate(records)
            for span in _windows(_pieces_per_word(counts.word_ids(index), len(record["tokens"])), budget)
        ]
        encodings = tokenizer(
            [words[index][span.start : span.stop] for index, span in spans],
            is_split_into_words=True,
            truncation=True,
            max_length=max_length,
        )
        features = Features(inputs=[])
        for row, (index, span) in enumerate(spans):
            tags = records[index]["tags"][span]
            labels, first_words = _first_subword_labels(encodings.word_ids(row), tags, label_ids)
            features.inputs.append({
                "input_ids": encodings["input_ids"][row],
                "attention_mask": encodings["attention_mask"][row],
                "labels": labels,
            })
            features.origins.append(WindowOrigin(index, [span.start + word for word in first_words]))
        return features

    def decode(self, predictions: np.ndarray, features: Features, records: list[NerRecord], labels: list[str]):
        """Word tags per record; a word without sub-words is predicted ``O``."""
        tags = [["O"] * len(record["tokens"]) for record in records]
        for row, feature, (record, words) in zip(predictions, features.inputs, features.origins):
            positions = [i for i, label in enumerate(feature["labels"]) if label != IGNORE]
            for position, word in zip(positions, words):
                tags[record][word] = labels[int(row[position])]
        return tags

    def score(self, records: list[NerRecord], predictions: list[list[str]]) -> dict:
        from biobench.metrics import entity_scores

        return entity_scores([record["tags"] for record in records], predictions)

    def paired_statistics(self, rows: list[dict]) -> np.ndarray:
        """Per prediction row: strict-IOB2 entities (true positives, predicted, gold).

        Micro F1 is a function of their sums, which makes paired tests exact and fast.
        """
        from seqeval.scheme import IOB2, Entities

        gold = Entities([row["gold"] for row in rows], IOB2).entities
        predicted = Entities([row["predicted"] for row in rows], IOB2).entities
        return np.array([[len(set(g) & set(p)), len(p), len(g)] for g, p in zip(gold, predicted)], dtype=float)

    def main_from_statistics(self, totals: np.ndarray) -> np.ndarray:
        """Micro F1 from summed (true positives, predicted, gold); works on stacked totals too."""
        from biobench.metrics import f1_from_counts

        return f1_from_counts(totals)

    def prediction_rows(self, records: list[NerRecord], predictions: list[list[str]]) -> list[dict]:
        return [
            {"id": record["id"], "tokens": record["tokens"], "gold": record["tags"], "predicted": predicted}
            for record, predicted in zip(records, predictions)
        ]

    def trivial_predictions(self, train_records: list[NerRecord], records: list[NerRecord]) -> Trivial:
        """Every word ``O``: no entity (what a tagger that learnt nothing but the commonest tag predicts)."""
        return Trivial("every word O", "O", [["O"] * len(record["tokens"]) for record in records])

    def collapsed(self, predictions: list[list[str]]) -> bool:
        """No entity predicted (all ``O``, or ``I-`` tags that start none), or one tag for every word."""
        from seqeval.scheme import IOB2, Entities

        tags = {tag for predicted in predictions for tag in predicted}
        return len(tags) <= 1 or not any(Entities(predictions, IOB2).entities)


def _pieces_per_word(word_ids: list[int | None], n_words: int) -> list[int]:
    pieces = [0] * n_words
    for word in word_ids:
        if word is not None:
            pieces[word] += 1
    return pieces


def _windows(pieces: list[int], budget: int) -> list[slice]:
    """Greedy runs of whole words whose sub-words fit the budget (a longer word alone, cut)."""
    windows, start, used = [], 0, 0
    for word, count in enumerate(pieces):
        size = min(count, budget)
        if word > start and used + size > budget:
            windows.append(slice(start, word))
            start, used = word, 0
        used += size
    windows.append(slice(start, len(pieces)))
    return windows


def _first_subword_labels(word_ids, tags, label_ids) -> tuple[list[int], list[int]]:
    """Each word's label on its first sub-word, IGNORE elsewhere; and which words got one."""
    labels, first_words, previous = [], [], None
    for word in word_ids:
        if word is None or word == previous:
            labels.append(IGNORE)
        else:
            labels.append(label_ids[tags[word]])
            first_words.append(word)
        previous = word if word is not None else previous
    return labels, first_words


NER = NerFamily()
