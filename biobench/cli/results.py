"""Commands that read result files only: ``biobench leaderboard`` and ``biobench compare``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from biobench.cli.app import Json, app
from biobench.cli.console import console, user_errors, warn
from biobench.errors import BiobenchError, DataError


def readable_results(results_dir: Path, strict: bool, scan: Callable | None = None) -> list:
    """The results under ``results_dir`` (``scan``: another reader of the folder, e.g. ``scan_profiles``); an
    unreadable file is named on stderr and skipped (``strict``: refused)."""
    from biobench.results import scan_results

    results, unreadable = (scan or scan_results)(results_dir)
    if unreadable and strict:
        raise DataError(unreadable[0].path, unreadable[0].problem + " (leave out --strict to skip it)")
    for problem in unreadable:
        warn(f"skipped {problem.path}: {problem.problem}")
    return results


@app.command("leaderboard")
def leaderboard_command(
    reference: Annotated[str, typer.Argument(
        help="Folder of result and profile files (searched recursively), or hf://ORG/NAME: results pushed to the Hub.",
    )],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o",
        help="File to write (default: print only).",
    )] = None,
    format: Annotated[Optional[str], typer.Option(
        "--format", "-f",
        help="md | csv | json | html (default: from the output suffix, else md).",
    )] = None,
    long: Annotated[bool, typer.Option(
        "--long",
        help="csv, json: the tidy long form instead, one row per run, split and metric (model, setting, "
             "setting_id, task, family, metric, split, seed, value as stored, main, fold, train_seconds, "
             "test_examples_per_second, processor, threads, accelerator).",
    )] = False,
    title: Annotated[str, typer.Option(help="The table's title.")] = "biobench leaderboard",
    strict: Annotated[bool, typer.Option(
        "--strict", help="Refuse a folder holding an unreadable result or profile file (default: name it and "
                         "skip it).",
    )] = False,
) -> None:
    """Build a leaderboard from result files only: one row per model and setting, per task the mean ± std over
    its runs, family means, the plain and BLURB-style means, and efficiency (size, latency, throughput) from the
    folder's profile files (biobench profile). The four formats hold the same table; html is one self-contained
    page, sortable, with score-against-parameters and score-against-latency plots.

    Examples: biobench leaderboard results/ ; biobench leaderboard results/ -o board.html ;
    biobench leaderboard results/ -f csv --long > runs.csv
    """
    with user_errors():
        from biobench.files import write_atomic
        from biobench.leaderboard import FORMATS, LONG_FORMATS, render, scan_profiles

        from biobench.sharing import download_results, is_hub_reference

        results_dir = download_results(reference) if is_hub_reference(reference) else Path(reference)
        if not results_dir.is_dir():
            raise BiobenchError(f"{results_dir}: results folder does not exist")
        chosen = format or (output.suffix.lstrip(".").replace("markdown", "md") if output and output.suffix else "md")
        if chosen not in FORMATS:
            raise BiobenchError(f"unknown leaderboard format {chosen!r}; choose one of {', '.join(FORMATS)}")
        if long and chosen not in LONG_FORMATS:
            raise BiobenchError(f"--long writes {' or '.join(LONG_FORMATS)}, not {chosen}")
        results = readable_results(results_dir, strict)
        profiles = readable_results(results_dir, strict, scan_profiles)
        text = render(results, chosen, title, profiles, long)
        if output:
            write_atomic(output, text)
            console.print(f"leaderboard written to {output}")
        else:
            sys.stdout.write(text)  # data: never wrapped to the terminal's width


@app.command()
def compare(
    result_a: Annotated[Path, typer.Argument(help="Result JSON of system A (its predictions JSONL beside it).")],
    result_b: Annotated[Path, typer.Argument(help="Result JSON of system B, on the same task and test set.")],
    resamples: Annotated[int, typer.Option(help="Permutations and bootstrap resamples.")] = 9999,
    seed: Annotated[int, typer.Option(help="Seed of the resampling.")] = 0,
    json: Json = False,
) -> None:
    """Paired significance test of B against A on the same test examples (permutation test + bootstrap CI).

    Example: biobench compare results/minilm-l6/ncbi-disease/defaults.*/seed-1.json \\
        results/minialbert-minilm-l6/ncbi-disease/defaults.*/seed-1.json
    """
    with user_errors():
        import dataclasses
        import json as json_module

        from biobench.significance import compare as compare_runs

        result = compare_runs(result_a, result_b, resamples, seed)
        if json:
            sys.stdout.write(json_module.dumps(dataclasses.asdict(result), indent=2) + "\n")
            return
        low, high = result.interval
        console.print(
            f"{result.task}, test {result.metric} on {result.examples} examples\n"
            f"A {result.score_a:.4f}  B {result.score_b:.4f}  B - A {result.difference:+.4f} "
            f"(95% paired bootstrap CI {low:+.4f} .. {high:+.4f})\n"
            f"paired permutation test, two-sided: p = {result.p_value:.4f}",
            highlight=False,
        )


