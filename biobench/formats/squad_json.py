"""SQuAD v1 JSON (``data`` -> ``paragraphs`` -> ``context`` + ``qas`` -> ``answers``),
as in COVID-QA. Every answer is checked against the context at its ``answer_start``;
``offset_tolerance`` re-anchors an answer found within that many characters of its
published start (the nearest occurrence), for releases with known off-by-few offsets.
"""

from __future__ import annotations

import json
from pathlib import Path

from biobench.errors import DataError
from biobench.formats.text_files import read_text
from biobench.records import SpanQuestionRecord


def read_squad_json(path: Path, offset_tolerance: int = 0) -> list[SpanQuestionRecord]:
    try:
        data = json.loads(read_text(path))["data"]
    except json.JSONDecodeError as error:
        raise DataError(path, f"invalid JSON: {error.msg}", error.lineno) from None
    except (KeyError, TypeError):
        raise DataError(path, "expected a SQuAD object with a 'data' list") from None
    records = []
    for number, article in enumerate(data):
        for paragraph in article.get("paragraphs", []):
            document = str(paragraph.get("document_id", article.get("title", number)))
            for qa in paragraph.get("qas", []):
                records.append(_question(qa, paragraph["context"], document, path, offset_tolerance))
    if not records:
        raise DataError(path, "no questions: the split is empty")
    return records


def _question(qa: dict, context: str, document: str, path: Path, tolerance: int) -> SpanQuestionRecord:
    answers = []
    for answer in qa.get("answers", []):
        start, text = answer.get("answer_start"), answer.get("text", "")
        anchored = _anchored(context, text, start, tolerance) if isinstance(start, int) else None
        if anchored is None:
            found = context[start : start + len(text)] if isinstance(start, int) else ""
            raise DataError(
                path,
                f"question {qa.get('id')}: answer {text[:40]!r} at {start} does not match the context ({found[:40]!r})",
            )
        answers.append({"text": text, "start": anchored})
    if not answers:
        raise DataError(path, f"question {qa.get('id')}: no answer")
    identifier = str(qa["id"])
    return {"id": identifier, "question": qa["question"], "context": context, "answers": answers, "document": document}


def _anchored(context: str, text: str, start: int, tolerance: int) -> int | None:
    """``start`` if the answer is there, else the nearest start within ``tolerance`` where it is."""
    for shift in sorted(range(-tolerance, tolerance + 1), key=abs):
        if start + shift >= 0 and context[start + shift : start + shift + len(text)] == text:
            return start + shift
    return None
