"""Splits derived deterministically from one published split, for corpora
published without (some of) them: official id lists first, then seeded
fractions of what is left, whole groups (e.g. articles) kept together.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from biobench.errors import DataError
from biobench.formats.text_files import read_text


def read_id_list(path: Path) -> set[str]:
    """Record ids from a JSON object (its keys), a JSON list, or one id per line."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except ValueError:
        return {line.strip() for line in text.splitlines() if line.strip()}
    if isinstance(data, dict):
        return {str(key) for key in data}
    if isinstance(data, list):
        return {str(item) for item in data}
    raise DataError(path, "expected a JSON object or list of record ids")


def derive_splits(
    records: list[dict],
    source: str,
    ids: dict[str, set[str]],
    fractions: dict[str, float],
    seed: int,
    group_by: str | None,
) -> dict[str, list[dict]]:
    """``source``'s records divided into ``source`` plus the id-listed and fractional splits.

    Fractions are of the groups left after the id-listed splits; records keep
    their published order inside every split.
    """
    chosen: dict[str, list[dict]] = {split: [] for split in [*ids, *fractions, source]}
    rest = []
    for record in records:
        split = next((name for name, members in ids.items() if str(record["id"]) in members), None)
        (chosen[split] if split else rest).append(record)
    for split, members in ids.items():
        if not chosen[split]:
            raise ValueError(f"none of the ids listed for split {split!r} is a record id")
    groups = sorted({_group(record, group_by) for record in rest})
    random.Random(seed).shuffle(groups)
    assigned, start = {}, 0
    for split, fraction in fractions.items():
        size = round(fraction * len(groups))
        assigned.update({group: split for group in groups[start : start + size]})
        start += size
    for record in rest:
        chosen[assigned.get(_group(record, group_by), source)].append(record)
    return chosen


def _group(record: dict, group_by: str | None) -> str:
    if group_by is None:
        return str(record["id"])
    if group_by not in record:
        raise ValueError(f"records have no field {group_by!r} to group splits by")
    return str(record[group_by])
