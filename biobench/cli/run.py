"""``biobench run``: fine-tune and evaluate models on tasks over seeds, then write the leaderboard."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from biobench.benchmark import Overrides
from biobench.cli.app import Peft, Pooling, Precision, SuitesDirs, TasksDirs, Tracker, app
from biobench.cli.console import console, user_errors, warn
from biobench.distributed import is_main_process, world_size
from biobench.errors import BiobenchError
from biobench.tracking import Tracking


@app.command()
def run(
    model: Annotated[Optional[list[str]], typer.Option(
        "--model", "-m",
        help="Model card name, Hub id or local directory (repeatable). Default: the suite's models.",
    )] = None,
    task: Annotated[Optional[list[str]], typer.Option(
        "--task", "-t",
        help="Task plugin name or folder (repeatable). Default: the suite's tasks.",
    )] = None,
    suite: Annotated[str, typer.Option(
        help="Named suite used when no --task is given (see `biobench suites list`).",
    )] = "quick",
    suites_dir: SuitesDirs = None,
    tasks_dir: TasksDirs = None,
    seeds: Annotated[Optional[int], typer.Option("--seeds", help="Run seeds 1..N.")] = None,
    seed: Annotated[Optional[list[int]], typer.Option("--seed", help="Run this seed (repeatable). Default: 1.")] = None,
    epochs: Annotated[Optional[float], typer.Option(help="Training epochs (default: the task's).")] = None,
    lr: Annotated[Optional[float], typer.Option(
        help="Peak learning rate (default: the task's; 1e-3 with --adapter-tuning or --peft).",
    )] = None,
    lr_grid: Annotated[Optional[str], typer.Option(
        help="Choose the learning rate on validation: fine-tune at each of these (comma-separated, e.g. "
        "1e-4,3e-4,5e-4), keep the one whose best epoch scores best on the validation main metric, score only it on "
        "test. The result records every candidate.",
    )] = None,
    epochs_grid: Annotated[Optional[str], typer.Option(
        help="Choose the number of epochs on validation, as --lr-grid does (e.g. 2,3,5); with --lr-grid, every "
        "pair of the two is tried.",
    )] = None,
    batch_size: Annotated[Optional[int], typer.Option(help="Training batch size (default: the task's).")] = None,
    max_length: Annotated[Optional[int], typer.Option(
        help="Maximum sub-words per input; longer inputs are windowed (default: the task's).",
    )] = None,
    max_train_examples: Annotated[Optional[int], typer.Option(
        help="Train on a fixed random subset of this size (the same for every seed).",
    )] = None,
    max_eval_examples: Annotated[Optional[int], typer.Option(
        help="Choose the epoch on a fixed random subset of the validation split of this size (the same for every "
        "seed; 0: all of it). Default: the task's validation_subset, else all. The test split is scored in full.",
    )] = None,
    precision: Annotated[Precision, typer.Option(
        help="Autocast precision; fp16 for GPUs without bf16. auto: bf16 where it is faster (a bf16 GPU, a CPU with "
        "AMX, an AMD CPU with AVX512-BF16), else fp32.",
    )] = "auto",
    adapter_tuning: Annotated[bool, typer.Option(
        "--adapter-tuning",
        help="Train only bottleneck adapters and the task head (MiniALBERT's own adapters; Houlsby adapters inserted "
        "into BERT-style models).",
    )] = False,
    peft: Annotated[Optional[Peft], typer.Option(
        help="lora: train LoRA matrices (query, value) and the task head through peft.",
    )] = None,
    recursions: Annotated[Optional[int], typer.Option(
        help="MiniALBERT: fine-tune and evaluate with only the first k recursions.",
    )] = None,
    pooling: Annotated[Pooling, typer.Option(
        help="Sentence-level tasks' head: cls (the model's own [CLS] head), mean (a head on the mean of the token "
        "vectors), entity-start (relations: the two entities' opening markers) or auto: the family's default "
        "(entity-start for relations; elsewhere mean for sentence-transformers models pooled that way).",
    )] = "auto",
    teacher: Annotated[Optional[str], typer.Option(
        help="Task distillation: every other model learns, beside the hard labels, the soft labels of this model "
        "fine-tuned on the same task and seed (its own run, found in OUTPUT or run first). Needs the same tokenizer.",
    )] = None,
    temperature: Annotated[float, typer.Option(help="--teacher: the soft labels' temperature.")] = 2.0,
    soft_weight: Annotated[float, typer.Option(
        help="--teacher: the soft term's weight; the hard labels' is 1 - this.",
    )] = 0.5,
    output: Annotated[Path, typer.Option(
        "--output", "-o",
        help="Results folder: one JSON (+ predictions JSONL) per model, task, setting and seed.",
    )] = Path("results"),
    work_dir: Annotated[Optional[Path], typer.Option(
        help="Where runs keep their checkpoints while training (default: OUTPUT/.work); removed when a run ends.",
    )] = None,
    report_to: Annotated[Tracker, typer.Option(
        help="Log training curves to none | tensorboard (OUTPUT/tensorboard/<run>) | wandb | mlflow | trackio.",
    )] = "none",
    run_name: Annotated[Optional[str], typer.Option(
        help="Prefix of each run's name in the tracker (default: model-task-setting-seed).",
    )] = None,
    profile: Annotated[bool, typer.Option(
        "--profile", help="After the runs, profile each model once on the first task's test texts (size, latency, "
                          "throughput, memory): a profile file the leaderboard reads beside the results.",
    )] = False,
    trust_remote_code: Annotated[bool, typer.Option(
        "--trust-remote-code", help="Allow models whose config asks to run code shipped with them (auto_map).",
    )] = False,
    leaderboard: Annotated[Optional[Path], typer.Option(
        help="Where to write the markdown leaderboard. Default: OUTPUT/leaderboard.md.",
    )] = None,
    shard: Annotated[str, typer.Option(
        help="Run only shard I of N of the run matrix, e.g. 2/4 (for job arrays).",
    )] = "1/1",
    fold: Annotated[Optional[list[str]], typer.Option(
        "--fold",
        help="Cross-validated tasks (gad, euadr): run this fold (repeatable; 'all': every fold). Default: the first "
        "fold.",
    )] = None,
) -> None:
    """Fine-tune and evaluate models on tasks, several seeds, and write a leaderboard.

    With no options: the quick suite on NCBI-disease (offline): the embedded
    MiniLM-L6 fine-tuned, then its MiniALBERT student task-distilled from the
    fine-tuned teacher, the retention printed. A run whose setting and seed
    finished earlier in OUTPUT is skipped, so an interrupted command resumes;
    runs of other settings are kept beside it.

    Examples:

      biobench run                                            # the quick suite
      biobench run -m minilm-l6 -t ncbi-disease --seeds 3 --lr 2e-4
      biobench run -m minialbert-minilm-l6 -t species-800 --adapter-tuning
      biobench run -m minialbert-minilm-l6 -t ncbi-disease --teacher minilm-l6
      biobench run -m minialbert-minilm-l6 -t ncbi-disease --lr-grid 1e-4,3e-4,5e-4
      biobench run -m minilm-l6 -t species-800 --lr-grid 1e-4,2e-4 --epochs-grid 2,3
      torchrun --nproc_per_node 4 -m biobench run -m pubmedbert --suite blurb-lite
    """
    with user_errors():
        request = RunRequest(
            models=model, tasks=task, suite=suite, tasks_dirs=tasks_dir or [], suites_dirs=suites_dir or [],
            seeds=_seeds(seeds, seed), folds=fold or [], output=output,
            leaderboard=leaderboard or output / "leaderboard.md", work_dir=work_dir,
            trust_remote_code=trust_remote_code, profile=profile,
            tracking=Tracking(_value(report_to), run_name, output),
            shard=_parse_shard(shard), overrides=_overrides(
                epochs, lr, batch_size, max_length, max_train_examples, max_eval_examples, _value(precision),
                adapter_tuning, _value(peft), recursions, _value(pooling), temperature, soft_weight,
                _grid(lr_grid, "lr", "1e-4,3e-4,5e-4"), _grid(epochs_grid, "epochs", "2,3,5")),
            teacher=teacher,
        )
        execute_request(request)


@dataclass(frozen=True)
class RunRequest:
    """What ``biobench run`` was asked to do, checked."""

    models: list[str] | None
    tasks: list[str] | None
    suite: str
    tasks_dirs: list[Path]
    suites_dirs: list[Path]
    seeds: list[int]
    folds: list[str]
    output: Path
    leaderboard: Path
    work_dir: Path | None
    trust_remote_code: bool
    profile: bool
    tracking: Tracking
    shard: tuple[int, int]
    overrides: Overrides
    teacher: str | None = None  # a model reference, resolved with the others


def _overrides(epochs, lr, batch_size, max_length, max_train_examples, max_eval_examples, precision, adapter_tuning,
               peft, recursions, pooling, temperature=2.0, soft_weight=0.5, lr_grid=None,
               epochs_grid=None):
    from biobench.models.variant import Variant

    if peft not in (None, "lora"):
        raise BiobenchError(f"--peft {peft!r}: only lora is offered")
    if adapter_tuning and peft:
        raise BiobenchError("choose --adapter-tuning or --peft lora, not both")
    variant = Variant(tuning="adapters" if adapter_tuning else (peft or "full"), recursions=recursions,
                      head=pooling, precision=precision)
    return Overrides(epochs=epochs, lr=lr, batch_size=batch_size, max_length=max_length,
                     max_train_examples=max_train_examples, max_eval_examples=max_eval_examples, variant=variant,
                     temperature=temperature, soft_weight=soft_weight, lr_grid=lr_grid,
                     epochs_grid=epochs_grid)


def execute_request(request: RunRequest) -> None:
    from biobench.catalog import load_task, model_cards
    from biobench.cli.tasks import warn_broken_packages
    from biobench.models.cards import resolve_model
    from biobench.models.source import fetch
    from biobench.suites import get_suite
    from biobench.validation import validate_task

    warn_broken_packages()
    chosen = get_suite(request.suite, request.suites_dirs)
    cards_by_name = model_cards()
    cards = [resolve_model(name, cards_by_name) for name in (request.models or chosen.models)]
    teacher_name = request.teacher or (chosen.teacher if not request.models else None)  # the suite's, for its models
    teacher = resolve_model(teacher_name, cards_by_name) if teacher_name else None
    if request.trust_remote_code:
        cards = [card.model_copy(update={"trust_remote_code": True}) for card in cards]
        teacher = teacher and teacher.model_copy(update={"trust_remote_code": True})
    if teacher is not None:
        if all(card.name == teacher.name for card in cards):
            raise BiobenchError(f"--teacher {teacher_name}: no other model to distil into (give a --model)")
        request = replace(request, overrides=replace(request.overrides, teacher=teacher))
    for card in cards + ([teacher] if teacher else []):  # before the run's progress bars: the Hub's, if any
        fetch(card)
    tasks = [
        one for name in (request.tasks or chosen.tasks)
        for one in load_task(name, request.tasks_dirs).with_folds(request.folds)
    ]
    if request.folds and not any(loaded.fold for loaded in tasks):
        raise BiobenchError("--fold: none of the selected tasks is cross-validated (gad and euadr are)")
    for loaded in tasks:  # every data problem surfaces before hours of training
        validate_task(loaded)
    _run_matrix(cards, tasks, request)
    if is_main_process():
        if request.profile:
            _profile(cards, tasks[0], request.output)
        _write_leaderboard(request.output, request.leaderboard)


def _profile(cards, task, output: Path) -> None:
    """Each model's efficiency on the first task's test texts, once, as a profile file beside the results."""
    from biobench.profiling import profile_to_file

    for card in cards:
        path = profile_to_file(card, output, task=task)
        console.print(f"profiled {card.name} on {task.name} -> {path}")


def _grid(text: str | None, name: str, example: str) -> tuple[float, ...] | None:
    """The values of ``--NAME-grid``, comma-separated numbers."""
    if text is None:
        return None
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise BiobenchError(f"--{name}-grid {text!r}: expected numbers separated by commas, e.g. {example}") from None


def _value(choice):
    """The string of an enum choice (``None`` stays ``None``)."""
    return getattr(choice, "value", choice)


def _seeds(count: int | None, explicit: list[int] | None) -> list[int]:
    if count is not None and explicit:
        raise BiobenchError("give either --seeds N or --seed S, not both")
    if count is not None:
        if count < 1:
            raise BiobenchError("--seeds must be at least 1")
        return list(range(1, count + 1))
    return sorted(set(explicit)) if explicit else [1]


def _parse_shard(text: str) -> tuple[int, int]:
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise BiobenchError(f"--shard {text!r}: expected I/N, e.g. 2/4") from None
    if not 1 <= index <= count:
        raise BiobenchError(f"--shard {text!r}: I must be between 1 and N")
    return index - 1, count


def _run_matrix(cards, tasks, request: RunRequest) -> None:
    import transformers

    from biobench.benchmark import estimated_bytes, execute, plan
    from biobench.cli.console import RichProgress
    from biobench.results import ResultStore

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    store = ResultStore(request.output, request.work_dir)
    runs = plan(cards, tasks, request.seeds, request.overrides, store, request.shard)
    store.check_room(estimated_bytes([run for run in runs if not store.finished(run.config_hash)]))
    precisions = ", ".join(sorted({planned.config.precision for planned in runs})) or "-"
    models = len({run.card.name for run in runs})
    console.print(f"{len(runs)} run(s): {models} model(s) x {len(tasks)} task(s) x {len(request.seeds)} seed(s), "
                  f"precision {precisions}")
    with RichProgress(console) as progress:
        for number, planned in enumerate(runs, start=1):
            label = f"[{number}/{len(runs)}] {planned.card.name} on {planned.task.name}, seed {planned.seed}"
            with store.claim(planned.config_hash) if world_size() == 1 else contextlib.nullcontext(True) as held:
                if not held:
                    console.print(f"{label}: another process is running it, skipped")
                    continue
                if store.finished(planned.config_hash):
                    console.print(f"{label}: finished earlier, skipped ({planned.path.parent})")
                    continue
                console.print(f"{label}")
                result = execute(planned, store, progress, request.tracking)
            console.print(f"{label}: {_scored(result)} in {result['timings']['total_seconds']:.0f} s -> {planned.path}")
            if "teacher" in result:
                console.print(f"{label}: {_retention(result)}")
            if result["collapsed"]:
                warn(f"{label}: collapsed: the model gives every test example the same answer (NER: no entity); "
                     f"the trivial baseline is {result['baseline']['predictor']}")


def _retention(result: dict) -> str:
    """``keeps 95.2% of its teacher's test f1 (minilm-l6 0.8291)``."""
    teacher, main = result["teacher"], result["metrics"]["main"]
    kept = "keeps –" if teacher["retention"] is None else f"keeps {100 * teacher['retention']:.1f}%"
    return f"{kept} of its teacher's test {main} ({teacher['model']} {teacher['test']:.4f})"


