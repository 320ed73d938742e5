"""JSON lines: one record per line, e.g. the SciBERT ChemProt copy
(``{"text": "<< chemical >> ... [[ protein ]] ...", "label": "INHIBITOR", "metadata": []}``).

``fields`` maps record fields to the line's keys (other keys are dropped); a
record without an ``id`` key gets ``<file stem>-<line number>``. NER records'
``tags`` must be IOB2 unless ``tag_scheme: iob1`` converts them (see ``iob``).
"""

from __future__ import annotations

import json
from pathlib import Path

from biobench.errors import BiobenchError, DataError
from biobench.formats.iob import EntityWithoutBegin, check_tag_scheme, to_iob2
from biobench.formats.text_files import text_lines


def read_jsonl(path: Path, fields: dict[str, str] | None = None, tag_scheme: str = "iob2") -> list[dict]:
    try:
        check_tag_scheme(tag_scheme)
    except ValueError as error:
        raise BiobenchError(str(error)) from None
    records = []
    for number, line in text_lines(path):
        if line.strip():
            records.append(_record(line, fields, path, number, tag_scheme))
    if not records:
        raise DataError(path, "no records: the split is empty")
    return records


def _record(line: str, fields: dict[str, str] | None, path: Path, number: int, tag_scheme: str) -> dict:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise DataError(path, f"invalid JSON: {error.msg}", number) from None
    if not isinstance(data, dict):
        raise DataError(path, "expected a JSON object per line", number)
    mapping = fields or {key: key for key in data}
    missing = [key for key in mapping.values() if key not in data]
    if missing:
        raise DataError(path, f"missing key(s) {missing}", number)
    record = {field: data[key] for field, key in mapping.items()}
    record.setdefault("id", f"{path.stem}-{number}")
    if isinstance(record.get("tags"), list) and all(isinstance(tag, str) for tag in record["tags"]):
        try:
            record["tags"] = to_iob2(record["tags"], tag_scheme)
        except EntityWithoutBegin as error:
            raise DataError(path, f"word {error.index + 1}: {error}", number) from None
    return record
