"""JSON lines: one record per line, e.g. the SciBERT ChemProt copy
(``{"text": "<< chemical >> ... [[ protein ]] ...", "label": "INHIBITOR", "metadata": []}``).

``fields`` maps record fields to the line's keys (other keys are dropped); a
record without an ``id`` key gets ``<file stem>-<line number>``.
"""

from __future__ import annotations

import json
from pathlib import Path

from biobench.errors import DataError


def read_jsonl(path: Path, fields: dict[str, str] | None = None) -> list[dict]:
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                records.append(_record(line, fields, path, number))
    if not records:
        raise DataError(path, "no records: the split is empty")
    return records


def _record(line: str, fields: dict[str, str] | None, path: Path, number: int) -> dict:
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
    return record
