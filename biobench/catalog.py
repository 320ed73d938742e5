"""Where plugins are found: built-in folders, ``--tasks-dir`` folders, and the
``biobench.tasks`` entry-point group of installed packages.

An entry point names an object that is (or returns, when called) a folder or a
list of folders of task plugins; importing it may also register new formats
and families in ``biobench.registry``.
"""

from __future__ import annotations

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
    for root in [builtin_root() / "tasks", *extra_dirs, *_entry_point_dirs()]:
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
        data = yaml.safe_load((folder / "task.yaml").read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        return folder.name  # the full load reports the located YAML error
    return str(data.get("name", folder.name)) if isinstance(data, dict) else folder.name


def _entry_point_dirs() -> list[Path]:
    folders: list[Path] = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        value = entry_point.load()
        value = value() if callable(value) else value
        folders.extend(Path(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v)
    return folders
