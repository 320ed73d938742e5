"""Where plugins are found: built-in folders, ``--tasks-dir`` folders, and the
``biobench.tasks`` entry-point group of installed packages.

An entry point names an object that is (or returns, when called) a folder or a
list of folders of task plugins; importing it may also register new formats
and families in ``biobench.registry``. A package whose entry point fails (it
does not import, raises, or names a folder that does not exist) is left out and
described in one line by ``entry_point_plugins``, for the CLI to show; the
others still load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

from biobench.errors import BiobenchError, UnknownNameError
from biobench.models.cards import ModelCard, load_cards
from biobench.plugin import Task

ENTRY_POINT_GROUP = "biobench.tasks"


def builtin_root() -> Path:
    """The folder holding ``tasks/`` and ``models/``: inside the wheel, or the source checkout."""
    packaged = Path(__file__).parent / "_builtin"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent


def task_folders(extra_dirs: list[Path] = ()) -> dict[str, Path]:
    """Plugin name -> folder, from every source; a name defined twice is an error."""
    found: dict[str, Path] = {}
    for root in [builtin_root() / "tasks", *extra_dirs, *entry_point_plugins().folders]:
        if not Path(root).is_dir():
            raise BiobenchError(f"{root}: tasks directory does not exist")
        for folder in _plugin_folders(Path(root)):
            name = _declared_name(folder)
            if name in found and found[name].resolve() != folder.resolve():
                raise BiobenchError(f"task {name!r} is defined twice: {found[name]} and {folder}")
            found[name] = folder
    return found


def load_task(name: str, extra_dirs: list[Path] = ()) -> Task:
    folders = task_folders(extra_dirs)
    if name not in folders:
        path = Path(name)
        if (path / "task.yaml").is_file():
            return Task.load(path)
        raise UnknownNameError("task", name, list(folders))
    return Task.load(folders[name])


def model_cards() -> dict[str, ModelCard]:
    return load_cards(builtin_root() / "models")


def _plugin_folders(root: Path) -> list[Path]:
    if (root / "task.yaml").is_file():
        return [root]
    return sorted(child for child in root.iterdir() if (child / "task.yaml").is_file())


def _declared_name(folder: Path) -> str:
    """The ``name:`` line of a task.yaml, read without validating the whole spec."""
    import yaml

    try:
        data = yaml.safe_load((folder / "task.yaml").read_bytes().decode("utf-8-sig")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        return folder.name  # the full load reports the located error
    return str(data.get("name", folder.name)) if isinstance(data, dict) else folder.name


@dataclass
class EntryPointPlugins:
    """What the ``biobench.tasks`` entry points gave: plugin folders, and one line per entry point that failed."""

    folders: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def entry_point_plugins() -> EntryPointPlugins:
    """Load every ``biobench.tasks`` entry point; a failing one is described, not raised, so the others still load."""
    found = EntryPointPlugins()
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        where = _describe(entry_point)
        try:
            value = entry_point.load()
            value = value() if callable(value) else value
            folders = [Path(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v]
        except Exception as error:  # noqa: BLE001  a broken package must not take the other plugins down with it
            found.problems.append(f"{where}: failed to load: {type(error).__name__}: {_first_line(error)}")
            continue
        missing = [str(folder) for folder in folders if not folder.is_dir()]
        if missing:
            found.problems.append(f"{where}: no tasks folder at {', '.join(missing)}")
        found.folders.extend(folder for folder in folders if folder.is_dir())
    return found


def _describe(entry_point) -> str:
    name, value = getattr(entry_point, "name", "?"), getattr(entry_point, "value", "?")
    package = getattr(getattr(entry_point, "dist", None), "name", None)
    return f"entry point {ENTRY_POINT_GROUP} {name!r} ({value})" + (f" of package {package}" if package else "")


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else "(no message)"
