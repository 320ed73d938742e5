"""Task plugins: a folder with a strictly validated ``task.yaml`` and its data.

A plugin never executes code: it names a registered format and family, lists
its split files (confined to the folder) with their sha256, and its defaults.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from biobench.errors import DataError, UnknownNameError
from biobench.families.base import MetricSpec, check_metric_spec, default_metric, with_options
from biobench.formats import reader_options
from biobench.registry import FAMILIES, FORMATS
from biobench.splits import derive_splits, read_id_list
from biobench.yaml_spec import load_yaml_spec

SplitName = Literal["train", "validation", "test"]
SPLIT_NAMES = ("train", "validation", "test")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hyperparameters(Strict):
    """Fine-tuning defaults of a task; command-line options override them."""

    epochs: float = 3
    lr: float = 5e-5
    batch_size: int = 16
    warmup_ratio: float = 0.0
    weight_decay: float = 0.0
    scheduler: Literal["linear", "cosine", "constant"] = "linear"


class SplitDerivation(Strict):
    """Splits made from one declared split (``source``), for corpora published without them.

    Records whose id is listed in an ``ids`` file form that split; a seeded
    shuffle of the rest (of whole groups when ``group_by`` names a record field)
    gives each split in ``fractions`` its share; what remains stays in ``source``.
    """

    source: SplitName = "train"
    ids: dict[SplitName, str] = {}
    fractions: dict[SplitName, float] = {}
    group_by: str | None = None
    seed: int = 0

    @field_validator("fractions")
    @classmethod
    def _fractions_leave_a_remainder(cls, value: dict[str, float]) -> dict[str, float]:
        if any(f <= 0 for f in value.values()) or sum(value.values()) >= 1:
            raise ValueError("fractions must be positive and sum to less than 1")
        return value


class ReferenceScore(Strict):
    """A published score on the task, shown beside the leaderboard's (and copied into each result)."""

    model: str  # as the paper names it, e.g. "PubMedBERT (uncased, abstracts)"
    metric: str  # the metric of ours it is compared with (a metric the family computes)
    score: float = Field(ge=-1, le=1)  # on the scale results use: a paper's 84.52 is 0.8452
    source: str  # the citation: paper, table, row
    split_matches: bool  # the paper's test examples are this task's test split
    metric_matches: bool  # the paper computes the metric as this task's family does
    note: str = ""  # what differs, and anything a reader needs to compare fairly


