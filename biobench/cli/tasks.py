"""``biobench tasks``: list, show, scaffold and validate task plugins."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from biobench.cli.app import Json, SuitesDirs, TasksDirs, suites_app, tasks_app
from biobench.cli.console import console, show_table, user_errors, warn


def warn_broken_packages() -> None:
    """Name each package whose ``biobench.tasks`` entry point failed; its tasks (and formats) are left out."""
    from biobench.catalog import entry_point_plugins

    for problem in entry_point_plugins().problems:
        warn(f"{problem}; its tasks are left out")


@tasks_app.command("list")
def tasks_list(tasks_dir: TasksDirs = None, json: Json = False) -> None:
    """List every task plugin found (built-in, --tasks-dir, entry points).

    Examples: biobench tasks list ; biobench tasks list --json ; biobench tasks list --tasks-dir my-tasks/

    A plugin that does not load (and a package whose entry point fails) is named
    on stderr in one warning line and left out; the others are listed and the
    exit code stays 0, since listing is not checking: `biobench tasks validate`
    is the command that fails (exit code 2) on a broken plugin.
    """
    with user_errors():
        from biobench.catalog import task_folders
        from biobench.errors import BiobenchError
        from biobench.plugin import Task

        warn_broken_packages()
        rows = []
        for name, folder in sorted(task_folders(tasks_dir or []).items()):
            try:
                spec = Task.load(folder).spec
            except BiobenchError as error:
                warn(f"{error}; task {name} left out")
                continue
            rows.append([name, spec.family, spec.format, spec.version, spec.description])
        show_table(["task", "family", "format", "version", "description"], rows, json)


@tasks_app.command("show")
def tasks_show(
    name: Annotated[str, typer.Argument(help="Task name or plugin folder.")], tasks_dir: TasksDirs = None
) -> None:
    """Show a task's definition: splits, labels, metric, defaults and provenance."""
    with user_errors():
        import yaml

        from biobench.catalog import load_task

        warn_broken_packages()
        loaded = load_task(name, tasks_dir or [])
        if sys.stdout.isatty():
            console.print(f"[bold]{loaded.name}[/bold]  ({loaded.folder})")
        text = yaml.safe_dump(loaded.spec.model_dump(exclude_none=True), sort_keys=False, width=10**6)
        sys.stdout.write(text)  # data: never wrapped (checksums stay whole)


@tasks_app.command("new")
def tasks_new(
    name: Annotated[str, typer.Argument(help="Task name (lower case, digits, . _ -); also the folder name.")],
    family: Annotated[str, typer.Option(
        help="Task family: ner, relation, pair, qa, classification, similarity, extractive-qa.",
    )],
    format: Annotated[str, typer.Option(
        "--format",
        help="Format of the files, e.g. conll, pubtator, bioc-xml, blue-tsv, jsonl, squad-json.",
    )],
    train: Annotated[Path, typer.Option(help="Training file (copied into the plugin).")],
    validation: Annotated[Optional[Path], typer.Option(help="Validation file (default: 10% of train, seeded).")] = None,
    test: Annotated[Optional[Path], typer.Option(help="Test file (default: 20% of train, seeded).")] = None,
    into: Annotated[Path, typer.Option("--into", help="Folder to create the plugin folder in.")] = Path("."),
) -> None:
    """Scaffold a task plugin: copy the files, write task.yaml (checksums, splits, metric) and a README."""
    with user_errors():
        from biobench.scaffold import new_task

        warn_broken_packages()  # their formats are unknown here
        files = {split: path for split, path in (("train", train), ("validation", validation), ("test", test)) if path}
        folder = into / name
        notes = new_task(folder, name, family, format, files)
        console.print(f"[green]created[/green] {folder}: task.yaml, README.md, data/", highlight=False)
        for note in notes:
            console.print(f"  next: {note}", highlight=False)
        console.print(f"  then: biobench tasks validate {folder}", highlight=False)


@tasks_app.command("validate")
def tasks_validate(
    names: Annotated[Optional[list[str]], typer.Argument(
        help="Task names or plugin folders (default: every task found).",
    )] = None,
    tasks_dir: TasksDirs = None,
) -> None:
    """Check plugins: the YAML, every file's sha256, and every split read by its format reader."""
    with user_errors():
        from biobench.catalog import load_task, task_folders
        from biobench.validation import validate_task

        warn_broken_packages()
        for name in names or sorted(task_folders(tasks_dir or [])):
            report = validate_task(load_task(name, tasks_dir or []))
            console.print(f"[green]ok[/green] {report}")




@suites_app.command("list")
def suites_list(suites_dir: SuitesDirs = None, json: Json = False) -> None:
    """List the suites (built-in `suites/*.yaml`, and --suites-dir): `biobench run --suite NAME` runs one.

    Examples: biobench suites list ; biobench suites list --suites-dir my-suites/ --json
    """
    with user_errors():
        from biobench.suites import suites

        rows = [[suite.name, ", ".join(suite.models), ", ".join(suite.tasks), suite.description]
                for suite in suites(suites_dir or []).values()]
        show_table(["suite", "models", "tasks", "description"], rows, json)
