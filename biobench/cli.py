"""The ``biobench`` command line. Only this module prints or picks exit codes.

Heavy libraries (torch, transformers) are imported inside the commands that
need them, so ``biobench --help`` and the listing commands start fast.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Column, Table

from biobench.errors import BiobenchError

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

console = Console()
errors = Console(stderr=True)
state = {"debug": False}

TasksDirs = Annotated[
    Optional[list[Path]], typer.Option("--tasks-dir", help="Extra folder of task plugins (repeatable).")
]


@app.callback()
def main(debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False) -> None:
    """biobench: one command from "is this compact model as good?" to one honest table."""
    state["debug"] = debug


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


@app.command()
def run(
    model: Annotated[Optional[list[str]], typer.Option("--model", "-m", help="Model card name, Hub id or local directory (repeatable). Default: the suite's models.")] = None,
    task: Annotated[Optional[list[str]], typer.Option("--task", "-t", help="Task plugin name or folder (repeatable). Default: the suite's tasks.")] = None,
    suite: Annotated[str, typer.Option(help="Named suite used when no --task is given (see `biobench tasks list`).")] = "quick",
    tasks_dir: TasksDirs = None,
    seeds: Annotated[Optional[int], typer.Option("--seeds", help="Run seeds 1..N.")] = None,
    seed: Annotated[Optional[list[int]], typer.Option("--seed", help="Run this seed (repeatable). Default: 1.")] = None,
    epochs: Annotated[Optional[float], typer.Option(help="Training epochs (default: the task's).")] = None,
    lr: Annotated[Optional[float], typer.Option(help="Peak learning rate (default: the task's; 1e-3 with --adapter-tuning or --peft).")] = None,
    batch_size: Annotated[Optional[int], typer.Option(help="Training batch size (default: the task's).")] = None,
    max_length: Annotated[Optional[int], typer.Option(help="Maximum sub-words per input; longer inputs are windowed (default: the task's).")] = None,
    max_train_examples: Annotated[Optional[int], typer.Option(help="Train on a fixed random subset of this size (the same for every seed).")] = None,
    precision: Annotated[str, typer.Option(help="auto | fp32 | bf16 (autocast). auto picks bf16 only where it is faster.")] = "auto",
    adapter_tuning: Annotated[bool, typer.Option("--adapter-tuning", help="Train only bottleneck adapters and the task head (MiniALBERT's own adapters; Houlsby adapters inserted into BERT-style models).")] = False,
    peft: Annotated[Optional[str], typer.Option(help="lora: train LoRA matrices (query, value) and the task head through peft.")] = None,
    recursions: Annotated[Optional[int], typer.Option(help="MiniALBERT: fine-tune and evaluate with only the first k recursions.")] = None,
    pooling: Annotated[str, typer.Option(help="Sentence-level tasks: cls (the model's own [CLS] head), mean (a head on the mean of the token vectors) or auto: mean for sentence-transformers models pooled that way, else cls.")] = "auto",
    output: Annotated[Path, typer.Option("--output", "-o", help="Results folder: one JSON (+ predictions JSONL) per model, task and seed.")] = Path("results"),
    leaderboard: Annotated[Optional[Path], typer.Option(help="Where to write the markdown leaderboard. Default: OUTPUT/leaderboard.md.")] = None,
    shard: Annotated[str, typer.Option(help="Run only shard I of N of the run matrix, e.g. 2/4 (for job arrays).")] = "1/1",
    fold: Annotated[Optional[list[str]], typer.Option("--fold", help="Cross-validated tasks (gad, euadr): run this fold (repeatable; 'all': every fold). Default: the first fold.")] = None,
) -> None:
    """Fine-tune and evaluate models on tasks, several seeds, and write a leaderboard.

    With no options: the quick suite, the embedded MiniLM-L6 and the MiniALBERT
    student distilled from it, on NCBI-disease (offline). Finished
    runs with the same configuration are skipped, so an interrupted run resumes.
    """
    with user_errors():
        from biobench.catalog import load_task, model_cards
        from biobench.model_cards import resolve_model
        from biobench.suites import get_suite
        from biobench.validation import validate_task

        chosen = get_suite(suite)
        cards_by_name = model_cards()
        cards = [resolve_model(name, cards_by_name) for name in (model or chosen.models)]
        tasks = [one for name in (task or chosen.tasks) for one in load_task(name, tasks_dir or []).with_folds(fold or [])]
        if fold and not any(loaded.fold for loaded in tasks):
            raise BiobenchError("--fold: none of the selected tasks is cross-validated (gad and euadr are)")
        for loaded in tasks:  # every data problem surfaces before hours of training
            validate_task(loaded)
        seed_list = _seeds(seeds, seed)
        _run_matrix(cards, tasks, seed_list, locals(), _parse_shard(shard))
        _write_leaderboard(output, leaderboard or output / "leaderboard.md")


def _seeds(count: int | None, explicit: list[int] | None) -> list[int]:
    if count is not None and explicit:
        raise BiobenchError("give either --seeds N or --seed S, not both")
    if count is not None:
        if count < 1:
            raise BiobenchError("--seeds must be at least 1")
        return list(range(1, count + 1))
    return sorted(set(explicit)) if explicit else [1]


def _tuning(adapter_tuning: bool, peft: str | None) -> str:
    if peft not in (None, "lora"):
        raise BiobenchError(f"--peft {peft!r}: only lora is offered")
    if adapter_tuning and peft:
        raise BiobenchError("choose --adapter-tuning or --peft lora, not both")
    return "adapters" if adapter_tuning else (peft or "full")


def _checked_pooling(pooling: str) -> str:
    from biobench.mean_pooling import POOLINGS

    if pooling not in POOLINGS:
        raise BiobenchError(f"--pooling {pooling!r}: choose {', '.join(POOLINGS)}")
    return pooling


def _parse_shard(text: str) -> tuple[int, int]:
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise BiobenchError(f"--shard {text!r}: expected I/N, e.g. 2/4") from None
    if not 1 <= index <= count:
        raise BiobenchError(f"--shard {text!r}: I must be between 1 and N")
    return index - 1, count


def _run_matrix(cards, tasks, seeds, options, shard) -> None:
    import transformers

    from biobench.benchmark import Overrides, execute, plan
    from biobench.console import RichProgress
    from biobench.hardware import resolve_precision
    from biobench.results import ResultStore

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    overrides = Overrides(
        epochs=options["epochs"],
        lr=options["lr"],
        batch_size=options["batch_size"],
        max_length=options["max_length"],
        max_train_examples=options["max_train_examples"],
        precision=resolve_precision(options["precision"]),
        tuning=_tuning(options["adapter_tuning"], options["peft"]),
        recursions=options["recursions"],
        pooling=_checked_pooling(options["pooling"]),
    )
    store = ResultStore(options["output"])
    runs = plan(cards, tasks, seeds, overrides, store, shard)
    console.print(f"{len(runs)} run(s): {len(cards)} model(s) x {len(tasks)} task(s) x {len(seeds)} seed(s), precision {overrides.precision}")
    with RichProgress(console) as progress:
        for number, planned in enumerate(runs, start=1):
            label = f"[{number}/{len(runs)}] {planned.card.name} on {planned.task.name}, seed {planned.seed}"
            if store.finished(planned.path, planned.config_hash):
                console.print(f"{label}: finished earlier, skipped ({planned.path})")
                continue
            console.print(f"{label}")
            result = execute(planned, store, progress)
            main = result["metrics"]["main"]
            console.print(
                f"{label}: test {main} {result['metrics']['test'][main]:.4f} "
                f"in {result['timings']['total_seconds']:.0f} s -> {planned.path}"
            )


def _write_leaderboard(results_dir: Path, target: Path) -> None:
    from biobench.leaderboard import markdown
    from biobench.files import write_atomic
    from biobench.results import read_results

    text = markdown(read_results(results_dir))
    write_atomic(target, text)
    console.print(text, markup=False, highlight=False)
    console.print(f"leaderboard written to {target}")


@app.command("leaderboard")
def leaderboard_command(
    results_dir: Annotated[Path, typer.Argument(help="Folder of result files (searched recursively).")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: print only).")] = None,
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="md | csv | json | html (default: from the output suffix, else md).")] = None,
) -> None:
    """Build a leaderboard (models x tasks, mean ± std over seeds, efficiency) from result files only."""
    with user_errors():
        from biobench.leaderboard import FORMATS, render
        from biobench.files import write_atomic
        from biobench.results import read_results

        if not results_dir.is_dir():
            raise BiobenchError(f"{results_dir}: results folder does not exist")
        chosen = format or (output.suffix.lstrip(".").replace("markdown", "md") if output and output.suffix else "md")
        if chosen not in FORMATS:
            raise BiobenchError(f"unknown leaderboard format {chosen!r}; choose one of {', '.join(FORMATS)}")
        text = render(read_results(results_dir), chosen)
        if output:
            write_atomic(output, text)
            console.print(f"leaderboard written to {output}")
        else:
            console.print(text, markup=False, highlight=False)


@app.command()
def profile(
    model: Annotated[str, typer.Argument(help="Model card name, Hub id or local directory.")],
    quantize: Annotated[Optional[str], typer.Option(help="int8: dynamic int8 quantisation of every Linear layer.")] = None,
    recursions: Annotated[Optional[list[int]], typer.Option(help="MiniALBERT: run only the first k recursions (repeatable, for a depth sweep).")] = None,
    sequence_length: Annotated[int, typer.Option(help="Tokens per sequence.")] = 128,
    batch_size: Annotated[int, typer.Option(help="Sequences per batch for the throughput figure.")] = 32,
    repeats: Annotated[int, typer.Option(help="Timed single-sequence passes for the latency percentiles.")] = 20,
) -> None:
    """Parameters, size on disk, CPU latency p50/p95, throughput and peak memory of a model's encoder."""
    with user_errors():
        if quantize not in (None, "int8"):
            raise BiobenchError(f"--quantize {quantize!r}: only int8 is supported")
        import warnings

        import transformers

        from biobench.catalog import model_cards
        from biobench.model_cards import resolve_model
        from biobench.profiling import profile_model

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        warnings.filterwarnings("ignore", module="torch.ao")
        card = resolve_model(model, model_cards())
        table = Table("variant", "parameters (unique)", "size on disk", "p50 ms", "p95 ms", "sequences/s", "peak RSS MB")
        for depth in recursions or [None]:
            result = profile_model(card, sequence_length, batch_size, repeats, quantize, depth)
            size = f"{result.size_on_disk_mb} MB" if result.size_on_disk_mb is not None else "–"
            table.add_row(result.variant, f"{result.parameters['unique']:,}", size, str(result.latency_ms_p50),
                          str(result.latency_ms_p95), str(result.throughput_sequences_per_second), str(result.peak_memory_mb))
        console.print(f"{card.name}: batch 1 latency and batch {batch_size} throughput at {sequence_length} tokens")
        console.print(table)


