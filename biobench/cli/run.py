"""``biobench run``: fine-tune and evaluate models on tasks over seeds, then write the leaderboard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from biobench.cli.app import TasksDirs, app
from biobench.cli.console import console, user_errors
from biobench.errors import BiobenchError

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
    from biobench.cli.console import RichProgress
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


