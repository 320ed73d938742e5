"""Task plugins: a folder with a strictly validated ``task.yaml`` and its data.

A plugin never executes code: it names a registered format and family, lists
its split files (confined to the folder) with their sha256, and its defaults.
"""

from __future__ import annotations

import hashlib
import inspect
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from biobench.errors import BiobenchError, DataError, UnknownNameError
from biobench.registry import FAMILIES, FORMATS
from biobench.yaml_spec import load_yaml_spec

SplitName = Literal["train", "validation", "test"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetricSpec(Strict):
    main: str
    also: list[str] = []


class Hyperparameters(Strict):
    """Fine-tuning defaults of a task; command-line options override them."""

    epochs: float = 3
    lr: float = 5e-5
    batch_size: int = 16
    warmup_ratio: float = 0.0
    weight_decay: float = 0.0
    scheduler: Literal["linear", "cosine", "constant"] = "linear"


class TaskSpec(Strict):
    """The fields of ``task.yaml``."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str
    family: str
    format: str
    description: str
    splits: dict[SplitName, str]
    sha256: dict[str, str]
    metric: MetricSpec | None = None
    labels: list[str] | None = None
    format_options: dict[str, Any] = {}
    max_length: int = Field(default=128, ge=16, le=4096)
    hyperparameters: Hyperparameters = Hyperparameters()
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

    @field_validator("splits")
    @classmethod
    def _required_splits(cls, value: dict[str, str]) -> dict[str, str]:
        missing = {"train", "validation", "test"} - set(value)
        if missing:
            raise ValueError(f"missing split(s): {', '.join(sorted(missing))}")
        return value

    @field_validator("sha256")
    @classmethod
    def _every_split_has_a_checksum(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        for path in (info.data.get("splits") or {}).values():
            if path not in value:
                raise ValueError(f"no sha256 given for split file {path!r}")
        return value


class Task:
    """A loaded plugin: its spec, its folder, and its records per split."""

    def __init__(self, spec: TaskSpec, folder: Path):
        self.spec, self.folder = spec, folder
        self.yaml_path = folder / "task.yaml"
        self._records: dict[str, list[dict]] = {}
        self._check_format_options()

    @classmethod
    def load(cls, folder: Path) -> "Task":
        return cls(load_yaml_spec(folder / "task.yaml", TaskSpec), folder)

    @property
    def name(self) -> str:
        return self.spec.name

    @cached_property
    def family(self):
        return FAMILIES.get(self.spec.family)

    @property
    def metric(self) -> MetricSpec:
        return self.spec.metric or self.family.default_metric

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
        """One split read through the task's format reader (read once, then kept)."""
        if split not in self._records:
            reader = FORMATS.get(self.spec.format)
            self._records[split] = reader(self.file(self.spec.splits[split]), **self.spec.format_options)
        return self._records[split]

    @property
    def data_sha256(self) -> str:
        """One digest for all declared files, for result provenance."""
        joined = "".join(f"{path}:{digest}\n" for path, digest in sorted(self.spec.sha256.items()))
        return hashlib.sha256(joined.encode()).hexdigest()

    def _check_format_options(self) -> None:
        reader = FORMATS.get(self.spec.format)
        accepted = list(inspect.signature(reader).parameters)[1:]
        for option in self.spec.format_options:
            if option not in accepted:
                raise DataError(self.yaml_path, str(UnknownNameError(f"option of format {self.spec.format}", option, accepted)))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def require_task_folder(path: Path) -> Path:
    if not (path / "task.yaml").is_file():
        raise BiobenchError(f"{path}: not a task plugin folder (no task.yaml)")
    return path