@app.command()
def compare(
    result_a: Annotated[Path, typer.Argument(help="Result JSON of system A (its predictions JSONL beside it).")],
    result_b: Annotated[Path, typer.Argument(help="Result JSON of system B, on the same task and test set.")],
    resamples: Annotated[int, typer.Option(help="Permutations and bootstrap resamples.")] = 9999,
    seed: Annotated[int, typer.Option(help="Seed of the resampling.")] = 0,
) -> None:
    """Paired significance test of B against A on the same test examples (permutation test + bootstrap CI)."""
    with user_errors():
        from biobench.significance import compare as compare_runs

        result = compare_runs(result_a, result_b, resamples, seed)
        low, high = result.interval
        console.print(
            f"{result.task}, test {result.metric} on {result.examples} examples\n"
            f"A {result.score_a:.4f}  B {result.score_b:.4f}  B - A {result.difference:+.4f} "
            f"(95% paired bootstrap CI {low:+.4f} .. {high:+.4f})\n"
            f"paired permutation test, two-sided: p = {result.p_value:.4f}",
            highlight=False,
        )


@tasks_app.command("list")
def tasks_list(tasks_dir: TasksDirs = None) -> None:
    """List every task plugin found (built-in, --tasks-dir, entry points)."""
    with user_errors():
        from biobench.catalog import task_folders
        from biobench.plugin import Task

        table = Table(Column("task", no_wrap=True), "family", "format", "version", "description")  # whole names
        for name, folder in sorted(task_folders(tasks_dir or []).items()):
            spec = Task.load(folder).spec
            table.add_row(name, spec.family, spec.format, spec.version, spec.description)
        console.print(table)