def _scored(result: dict) -> str:
    """``test f1 0.8123 (baseline 0.0000, p 0.0001)``: the main test score beside the trivial baseline's."""
    main, baseline = result["metrics"]["main"], result["baseline"]
    p_value = "" if baseline["p_value"] is None else f", p {baseline['p_value']:.4f}"
    return f"test {main} {result['metrics']['test'][main]:.4f} (baseline {baseline['test'][main]:.4f}{p_value})"


def _write_leaderboard(results_dir: Path, target: Path) -> None:
    from biobench.cli.results import readable_results
    from biobench.files import write_atomic
    from biobench.leaderboard import markdown, scan_profiles

    results = readable_results(results_dir, strict=False)
    profiles = readable_results(results_dir, False, scan_profiles)
    write_atomic(target, markdown(results, profiles=profiles))
    _summary(results)
    console.print(f"leaderboard written to {target}")


def _summary(results: list) -> None:
    """The folder's results at the terminal's width: one line per model, setting and task."""
    from statistics import mean, stdev

    from rich.table import Column, Table

    cells: dict[tuple, list[float]] = {}
    for result in results:
        label = result["model"]["name"] + (f" ({', '.join(result['setting']['label'])})"
                                           if result["setting"]["label"] else "")
        metric = result["task"]["metric"]
        cells.setdefault((label, result["task"]["name"], metric), []).append(100 * result["metrics"]["test"][metric])
    table = Table(Column("model (setting)", overflow="fold"), "task", "test", "seeds", expand=False)
    for (label, task, metric), scores in sorted(cells.items()):
        spread = f" ± {stdev(scores):.2f}" if len(scores) > 1 else ""
        table.add_row(label, task, f"{metric} {mean(scores):.2f}{spread}", str(len(scores)))
    console.print(table)


