"""Document-level relations, each document encoded once: every candidate pair of its entities classified from
the pooled vectors of their mentions (``models.document_relation_head``), not one encoder pass per pair.

Records are ``DocumentRelationRecord`` (``bioc-xml-relations``): one per candidate pair, as the ``relation``
family reads them, with the document's plain text and both entities' mention spans. Featurize groups them
by document, wraps every mention of the document's candidate entities in its type's markers
(``[E:Chemical] x [/E:Chemical]``), and cuts a document longer than ``max_length`` into windows
overlapping by half; a mention is read in the window where it sits nearest the centre. A pair whose
entities never share a window is still scored, from entity vectors pooled across the windows
(``feature_counts`` says how many gold pairs share one). Predictions, prediction rows and metrics are
the ``relation`` family's: one per candidate pair, micro F1 over the positive classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from biobench.errors import BiobenchError
from biobench.families.base import Features
from biobench.families.entity_markers import MarkerIds, marked_document, mention_tokens
from biobench.families.relation import Frame, RelationFamily
from biobench.records import DocumentRelationRecord


@dataclass(frozen=True)
class DocumentRelationFamily(RelationFamily):
    name = "document-relation"
    record_type = DocumentRelationRecord
    auto_class = "AutoModel"
    head_class = "document-entities"  # its own head, in models.heads.HEAD_CLASSES
    heads = ()
    soft_labels = None  # candidate pairs per document: not offered for task distillation

    def texts(self, record: DocumentRelationRecord) -> tuple[str]:
        return (record["document_text"],)

    def special_tokens(self, records: list[DocumentRelationRecord]) -> list[str]:
        return mention_tokens(records)

    def collator(self, tokenizer):
        return DocumentCollator(tokenizer.pad_token_id or 0)

    def featurize(self, records: list[DocumentRelationRecord], tokenizer, max_length: int,
                  label_ids: dict[str, int]) -> Features:
        """One input per document: its windows, its mentions (window, position, entity), its candidate pairs
        (head and tail entity, label); the origin lists the pairs' records and whether each pair's two
        entities share a window."""
        markers = MarkerIds.of(tokenizer, self.special_tokens(records))
        frame = Frame.of(tokenizer)
        documents: dict[str, list[int]] = {}
        for index, record in enumerate(records):
            documents.setdefault(record["document"], []).append(index)
        features = Features(inputs=[], origins=[])
        for indices in documents.values():
            pairs = [records[index] for index in indices]
            inputs, together = _document_inputs(pairs, tokenizer, markers, frame, max_length)
            inputs["labels"] = [label_ids[record["label"]] for record in pairs]
            features.inputs.append(inputs)
            features.origins.append([indices, together])
        return features

    def decode(self, predictions, features: Features, records: list[dict], labels: list[str]) -> list[Any]:
        decoded: list[Any] = [None] * len(records)
        for row, (indices, _) in zip(predictions, features.origins):
            for index, predicted in zip(indices, row):
                decoded[index] = self.prediction(predicted, labels)
        return decoded

    def feature_counts(self, records: list[DocumentRelationRecord], features: Features) -> dict[str, int]:
        """Encoder passes before (one per candidate pair, the ``relation`` family) and after (one per window),
        and the gold pairs whose entities share a window."""
        gold = [record["label"] != self.negative_label for record in records]
        shared = [bool(flag) for indices, together in features.origins for index, flag in zip(indices, together)
                  if gold[index]]
        return {"pairs": len(records), "documents": len(features.inputs),
                "encoder passes with one per pair": len(records),
                "encoder passes (windows)": sum(len(inputs["input_ids"]) for inputs in features.inputs),
                "gold pairs": sum(gold), "gold pairs sharing a window": sum(shared),
                "pairs sharing no window": sum(not flag for _, together in features.origins for flag in together)}


def _document_inputs(pairs: list[dict], tokenizer, markers: MarkerIds, frame: Frame, max_length: int):
    """The model inputs of one document's pairs (labels aside), and per pair whether its entities share a window."""
    entities: dict[str, dict] = {}
    for record in pairs:
        for role in ("head", "tail"):
            entities.setdefault(record[role]["id"], record[role])
    marked, order = marked_document(pairs[0]["document_text"], list(entities.values()))
    ids = tokenizer(marked, add_special_tokens=False, verbose=False)["input_ids"]
    openings = [position for position, token in enumerate(ids) if token in markers.mentions]
    if len(openings) != len(order):
        raise BiobenchError(f"document {pairs[0]['document']}: {len(order)} mentions marked but {len(openings)} "
                            "marker tokens found (does the text itself hold a marker such as '[E:...]'?)")
    where = dict(zip(order, openings))
    windows = document_windows(len(ids), max_length - frame.size)
    inputs: dict[str, list] = {"input_ids": [frame.inputs(ids[first:last])["input_ids"] for first, last in windows],
                               "mention_window": [], "mention_position": [], "mention_entity": []}
    seen: list[set[int]] = []  # per entity, the windows holding one of its mentions
    for number, entity in enumerate(entities.values()):
        seen.append(set())
        for start, end in {(int(start), int(end)) for start, end in entity["spans"]}:
            position = where[(start, end)]
            window = min(range(len(windows)), key=lambda w: abs(position - sum(windows[w]) / 2))
            inputs["mention_window"].append(window)
            inputs["mention_position"].append(len(frame.prefix) + position - windows[window][0])
            inputs["mention_entity"].append(number)
            seen[-1].update(w for w, (first, last) in enumerate(windows) if first <= position < last)
    number_of = {identifier: number for number, identifier in enumerate(entities)}
    inputs["pair_head"] = [number_of[record["head"]["id"]] for record in pairs]
    inputs["pair_tail"] = [number_of[record["tail"]["id"]] for record in pairs]
    together = [int(bool(seen[h] & seen[t])) for h, t in zip(inputs["pair_head"], inputs["pair_tail"])]
    return inputs, together


