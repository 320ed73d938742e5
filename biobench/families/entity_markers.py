"""Entity markers: one added token per mark, so that a relation head can read an entity where it starts.

Readers mark the entities of a relation record in its text (``records.HEAD_MARKS`` ``<< x >>``,
``records.TAIL_MARKS`` ``[[ y ]]``, or BLUE's anonymised ``@GENE$``). The relation families turn each
mark into a special token, which the model wing adds to the tokenizer (``add_tokens(special_tokens=True)``:
never split, never lower-cased) and to the model's embeddings before any feature is made:

- a pair in a text: ``[E1] x [/E1]`` and ``[E2] y [/E2]``; typed where the record names the entities'
  types (``head`` / ``tail`` of BioC records): ``[E1:Chemical] x [/E1:Chemical]``;
- an anonymised entity: the placeholder itself (``@GENE$``, ``@DISEASE$``) is the token and stands for the
  entity; the first placeholder in the text is entity 1, the next entity 2;
- document level, every mention of every candidate entity of the document: ``[E:Chemical] x [/E:Chemical]``.

An opening token (``[E1...]``, ``[E2...]``, ``[E:...]`` or a placeholder) is where a head reads its entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from biobench.errors import BiobenchError
from biobench.records import HEAD_MARKS, TAIL_MARKS

PLACEHOLDER = re.compile(r"@[A-Z][A-Z0-9_]*\$")


def pair_marks(head_type: str | None = None, tail_type: str | None = None) -> dict[str, str]:
    """Reader mark -> its replacement holding the marker token, for a pair whose types may be known."""
    replacements = {}
    for role, kind, (opening, closing) in ((1, head_type, HEAD_MARKS), (2, tail_type, TAIL_MARKS)):
        suffix = f":{kind}" if kind else ""
        replacements[opening] = f"[E{role}{suffix}] "
        replacements[closing] = f" [/E{role}{suffix}]"
    return replacements


def marked_pair_text(record: dict) -> str:
    """The record's text with the readers' marks replaced by marker tokens."""
    text = record["text"]
    for mark, replacement in pair_marks(*_types(record)).items():
        text = text.replace(mark, replacement)
    return text


def pair_tokens(records: list[dict]) -> list[str]:
    """The marker tokens the records' texts use (pair marks and placeholders), sorted."""
    tokens = set()
    for record in records:
        text = record["text"]
        tokens.update(replacement.strip() for mark, replacement in pair_marks(*_types(record)).items() if mark in text)
        tokens.update(PLACEHOLDER.findall(text))
    return sorted(tokens)


def mention_marks(kind: str) -> tuple[str, str]:
    """The opening and closing marker tokens of a document-level mention of an entity of type ``kind``."""
    return (f"[E:{kind}]", f"[/E:{kind}]") if kind else ("[E]", "[/E]")


def mention_tokens(records: list[dict]) -> list[str]:
    """The marker tokens of every entity type of the records' pairs (document level), sorted."""
    kinds = {record[role]["type"] for record in records for role in ("head", "tail")}
    return sorted(token for kind in kinds for token in mention_marks(kind))


def marked_document(text: str, entities: list[dict]) -> tuple[str, list[tuple[int, int]]]:
    """The text with every mention of ``entities`` wrapped in its type's markers (one pair per distinct span,
    typed by the first entity holding it), and the spans in the order of their opening markers."""
    kinds: dict[tuple[int, int], str] = {}
    for entity in entities:
        for start, end in entity["spans"]:
            kinds.setdefault((int(start), int(end)), entity["type"])
    events = []  # at one position closings come first; outer spans open first and close last
    for (start, end), kind in kinds.items():
        opening, closing = mention_marks(kind)
        events += [(start, 1, -end, opening, (start, end)), (end, 0, -start, closing, None)]
    pieces, order, position = [], [], 0
    for at, _, _, token, span in sorted(events):
        pieces += [text[position:at], f" {token} "]
        position = at
        if span is not None:
            order.append(span)
    return "".join(pieces) + text[position:], order


@dataclass(frozen=True)
class MarkerIds:
    """The ids a tokenizer gave the marker tokens: openings and closings of entity 1 and 2, placeholders,
    and the openings of document-level mentions."""

    opening: tuple[frozenset[int], frozenset[int]]
    closing: tuple[frozenset[int], frozenset[int]]
    placeholders: frozenset[int]
    mentions: frozenset[int]

    @classmethod
    def of(cls, tokenizer, needed: list[str]) -> "MarkerIds":
        """The marker ids of ``tokenizer``, which must hold every token of ``needed``."""
        added = tokenizer.get_added_vocab()
        missing = [token for token in needed if token not in added]
        if missing:
            raise BiobenchError(
                f"the tokenizer lacks the entity marker token(s) {missing[:4]}: load it with "
                "biobench.models.build.load_task_tokenizer, which adds the family's markers"
            )

        def ids(pattern) -> frozenset[int]:
            return frozenset(i for token, i in added.items() if re.fullmatch(pattern, token))

        return cls(
            opening=(ids(r"\[E1(:.*)?\]"), ids(r"\[E2(:.*)?\]")),
            closing=(ids(r"\[/E1(:.*)?\]"), ids(r"\[/E2(:.*)?\]")),
            placeholders=ids(PLACEHOLDER),
            mentions=ids(r"\[E(:.*)?\]"),
        )

    def pair_positions(self, ids: list[int]) -> tuple[list[int | None], list[int | None]]:
        """Where entity 1 and 2 start (their first opening marker, else a placeholder) and end (the first closing
        marker after the start; ``None`` for a placeholder); ``None`` where the text does not mark the entity."""
        starts: list[int | None] = [_first(ids, self.opening[role]) for role in (0, 1)]
        placeholders = [k for k, token in enumerate(ids) if token in self.placeholders]
        for role in (0, 1):
            if starts[role] is None:
                starts[role] = next((k for k in placeholders if k not in starts), None)
        ends = [_first(ids, self.closing[role], after=starts[role]) for role in (0, 1)]
        return starts, ends


def _first(ids: list[int], wanted: frozenset[int], after: int | None = -1) -> int | None:
    if after is None:
        return None
    return next((k for k in range(after + 1, len(ids)) if ids[k] in wanted), None)


def _types(record: dict) -> tuple[str | None, str | None]:
    return tuple((record.get(role) or {}).get("type") for role in ("head", "tail"))
