"""Whole-plugin checks behind ``biobench tasks validate``."""

from __future__ import annotations

from biobench.errors import DataError
from biobench.plugin import Task


def validate_task(task: Task) -> str:
    """Verify checksums and read every split; return a one-line summary."""
    task.verify()
    splits = {split: task.records(split) for split in task.spec.splits}
    records = [record for split_records in splits.values() for record in split_records]
    try:
        labels = task.family.label_names(records, task.spec.labels)
    except ValueError as error:
        raise DataError(task.yaml_path, str(error)) from None
    sizes = ", ".join(f"{split} {len(split_records)}" for split, split_records in splits.items())
    return f"{task.name}: {sizes} records; labels {labels}"
