"""Suites: named groups of models and tasks run together (``suites/NAME.yaml``), e.g. the quick default.

Built-in suites live in ``suites/`` beside ``tasks/`` and ``models/``; ``--suites-dir DIR``
adds a folder of the user's own. A suite file is strict YAML like a task plugin.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from biobench.errors import BiobenchError, UnknownNameError
from biobench.yaml_spec import load_yaml_spec


class Suite(BaseModel):
    """The fields of ``suites/NAME.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    tasks: list[str]
    models: list[str] = ["minilm-l6"]
    teacher: str | None = None  # one of ``models``: the others learn its soft labels (``run --teacher``)

    @model_validator(mode="after")
    def _teacher_is_a_model(self) -> "Suite":
        if self.teacher is not None and self.teacher not in self.models:
            raise ValueError(f"teacher {self.teacher!r} is not one of the suite's models {self.models}")
        return self


def suites(extra_dirs: list[Path] = ()) -> dict[str, Suite]:
    """Every suite: built-in, then those of ``extra_dirs``; a name defined twice is an error."""
    from biobench.catalog import builtin_root

    found: dict[str, Suite] = {}
    for folder in [builtin_root() / "suites", *extra_dirs]:
        if not Path(folder).is_dir():
            raise BiobenchError(f"{folder}: suites directory does not exist")
        for path in sorted(Path(folder).glob("*.yaml")):
            suite = load_yaml_spec(path, Suite)
            if suite.name in found:
                raise BiobenchError(f"{path}: suite {suite.name!r} is defined twice")
            found[suite.name] = suite
    return found


def get_suite(name: str, extra_dirs: list[Path] = ()) -> Suite:
    known = suites(extra_dirs)
    if name not in known:
        raise UnknownNameError("suite", name, list(known))
    return known[name]