def document_windows(length: int, width: int) -> list[tuple[int, int]]:
    """The whole document where it fits, else windows of ``width`` overlapping by half, the last one ending
    with the document."""
    if length <= width:
        return [(0, length)]
    starts = [*range(0, length - width, width // 2), length - width]
    return [(start, start + width) for start in starts]


class DocumentCollator:
    """Pads a batch of documents: every window of every document in one (windows x length) batch, mentions and
    entities numbered across the batch, pairs padded to the most pairs of a document (label -100)."""

    def __init__(self, pad_token_id: int):
        self.pad_token_id = pad_token_id

    def __call__(self, features: list[dict]) -> dict:
        import torch

        windows = [window for feature in features for window in feature["input_ids"]]
        length = max(len(window) for window in windows)
        batch: dict[str, list] = {key: [] for key in ("mention_window", "mention_position", "mention_entity")}
        width = max(len(feature["pair_head"]) for feature in features)
        pairs: dict[str, list] = {"pair_head": [], "pair_tail": [], "labels": []}
        window_base = entity_base = 0
        for feature in features:
            batch["mention_window"] += [window_base + w for w in feature["mention_window"]]
            batch["mention_position"] += list(feature["mention_position"])
            batch["mention_entity"] += [entity_base + e for e in feature["mention_entity"]]
            padding = width - len(feature["pair_head"])
            pairs["pair_head"].append([entity_base + e for e in feature["pair_head"]] + [entity_base] * padding)
            pairs["pair_tail"].append([entity_base + e for e in feature["pair_tail"]] + [entity_base] * padding)
            pairs["labels"].append(list(feature["labels"]) + [-100] * padding)
            window_base += len(feature["input_ids"])
            entity_base += max(feature["mention_entity"]) + 1
        return {
            "input_ids": torch.tensor([w + [self.pad_token_id] * (length - len(w)) for w in windows]),
            "attention_mask": torch.tensor([[1] * len(w) + [0] * (length - len(w)) for w in windows]),
            **{key: torch.tensor(value) for key, value in (batch | pairs).items()},
        }


DOCUMENT_RELATION = DocumentRelationFamily()
