"""PubTator: ``PMID|t|title``, ``PMID|a|abstract``, then tab-separated mention
lines ``PMID start end text type [id]`` (and relation lines), documents
separated by blank lines. Every mention is checked against the text it claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from biobench.errors import DataError
from biobench.formats.text_files import text_lines
from biobench.records import NerRecord

WORD = re.compile(r"\w+|[^\w\s]")
OFFSET = re.compile(r"^\s*[+-]?\d+\s*$")  # a mention line's start; relation lines have a word there


@dataclass
class Mention:
    start: int
    end: int
    text: str
    type: str
    line: int


@dataclass
class PubtatorDocument:
    pmid: str
    text: str
    mentions: list[Mention] = field(default_factory=list)
    relations: list[tuple[str, ...]] = field(default_factory=list)


def read_pubtator(path: Path) -> list[PubtatorDocument]:
    """Parse every document, verifying each mention's offsets against its text."""
    documents: list[PubtatorDocument] = []
    current: PubtatorDocument | None = None
    for number, line in text_lines(path):
        if not line.strip():
            current = None
            continue
        current = _read_line(line, current, documents, path, number)
    if not documents:
        raise DataError(path, "no documents: the split is empty")
    return documents


def _read_line(line, current, documents, path, number) -> PubtatorDocument:
    text_line = re.match(r"^([^|\t]+)\|([ta])\|(.*)$", line)
    if text_line:
        pmid, kind, text = text_line.groups()
        if current is None or current.pmid != pmid:
            current = PubtatorDocument(pmid, "")
            documents.append(current)
        current.text = text if kind == "t" else f"{current.text} {text}"
        return current
    columns = line.split("\t")
    if current is None or columns[0] != current.pmid:
        raise DataError(path, f"annotation line outside its document's text: {line[:60]!r}", number)
    if len(columns) >= 5 and OFFSET.match(columns[1]):
        current.mentions.append(_mention(columns, current, path, number))
    elif len(columns) >= 4:
        current.relations.append(tuple(columns[1:]))
    else:
        raise DataError(path, f"malformed annotation line: {line[:60]!r}", number)
    return current


def _mention(columns: list[str], document: PubtatorDocument, path: Path, number: int) -> Mention:
    try:
        start, end = int(columns[1]), int(columns[2])
    except ValueError:
        raise DataError(path, f"offsets must be integers, found {columns[1]!r} {columns[2]!r}", number) from None
    problem = _span_problem(start, end, len(document.text))
    if problem:
        raise DataError(path, f"mention {columns[3]!r} at offsets {start} {end}: {problem}", number)
    found = document.text[start:end]
    if found != columns[3].strip():  # some published mention texts carry trailing spaces
        raise DataError(
            path, f"mention {columns[3]!r} at {start}-{end} does not match the text there ({found!r})", number
        )
    return Mention(start, end, found, columns[4], number)


def _span_problem(start: int, end: int, length: int) -> str | None:
    if start < 0 or end < 0:
        return "negative offset"
    if start == end:
        return "empty mention (start equals end)"
    if end < start:
        return "end before start"
    if end > length:
        return f"ends past the document text ({length} characters)"
    return None


def read_pubtator_ner(path: Path, entity_type_map: dict[str, str] | None = None) -> list[NerRecord]:
    """One NER record per document: words with IOB2 tags from the mentions."""
    return [document_to_ner(document, entity_type_map or {}) for document in read_pubtator(path)]


def document_to_ner(document: PubtatorDocument, entity_type_map: dict[str, str]) -> NerRecord:
    """Split the text into words (cut at mention edges) and tag them IOB2.

    Mentions that overlap an earlier one cannot be expressed in IOB and are
    left out of the tags (they are still counted by ``read_pubtator``).
    """
    mentions = _non_overlapping(document.mentions)
    cuts = {offset for mention in mentions for offset in (mention.start, mention.end)}
    tokens, tags = [], []
    for start, end in _word_spans(document.text, cuts):
        tokens.append(document.text[start:end])
        tags.append(_tag_at(start, end, mentions, entity_type_map))
    return {"id": document.pmid, "tokens": tokens, "tags": tags}


def _non_overlapping(mentions: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def _word_spans(text: str, cuts: set[int]):
    for match in WORD.finditer(text):
        start = match.start()
        for cut in sorted(c for c in cuts if match.start() < c < match.end()):
            yield start, cut
            start = cut
        yield start, match.end()


def _tag_at(start: int, end: int, mentions: list[Mention], entity_type_map: dict[str, str]) -> str:
    for mention in mentions:
        if mention.start <= start and end <= mention.end:
            label = entity_type_map.get(mention.type, mention.type)
            return ("B-" if start == mention.start else "I-") + label
    return "O"
