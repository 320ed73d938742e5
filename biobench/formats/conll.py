"""CoNLL / IOB TSV: ``token<TAB>tag`` per line, sentences separated by blank lines.

Both typed tags (``B-Disease``) and untyped ones (``B``/``I``/``O``, as in the
BioBERT copies) are read; untyped tags take the task's single entity type.
"""

from __future__ import annotations

import re
from pathlib import Path

from biobench.errors import DataError
from biobench.records import NerRecord

IOB_TAG = re.compile(r"^(O|[BI](-\S+)?)$")
UNTYPED_ENTITY = "Entity"


def read_conll(path: Path, entity_type: str | None = None) -> list[NerRecord]:
    """Read every sentence of ``path``; untyped tags become ``B-<entity_type>``."""
    records: list[NerRecord] = []
    tokens: list[str] = []
    tags: list[str] = []

    def close_sentence() -> None:
        if tokens:
            records.append({"id": f"{path.stem}-{len(records)}", "tokens": tokens[:], "tags": tags[:]})
            tokens.clear()
            tags.clear()

    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                close_sentence()
                continue
            if line.startswith("-DOCSTART-"):
                continue
            token, tag = _split_line(line, path, number)
            tokens.append(token)
            tags.append(_typed(tag, entity_type or UNTYPED_ENTITY))
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
