"""CoNLL / IOB TSV: ``token<TAB>tag`` per line, sentences separated by blank lines.

Both typed tags (``B-Disease``) and untyped ones (``B``/``I``/``O``, as in the
BioBERT copies) are read; untyped tags take the task's single entity type.
Tags must be IOB2 unless the task declares ``tag_scheme: iob1`` (see ``iob``).
"""

from __future__ import annotations

import re
from pathlib import Path

from biobench.errors import BiobenchError, DataError
from biobench.formats.iob import EntityWithoutBegin, check_tag_scheme, to_iob2
from biobench.formats.text_files import text_lines
from biobench.records import NerRecord

IOB_TAG = re.compile(r"^(O|[BI](-\S+)?)$")
UNTYPED_ENTITY = "Entity"


def read_conll(path: Path, entity_type: str | None = None, tag_scheme: str = "iob2") -> list[NerRecord]:
    """Read every sentence of ``path``; untyped tags become ``B-<entity_type>``; IOB1 tags are
    refused, or converted to IOB2 with ``tag_scheme="iob1"``."""
    try:
        check_tag_scheme(tag_scheme)
    except ValueError as error:
        raise BiobenchError(str(error)) from None
    records: list[NerRecord] = []
    tokens: list[str] = []
    tags: list[str] = []
    lines: list[int] = []

    def close_sentence() -> None:
        if tokens:
            try:
                iob2 = to_iob2(tags, tag_scheme)
            except EntityWithoutBegin as error:
                raise DataError(path, str(error), lines[error.index]) from None
            records.append({"id": f"{path.stem}-{len(records)}", "tokens": tokens[:], "tags": iob2})
            tokens.clear()
            tags.clear()
            lines.clear()

    for number, line in text_lines(path):
        if not line.strip():
            close_sentence()
            continue
        if line.startswith("-DOCSTART-"):
            continue
        token, tag = _split_line(line, path, number)
        tokens.append(token)
        tags.append(_typed(tag, entity_type or UNTYPED_ENTITY))
        lines.append(number)
    close_sentence()
    if not records:
        raise DataError(path, "no sentences: the split is empty")
    return records


def _split_line(line: str, path: Path, number: int) -> tuple[str, str]:
    columns = line.split("\t")
    if len(columns) < 2 or not columns[-1].strip():
        raise DataError(path, f"expected 'token<TAB>tag', found {line!r} (no tag column)", number)
    token, tag = columns[0], columns[-1].strip()
    if not IOB_TAG.match(tag):
        raise DataError(path, f"tag {tag!r} is not IOB (expected O, B-TYPE, I-TYPE, B or I)", number)
    return token, tag


def _typed(tag: str, entity_type: str) -> str:
    return f"{tag}-{entity_type}" if tag in ("B", "I") else tag