@tasks_app.command("show")
def tasks_show(name: Annotated[str, typer.Argument(help="Task name or plugin folder.")], tasks_dir: TasksDirs = None) -> None:
    """Show a task's definition: splits, labels, metric, defaults and provenance."""
    with user_errors():
        import yaml

        from biobench.catalog import load_task

        loaded = load_task(name, tasks_dir or [])
        console.print(f"[bold]{loaded.name}[/bold]  ({loaded.folder})")
        console.print(yaml.safe_dump(loaded.spec.model_dump(exclude_none=True), sort_keys=False), markup=False, highlight=False)


@tasks_app.command("new")
def tasks_new(
    name: Annotated[str, typer.Argument(help="Task name (lower case, digits, . _ -); also the folder name.")],
    family: Annotated[str, typer.Option(help="Task family: ner, relation, pair, qa, classification, similarity, extractive-qa.")],
    format: Annotated[str, typer.Option("--format", help="Format of the files, e.g. conll, pubtator, bioc-xml, blue-tsv, jsonl, squad-json.")],
    train: Annotated[Path, typer.Option(help="Training file (copied into the plugin).")],
    validation: Annotated[Optional[Path], typer.Option(help="Validation file (default: 10% of train, seeded).")] = None,
    test: Annotated[Optional[Path], typer.Option(help="Test file (default: 20% of train, seeded).")] = None,
    into: Annotated[Path, typer.Option("--into", help="Folder to create the plugin folder in.")] = Path("."),
) -> None:
    """Scaffold a task plugin: copy the files, write task.yaml (checksums, splits, metric) and a README."""
    with user_errors():
        from biobench.scaffold import new_task

        files = {split: path for split, path in (("train", train), ("validation", validation), ("test", test)) if path}
        folder = into / name
        notes = new_task(folder, name, family, format, files)
        console.print(f"[green]created[/green] {folder}: task.yaml, README.md, data/", highlight=False)
        for note in notes:
            console.print(f"  next: {note}", highlight=False)
        console.print(f"  then: biobench tasks validate {folder}", highlight=False)


