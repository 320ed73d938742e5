"""PubMedQA (PQA-L): a JSON object keyed by PMID with ``QUESTION``, ``CONTEXTS``
(the abstract's sections without its conclusion) and ``final_decision`` (yes / no / maybe).
"""

from __future__ import annotations

import json
from pathlib import Path

from biobench.errors import DataError
from biobench.formats.text_files import read_text
from biobench.records import QuestionRecord

ANSWERS = ("yes", "no", "maybe")


def read_pubmedqa_json(path: Path) -> list[QuestionRecord]:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise DataError(path, f"invalid JSON: {error.msg}", error.lineno) from None
    if not isinstance(data, dict) or not data:
        raise DataError(path, "expected a non-empty JSON object keyed by PMID")
    return [_record(pmid, entry, path) for pmid, entry in data.items()]


def _record(pmid: str, entry: dict, path: Path) -> QuestionRecord:
    missing = [key for key in ("QUESTION", "CONTEXTS", "final_decision") if key not in entry]
    if missing:
        raise DataError(path, f"question {pmid}: missing key(s) {missing}")
    if entry["final_decision"] not in ANSWERS:
        raise DataError(path, f"question {pmid}: answer {entry['final_decision']!r} is not one of {list(ANSWERS)}")
    context = " ".join(entry["CONTEXTS"])
    return {"id": pmid, "question": entry["QUESTION"], "context": context, "label": entry["final_decision"]}
