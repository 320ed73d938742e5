"""Whole-plugin checks behind ``biobench tasks validate``: checksums, every split
of every fold read by its format reader (which checks offsets, spans, ids and
labels of its own format), no empty split, and the label set of the family; the
summary notes what the readers forgave (a UTF-8 byte-order mark)."""

from __future__ import annotations

from biobench.errors import DataError
from biobench.formats.text_files import starts_with_bom
from biobench.plugin import SPLIT_NAMES, Task


def validate_task(task: Task) -> str:
    """Verify checksums and read every split (of every fold); return a one-line summary."""
    task.verify()
    summaries = [_validate_fold(one) for one in task.with_folds(["all"])]
    if len(summaries) == 1:
        summary = f"{task.name}: {summaries[0]}"
    else:
        summary = f"{task.name}: {len(summaries)} folds; fold {task.with_folds(['all'])[0].fold}: {summaries[0]}"
    return "; ".join([summary, *_notes(task)])


def _notes(task: Task) -> list[str]:
    """What the readers forgave, for the plugin's author to know (a BOM before the first line)."""
    with_bom = [relative for relative in ["task.yaml", *task.spec.read_files()] if starts_with_bom(task.file(relative))]
    return [f"UTF-8 BOM stripped from {', '.join(with_bom)}"] if with_bom else []


def _validate_fold(task: Task) -> str:
    splits = {split: task.records(split) for split in SPLIT_NAMES}
    for split, records in splits.items():
        if not records:
            where = f" in fold {task.fold}" if task.fold else ""
            raise DataError(task.yaml_path, f"split {split!r} is empty{where}")
    records = [record for split_records in splits.values() for record in split_records]
    _check_record_fields(task, records)
    try:
        labels = task.family.label_names(records, task.spec.labels)
    except ValueError as error:
        raise DataError(task.yaml_path, str(error)) from None
    sizes = ", ".join(f"{split} {len(split_records)}" for split, split_records in splits.items())
    return f"{sizes} records; labels {labels}"


def _check_record_fields(task: Task, records: list[dict]) -> None:
    """Every record has the fields of the family's schema (a format read for the wrong family fails here)."""
    needed = set(getattr(task.family, "record_type", dict).__annotations__)
    for record in records:
        missing = needed - set(record)
        if missing:
            raise DataError(
                task.yaml_path,
                f"record {record.get('id', '?')} from format {task.spec.format} lacks field(s) {sorted(missing)} "
                f"of the {task.spec.family} family's records",
            )