@tasks_app.command("validate")
def tasks_validate(
    names: Annotated[Optional[list[str]], typer.Argument(help="Task names or plugin folders (default: every task found).")] = None,
    tasks_dir: TasksDirs = None,
) -> None:
    """Check plugins: the YAML, every file's sha256, and every split read by its format reader."""
    with user_errors():
        from biobench.catalog import load_task, task_folders
        from biobench.validation import validate_task

        for name in names or sorted(task_folders(tasks_dir or [])):
            report = validate_task(load_task(name, tasks_dir or []))
            console.print(f"[green]ok[/green] {report}")


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
        from biobench.model_cards import resolve_model

        card = resolve_model(name, model_cards())
        console.print(yaml.safe_dump(card.model_dump(exclude_none=True), sort_keys=False), markup=False, highlight=False)
        console.print(f"loads from: {card.location()}", markup=False, highlight=False)


@models_app.command("export")
def models_export(
    name: Annotated[str, typer.Argument(help="Model card name, Hub id or local directory (e.g. a distilled student).")],
    output: Annotated[Path, typer.Argument(help="Folder to write the encoder and tokenizer to.")],
    dtype: Annotated[str, typer.Option(help="Stored precision: float32 | float16 | bfloat16 (loading always upcasts to float32).")] = "float32",
) -> None:
    """Save a model's encoder without its pre-training head (smaller; loads with --model FOLDER)."""
    with user_errors():
        from biobench.backbones import export_encoder
        from biobench.catalog import model_cards
        from biobench.model_cards import resolve_model

        counts = export_encoder(resolve_model(name, model_cards()), output, dtype)
        console.print(f"[green]saved[/green] {output}: {counts.unique:,} unique parameters, {dtype}", highlight=False)


import biobench.cli_distill  # noqa: E402,F401  (registers `biobench distill` on `app`)

if __name__ == "__main__":
    sys.exit(app())
