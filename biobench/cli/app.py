"""The ``biobench`` Typer application and its command groups; the commands register themselves on it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from biobench.cli.console import state

app = typer.Typer(
    help="Benchmark compact biomedical language models on real biomedical tasks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
tasks_app = typer.Typer(help="List, inspect and validate task plugins.", no_args_is_help=True)
models_app = typer.Typer(help="List and inspect model cards.", no_args_is_help=True)
app.add_typer(tasks_app, name="tasks")
app.add_typer(models_app, name="models")

TasksDirs = Annotated[
    Optional[list[Path]], typer.Option("--tasks-dir", help="Extra folder of task plugins (repeatable).")
]


@app.callback()
def main(debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False) -> None:
    """biobench: one command from "is this compact model as good?" to one honest table."""
    state["debug"] = debug
