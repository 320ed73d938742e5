"""What the CLI shows: the consoles, one-line errors with exit code 2, and rich progress bars."""

from __future__ import annotations

import contextlib

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from biobench.distributed import is_main_process
from biobench.errors import BiobenchError

console = Console(quiet=not is_main_process())  # one process of a multi-process run speaks for all
errors = Console(stderr=True)
state = {"debug": False}


def show_table(columns: list[str], rows: list[list], as_json: bool = False) -> None:
    """Rows for people (a rich table on a terminal) or for programs: JSON with ``--json``, tab-separated when
    piped; data for programs is never wrapped or cut to the terminal's width."""
    import json
    import sys

    from rich.table import Column, Table

    if as_json:
        sys.stdout.write(json.dumps([dict(zip(columns, row)) for row in rows], indent=2) + "\n")
    elif not sys.stdout.isatty():
        for row in [columns, *rows]:
            sys.stdout.write("\t".join("" if cell is None else str(cell) for cell in row) + "\n")
    else:
        table = Table(Column(columns[0], no_wrap=True), *columns[1:])
        for row in rows:
            table.add_row(*("" if cell is None else str(cell) for cell in row))
        console.print(table)


def warn(problem: str) -> None:
    """One warning line on stderr: something left out, the command goes on."""
    from rich.markup import escape

    errors.print(f"[yellow]warning:[/yellow] {escape(problem)}", highlight=False, soft_wrap=True)


@contextlib.contextmanager
def user_errors():
    """Turn a BiobenchError into one line on stderr and exit code 2 (``--debug``: traceback)."""
    try:
        yield
    except BiobenchError as error:
        if state["debug"]:
            raise
        errors.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        errors.print("interrupted: finished results are kept; re-run the same command to resume")
        raise typer.Exit(130) from None


class RichProgress:
    """Implements ``biobench.progress.Progress`` on a rich live display."""

    def __init__(self, console: Console):
        self.console = console
        self.bars = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[status]}"),
            console=console,
            transient=True,
        )
        self.current = None

    def __enter__(self) -> "RichProgress":
        self.bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bars.stop()

    def start(self, description: str, total: int | None) -> None:
        self.finish()
        self.current = self.bars.add_task(description, total=total, status="")

    def advance(self, steps: int = 1, **fields: str) -> None:
        if self.current is not None:
            status = " ".join(f"{key} {value}" for key, value in fields.items() if value)
            self.bars.update(self.current, advance=steps, status=status)

    def finish(self) -> None:
        if self.current is not None:
            self.bars.remove_task(self.current)
            self.current = None

    def note(self, message: str) -> None:
        self.console.print(message)
