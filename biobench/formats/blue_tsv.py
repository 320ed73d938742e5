"""The BioBERT / BLUE relation TSV: ``sentence<TAB>label`` (training files, no header)
or ``index<TAB>sentence<TAB>label`` after an ``index sentence label`` header (test
files); entities anonymised in the sentence (``@GENE$``, ``@DISEASE$``).
"""

from __future__ import annotations

from pathlib import Path

from biobench.errors import DataError
from biobench.formats.text_files import text_lines
from biobench.records import NO_RELATION, RelationRecord

HEADER = ["index", "sentence", "label"]


def read_blue_tsv(path: Path, negative_label: str | None = None) -> list[RelationRecord]:
    """Every row; the label ``negative_label`` (e.g. ``0``) becomes ``NO_RELATION``."""
    records: list[RelationRecord] = []
    columns_expected = 2
    for number, line in text_lines(path):
        columns = line.split("\t")
        if number == 1 and columns == HEADER:
            columns_expected = 3
            continue
        if not line.strip():
            continue
        if len(columns) != columns_expected or not columns[-1].strip() or not columns[-2].strip():
            shape = "index<TAB>sentence<TAB>label" if columns_expected == 3 else "sentence<TAB>label"
            raise DataError(path, f"expected '{shape}', found {line.strip()[:60]!r}", number)
        label = columns[-1].strip()
        identifier = columns[0] if columns_expected == 3 else str(len(records))
        records.append(
            {
                "id": f"{path.parent.name}/{path.stem}-{identifier}",
                "text": columns[-2],
                "label": NO_RELATION if label == negative_label else label,
            }
        )
    if not records:
        raise DataError(path, "no rows: the split is empty")
    return records
