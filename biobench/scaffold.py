"""``biobench tasks new``: a plugin folder made from the user's data files.

The files are copied into ``data/`` and hashed; splits not given are derived
(seeded 10% validation / 20% test carve-outs of ``train``); the family's
default metric and the reader's options (``biobench.formats.reader_options``)
go into ``task.yaml``; formats of installed plugin packages are known; the README
gets the counts read back through the format reader, so the new plugin
validates as soon as it is written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from biobench.catalog import entry_point_plugins
from biobench.errors import BiobenchError, UnknownNameError
from biobench.families.base import default_metric
from biobench.formats import reader_options
from biobench.plugin import SPLIT_NAMES, Task, file_sha256
from biobench.registry import FAMILIES, FORMATS

DEFAULT_FRACTIONS = {"validation": 0.1, "test": 0.2}


def new_task(folder: Path, name: str, family: str, format: str, files: dict[str, Path]) -> list[str]:
    """Write ``folder`` (which must not exist) as a plugin named ``name``; return what is left to fill in."""
    entry_point_plugins()  # installed plugin packages may register formats and families
    if family not in FAMILIES:
        raise UnknownNameError("family", family, FAMILIES.names())
    if format not in FORMATS:
        raise UnknownNameError("format", format, FORMATS.names())
    if "train" not in files:
        raise BiobenchError("give at least the training file (--train FILE); missing splits are carved out of it")
    if folder.exists():
        raise BiobenchError(f"{folder}: already exists; choose a new folder")
    for path in files.values():
        if not path.is_file():
            raise BiobenchError(f"{path}: no such file")
    (folder / "data").mkdir(parents=True)
    try:
        splits = {split: _copy(path, folder, split) for split, path in files.items()}
        (folder / "task.yaml").write_text(_spec_text(name, family, format, folder, splits), encoding="utf-8")
        required = _required_options(format)
        task = None if required else Task.load(folder)
        (folder / "README.md").write_text(_readme(name, folder, task, splits, files), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # nothing half-written
        raise
    notes = ["fill citation, license and source in task.yaml and the README"]
    if required:
        notes.insert(0, f"set format_options {', '.join(required)} (required by format {format})")
    return notes


def _copy(source: Path, folder: Path, split: str) -> str:
    relative = f"data/{split}{''.join(source.suffixes)}"
    shutil.copyfile(source, folder / relative)
    return relative


def _spec_text(name: str, family: str, format: str, folder: Path, splits: dict[str, str]) -> str:
    family_object = FAMILIES.get(family)
    spec = {
        "name": name,
        "version": "0.1",
        "family": family,
        "format": format,
        "description": f"{name}: {family} task read from {format} files.",
        "splits": splits,
    }
    missing = [split for split in SPLIT_NAMES if split not in splits]
    if missing:
        spec["derive"] = {"source": "train", "fractions": {s: DEFAULT_FRACTIONS[s] for s in missing}, "seed": 0}
    spec["sha256"] = {path: file_sha256(folder / path) for path in splits.values()}
    options = _reader_options(format) | {name: None for name in _required_options(format)}
    if options:
        spec["format_options"] = options
    spec["max_length"] = 128
    spec["metric"] = default_metric(family_object.metrics).model_dump()
    spec["hyperparameters"] = {"epochs": 3, "lr": 5.0e-05, "batch_size": 16}
    spec |= {"citation": "", "license": "", "source": ""}
    header = (
        f"# Task plugin {name}: check every field, then `biobench tasks validate {folder}`.\n"
        f"# Fill citation, license and source; declare `labels` to fix their order (inferred otherwise).\n"
    )
    return header + yaml.safe_dump(spec, sort_keys=False, width=110)


def _reader_options(format: str) -> dict:
    """The reader's optional options with their defaults (None ones left out), for the user to adjust."""
    defaults = reader_options(FORMATS.get(format)).defaults
    return {name: list(value) if isinstance(value, tuple) else value for name, value in defaults.items()
            if value is not None}


def _required_options(format: str) -> list[str]:
    return list(reader_options(FORMATS.get(format)).required)


def _readme(name: str, folder: Path, task: Task | None, splits: dict[str, str], sources: dict[str, Path]) -> str:
    if task is None:
        counts = f"(set the required format_options, then `biobench tasks validate {folder}` reports them)"
    else:
        counts = ", ".join(f"{split} {len(task.records(split))}" for split in SPLIT_NAMES) + " records"
    rows = "\n".join(
        f"| `{splits[split]}` | {split} | `{path.name}` | `{file_sha256(folder / splits[split])}` |"
        for split, path in sources.items()
    )
    derived = ""
    if len(splits) < len(SPLIT_NAMES):
        fractions = ", ".join(f"{s} {DEFAULT_FRACTIONS[s]:.0%}" for s in SPLIT_NAMES if s not in splits)
        derived = f"\nSplits not given are carved out of train by a seeded shuffle (seed 0): {fractions}.\n"
    return (
        f"# {name}\n\n{name}: task plugin scaffolded by `biobench tasks new`.\n\n"
        f"- Source: (where the files were published, with version or commit)\n"
        f"- Licence: (the data's licence; keep its text beside this README)\n"
        f"- Counts: {counts}\n{derived}\n"
        f"| file here | split | original file | sha256 |\n|---|---|---|---|\n{rows}\n"
    )
