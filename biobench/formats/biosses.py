"""BIOSSES from its published Word tables (a .docx is a zip of XML):
``Annotation-Pairs.docx`` (No, Sentence 1, Sentence 2) and ``Annotator-Scores.docx``
(Sentence No, scores 0-4 of annotators A-E). The gold score is the annotators' mean.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from biobench.errors import DataError
from biobench.records import SimilarityRecord

WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_biosses_docx(path: Path, scores_file: Path) -> list[SimilarityRecord]:
    pairs = {row[0]: row[1:] for row in _table_rows(path)[1:]}
    scores = {row[0]: row[1:] for row in _table_rows(scores_file)[1:]}
    records = []
    for number, (text_a, text_b, *_) in pairs.items():
        if number not in scores:
            raise DataError(scores_file, f"pair {number} has no annotator scores")
        try:
            values = [float(value) for value in scores[number]]
        except ValueError:
            raise DataError(scores_file, f"pair {number}: scores {scores[number]} are not numbers") from None
        if not values or not all(0 <= value <= 4 for value in values):
            raise DataError(scores_file, f"pair {number}: scores {scores[number]} are not 0-4")
        score = sum(values) / len(values)
        records.append({"id": number, "text_a": text_a.strip(), "text_b": text_b.strip(), "score": score})
    if not records:
        raise DataError(path, "no sentence pairs: the split is empty")
    return records


def _table_rows(path: Path) -> list[list[str]]:
    """The cell texts of the document's first table, row by row (ids stripped)."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
        raise DataError(path, f"not a readable Word document: {error}") from None
    table = next(root.iter(f"{WORD}tbl"), None)
    if table is None:
        raise DataError(path, "no table in the document")
    rows = [
        ["".join(node.text or "" for node in cell.iter(f"{WORD}t")) for cell in row.iter(f"{WORD}tc")]
        for row in table.iter(f"{WORD}tr")
    ]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < 3:
            raise DataError(path, f"table row {number} has {len(row)} cells, expected at least 3")
        row[0] = row[0].strip()
    return rows