class TaskSpec(Strict):
    """The fields of ``task.yaml``."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str
    family: str
    format: str
    description: str
    splits: dict[SplitName, str] = {}  # a file, or ``archive.zip!member``
    folds: dict[str, dict[SplitName, str]] = {}  # cross-validation folds: fold -> splits
    derive: SplitDerivation | None = None
    sha256: dict[str, str]
    metric: MetricSpec | None = None
    labels: list[str] | None = None
    format_options: dict[str, Any] = {}
    family_options: dict[str, Any] = {}  # options of the family (e.g. negative_label); families.base.with_options
    max_length: int = Field(default=128, ge=16, le=4096)
    hyperparameters: Hyperparameters = Hyperparameters()
    validation_subset: int | None = Field(default=None, ge=1)  # choose the epoch on this many validation records
    reference_scores: list[ReferenceScore] = []
    citation: str = ""
    license: str = ""
    source: str = ""

    @field_validator("family")
    @classmethod
    def _known_family(cls, value: str) -> str:
        if value not in FAMILIES:
            raise ValueError(str(UnknownNameError("family", value, FAMILIES.names())))
        return value

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in FORMATS:
            raise ValueError(str(UnknownNameError("format", value, FORMATS.names())))
        return value

    @model_validator(mode="after")
    def _metric_is_the_family_s(self) -> "TaskSpec":
        with_options(FAMILIES.get(self.family), self.family_options)  # an unknown option or value fails here
        metrics = FAMILIES.get(self.family).metrics
        if self.metric is not None:
            check_metric_spec(self.metric, metrics, self.family)
        for reference in self.reference_scores:
            try:
                check_metric_spec(MetricSpec(main=reference.metric), metrics, self.family)
            except ValueError as error:
                raise ValueError(f"reference_scores ({reference.model}): {error}") from None
        return self

    @model_validator(mode="after")
    def _every_split_has_a_source_and_checksum(self) -> "TaskSpec":
        derived = {self.derive.source, *self.derive.ids, *self.derive.fractions} if self.derive else set()
        for fold, splits in self.folds.items() or [(None, {})]:
            available = {**self.splits, **splits}
            where = f" in fold {fold!r}" if fold else ""
            missing = set(SPLIT_NAMES) - set(available) - derived
            if missing:
                raise ValueError(f"missing split(s){where}: {', '.join(sorted(missing))} (declare or derive them)")
            if self.derive and self.derive.source not in available:
                raise ValueError(f"derive.source {self.derive.source!r} is not a declared split{where}")
        for path in self.read_files():
            if path not in self.sha256:
                raise ValueError(f"no sha256 given for file {path!r}")
        return self

    def read_files(self) -> list[str]:
        """Every file a reader opens: split files (archives, not members), id lists, ``*_file`` options."""
        entries = [*self.splits.values(), *(p for splits in self.folds.values() for p in splits.values())]
        entries += list(self.derive.ids.values()) if self.derive else []
        entries += [value for key, value in self.format_options.items() if key.endswith("_file")]
        return sorted({entry.split("!", 1)[0] for entry in entries})


class Task:
    """A loaded plugin (one fold of it, for cross-validated tasks): spec, folder, records per split."""

    def __init__(self, spec: TaskSpec, folder: Path, fold: str | None = None):
        self.spec, self.folder = spec, folder
        self.yaml_path = folder / "task.yaml"
        if fold is not None and fold not in spec.folds:
            raise UnknownNameError(f"fold of task {spec.name}", fold, list(spec.folds))
        self.fold = fold if fold is not None else next(iter(spec.folds), None)
        self._records: dict[str, list[dict]] = {}
        self._check_format_options()

    @classmethod
    def load(cls, folder: Path, fold: str | None = None) -> "Task":
        return cls(load_yaml_spec(folder / "task.yaml", TaskSpec), folder, fold)

    def with_folds(self, selection: list[str]) -> list["Task"]:
        """This task once per selected fold (``all``: every fold); a task without folds stays as is."""
        if not self.spec.folds:
            return [self]
        chosen = list(self.spec.folds) if "all" in selection else selection or [self.fold]
        return [Task(self.spec, self.folder, fold) for fold in chosen]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def split_files(self) -> dict[str, str]:
        """The declared split entries of this fold."""
        return {**self.spec.splits, **self.spec.folds.get(self.fold, {})}

    @cached_property
    def family(self):
        """The task's family, configured by its ``family_options``."""
        return with_options(FAMILIES.get(self.spec.family), self.spec.family_options)

    @property
    def metric(self) -> MetricSpec:
        return self.spec.metric or default_metric(self.family.metrics)

    def file(self, relative: str) -> Path:
        """A plugin file by relative path; paths that leave the folder are refused."""
        root = self.folder.resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            raise DataError(self.yaml_path, f"path {relative!r} leaves the plugin folder")
        if not path.is_file():
            raise DataError(self.yaml_path, f"file {relative!r} does not exist")
        return path

    def verify(self) -> None:
        """Check every declared file's sha256."""
        for relative, expected in self.spec.sha256.items():
            actual = file_sha256(self.file(relative))
            if actual != expected.lower():
                raise DataError(
                    self.folder / relative, f"sha256 mismatch: expected {expected}, found {actual} (file changed?)"
                )

    def records(self, split: SplitName) -> list[dict]:
        """One split, read through the task's format reader (or derived), read once then kept."""
        if split not in self._records:
            derive = self.spec.derive
            if derive and split in {derive.source, *derive.ids, *derive.fractions}:
                self._records.update(self._derived(derive))
            else:
                self._records[split] = self._read(self.split_files[split])
        return self._records[split]

    @property
    def data_sha256(self) -> str:
        """One digest for all declared files, and for the fold, split derivation and family options when there
        are any (they shape what a run trains and scores: its features are cached and its runs hashed by it)."""
        joined = "".join(f"{path}:{digest}\n" for path, digest in sorted(self.spec.sha256.items()))
        if self.fold is not None:
            joined += f"fold:{self.fold}\n"
        if self.spec.derive:
            joined += f"derive:{self.spec.derive.model_dump_json()}\n"
        if self.spec.family_options:
            joined += f"family_options:{json.dumps(self.spec.family_options, sort_keys=True)}\n"
        return hashlib.sha256(joined.encode()).hexdigest()

    def _read(self, entry: str) -> list[dict]:
        """Records of a split entry: ``file`` or ``archive!member``; ``*_file`` options become paths."""
        relative, _, member = entry.partition("!")
        options = {
            key: self.file(value) if key.endswith("_file") else value for key, value in self.spec.format_options.items()
        }
        if member:
            options["member"] = member
        return FORMATS.get(self.spec.format)(self.file(relative), **options)

    def _derived(self, derive: SplitDerivation) -> dict[str, list[dict]]:
        ids = {split: read_id_list(self.file(path)) for split, path in derive.ids.items()}
        try:
            return derive_splits(
                self._read(self.split_files[derive.source]),
                derive.source,
                ids,
                derive.fractions,
                derive.seed,
                derive.group_by,
            )
        except ValueError as error:
            raise DataError(self.yaml_path, f"derive: {error}") from None

    def _check_format_options(self) -> None:
        accepted = reader_options(FORMATS.get(self.spec.format))
        for option in self.spec.format_options:
            if option not in accepted.names:
                unknown = UnknownNameError(f"option of format {self.spec.format}", option, accepted.names)
                raise DataError(self.yaml_path, str(unknown))
        unset = [name for name in accepted.required if self.spec.format_options.get(name) is None]
        if unset:
            raise DataError(self.yaml_path, f"format {self.spec.format} needs format_options {', '.join(unset)}")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

