"""The ``biobench`` Typer application and its command groups; the commands register themselves on it."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer._click import exceptions as usage  # typer's own click: the errors its parsing raises
from typer.core import TyperGroup

from biobench.cli.console import state
from biobench.models.variant import HEADS, PRECISIONS
from biobench.tracking import TRACKERS


class OneLineErrors(TyperGroup):
    """Usage errors (an unknown option, a value not among the choices) as one ``error:`` line and exit code 2."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except usage.NoArgsIsHelpError as error:
            error.show()
            sys.exit(error.exit_code)
        except usage.ClickException as error:
            typer.echo(f"error: {error.format_message().replace('Value error, ', '')}", err=True)
            sys.exit(error.exit_code)
        except typer.Abort:
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def choices(name: str, values) -> type[Enum]:
    """A string enum of ``values``: typer lists them in ``--help`` and refuses others."""
    return Enum(name, [(value, value) for value in values if value is not None], type=str)


Precision = choices("Precision", PRECISIONS)
Pooling = choices("Pooling", HEADS)
Tracker = choices("Tracker", TRACKERS)
Peft = choices("Peft", ["lora"])


def _version(shown: bool) -> None:
    if shown:
        from importlib.metadata import version

        typer.echo(f"biobench {version('biobench')}")
        raise typer.Exit()


app = typer.Typer(
    cls=OneLineErrors,
    help="Benchmark compact biomedical language models on real biomedical tasks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
tasks_app = typer.Typer(help="List, inspect and validate task plugins.", no_args_is_help=True)
models_app = typer.Typer(help="List and inspect model cards.", no_args_is_help=True)
suites_app = typer.Typer(help="List suites: named groups of models and tasks run together.", no_args_is_help=True)
app.add_typer(tasks_app, name="tasks")
app.add_typer(models_app, name="models")
app.add_typer(suites_app, name="suites")

TasksDirs = Annotated[
    Optional[list[Path]], typer.Option("--tasks-dir", help="Extra folder of task plugins (repeatable).")
]
SuitesDirs = Annotated[
    Optional[list[Path]], typer.Option("--suites-dir", help="Extra folder of suite files, NAME.yaml (repeatable).")
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON (for programs) instead of a table.")]


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print biobench's version and exit.")] = False,
) -> None:
    """biobench: one command from "is this compact model as good?" to one honest table."""
    state["debug"] = debug
