"""``biobench models`` (list, show, export) and ``biobench profile``: model cards and their cost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from biobench.cli.app import TasksDirs, app, models_app
from biobench.cli.console import console, user_errors, warn
from biobench.errors import BiobenchError
from biobench.profiling import quiet_torchao

quiet_torchao()  # transformers imports torchao (int8 profiles) at start-up in every command; its start-up log is noise

@app.command()
def profile(
    model: Annotated[str, typer.Argument(help="Model card name, Hub id or local directory.")],
    task: Annotated[Optional[str], typer.Option(
        help="Time the task's real test inputs (tokenised, cut at its max_length) instead of random tokens.",
    )] = None,
    tasks_dir: TasksDirs = None,
    quantize: Annotated[Optional[str], typer.Option(
        help="int8: also profile the int8 variant (int8 weights and activations in every Linear layer).",
    )] = None,
    recursions: Annotated[Optional[list[int]], typer.Option(
        help="MiniALBERT: run only the first k recursions (repeatable, for a depth sweep).",
    )] = None,
    sequence_length: Annotated[Optional[int], typer.Option(
        help="Tokens per sequence: random ones (default 128), or the cut of the task's texts (default its max_length).",
    )] = None,
    batch_size: Annotated[int, typer.Option(help="Sequences per batch for the throughput figure.")] = 32,
    repeats: Annotated[int, typer.Option(help="Timed batch-1 passes (inputs) for the latency percentiles.")] = 50,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Results folder: one OUTPUT/<model>/<variant>.profile.json per variant.",
    )] = Path("results"),
) -> None:
    """Parameters, size on disk, CPU latency p50/p95, throughput and peak memory of a model's encoder, written
    as profile files beside the model's results (fp32, and int8 with --quantize int8)."""
    with user_errors():
        if quantize not in (None, "int8"):
            raise BiobenchError(f"--quantize {quantize!r}: only int8 is supported")
        import transformers

        from biobench.catalog import load_task, model_cards
        from biobench.models.cards import resolve_model
        from biobench.profiling import profile_to_file

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        card = resolve_model(model, model_cards())
        loaded = load_task(task, tasks_dir or []) if task else None
        _warn_if_busy()
        if loaded is not None:
            loaded.verify()
        table = Table(
            "variant", "parameters (unique)", "size on disk", "p50 ms", "p95 ms", "sequences/s", "peak memory MB"
        )
        for depth in recursions or [None]:
            for quantisation in dict.fromkeys([None, quantize]):
                path = profile_to_file(card, output, loaded, quantisation, depth, sequence_length, batch_size, repeats)
                result = json.loads(path.read_text(encoding="utf-8"))
                size = f"{result['size_on_disk_mb']} MB" if result["size_on_disk_mb"] is not None else "–"
                table.add_row(result["variant"], f"{result['parameters']['unique']:,}", size,
                              str(result["latency_ms_p50"]), str(result["latency_ms_p95"]),
                              str(result["throughput_sequences_per_second"]), str(result["peak_memory_mb"]))
        inputs = (f"{loaded.name} test inputs cut at {result['sequence_length']} tokens" if loaded
                  else f"{result['sequence_length']} random tokens")
        console.print(f"{card.name}: batch 1 latency and batch {batch_size} throughput on {inputs}", highlight=False)
        console.print(table)
        console.print(f"profiles written to {path.parent}", highlight=False)


def _warn_if_busy() -> None:
    """Timings on a machine whose cores are all taken by other work are inflated, sometimes many times over."""
    import os

    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load >= cores:
        warn(f"load average {load:.1f} on {cores} cores before profiling: other work is running, and the "
             f"latency and throughput figures will be inflated")


@models_app.command("list")
def models_list() -> None:
    """List the built-in model cards (any Hub id or local directory works too)."""
    with user_errors():
        from biobench.catalog import model_cards

        table = Table("model", "kind", "source", "parameters", "description")
        for card in model_cards().values():
            table.add_row(card.name, card.kind, card.source, card.parameters, card.description)
        console.print(table)


@models_app.command("show")
def models_show(name: Annotated[str, typer.Argument(help="Model card name, Hub id or local directory.")]) -> None:
    """Show a model card and where its weights are loaded from."""
    with user_errors():
        import yaml

        from biobench.catalog import model_cards
        from biobench.models.cards import resolve_model

        card = resolve_model(name, model_cards())
        text = yaml.safe_dump(card.model_dump(exclude_none=True), sort_keys=False)
        console.print(text, markup=False, highlight=False)
        console.print(f"loads from: {card.location()}", markup=False, highlight=False)


@models_app.command("export")
def models_export(
    name: Annotated[str, typer.Argument(help="Model card name, Hub id or local directory (e.g. a distilled student).")],
    output: Annotated[Path, typer.Argument(help="Folder to write the encoder and tokenizer to.")],
    dtype: Annotated[str, typer.Option(
        help="Stored precision: float32 | float16 | bfloat16 (loading always upcasts to float32).",
    )] = "float32",
) -> None:
    """Save a model's encoder without its pre-training head (smaller; loads with --model FOLDER)."""
    with user_errors():
        from biobench.models.build import export_encoder
        from biobench.catalog import model_cards
        from biobench.models.cards import resolve_model

        counts = export_encoder(resolve_model(name, model_cards()), output, dtype)
        console.print(f"[green]saved[/green] {output}: {counts.unique:,} unique parameters, {dtype}", highlight=False)


