"""``biobench push`` and ``biobench models card-metadata``: results shared on the Hugging Face Hub."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from biobench.cli.app import app, models_app
from biobench.cli.console import console, user_errors


@app.command()
def push(
    results: Annotated[Path, typer.Argument(help="Results folder (as biobench run and profile write it).")],
    repo: Annotated[str, typer.Option(help="Hub dataset repo ORG/NAME, created if it does not exist.")],
    private: Annotated[bool, typer.Option("--private", help="Create the repo private.")] = False,
) -> None:
    """Upload a results folder to a Hugging Face Hub dataset repo (read back: biobench leaderboard hf://ORG/NAME)."""
    with user_errors():
        from biobench.sharing import push_results

        url = push_results(results, repo, private)
        console.print(f"[green]pushed[/green] {results} to {repo}: {url}", highlight=False)
        console.print(f"leaderboard from it: biobench leaderboard hf://{repo}", highlight=False)


@models_app.command("card-metadata")
def card_metadata(
    results: Annotated[list[Path], typer.Argument(help="Results folders and/or result files (seed-N.json).")],
    model: Annotated[str, typer.Option(help="The model's name as its results record it.")],
) -> None:
    """Print the model-index YAML of a model's results for its model card's metadata (between the card's ---
    lines): per task and setting, the main test metric's mean over seeds."""
    with user_errors():
        from biobench.sharing import card_metadata as model_index

        sys.stdout.write(model_index(results, model))
