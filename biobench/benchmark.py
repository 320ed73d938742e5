"""The run matrix: models x tasks x seeds, each run written as a result file.

Finished runs (same config hash, anywhere in the results folder) are skipped,
so an interrupted suite resumes where it stopped; ``shard=(i, n)`` keeps every
n-th run for job arrays. Runs of different settings never share a file.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, replace
from pathlib import Path

from biobench.distributed import is_main_process
from biobench.errors import BiobenchError
from biobench.models.cards import ModelCard
from biobench.models.variant import Variant, default_head
from biobench.plugin import Task
from biobench.progress import Progress, Silent
from biobench.results import Result, ResultStore, new_result
from biobench.setting import SOFT_LABEL_DEFAULTS, TrainingConfig, config_hash, run_identity, setting_id, setting_label
from biobench.tracking import Tracking


@dataclass(frozen=True)
class Overrides:
    """Command-line hyperparameters (``None`` keeps the task's default) and the variant to train."""

    epochs: float | None = None
    lr: float | None = None
    batch_size: int | None = None
    max_length: int | None = None
    max_train_examples: int | None = None
    max_eval_examples: int | None = None  # None: the task's validation_subset; 0: the whole validation split
    variant: Variant = Variant()
    lr_grid: tuple[float, ...] | None = None  # choose the rate on validation among these (not with ``lr``)
    epochs_grid: tuple[float, ...] | None = None  # choose the epochs on validation among these (not with ``epochs``)
    teacher: ModelCard | None = None  # task distillation: every other model learns this one's soft labels
    temperature: float = SOFT_LABEL_DEFAULTS["temperature"]  # of the soft labels
    soft_weight: float = SOFT_LABEL_DEFAULTS["weight"]  # of the soft term; the hard labels' is 1 - soft_weight

    def __post_init__(self):
        for name in ("epochs", "lr"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise BiobenchError(f"--{name.replace('_', '-')} {value}: must be greater than 0")
        for name in ("batch_size", "max_length", "max_train_examples"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise BiobenchError(f"--{name.replace('_', '-')} {value}: must be a whole number of at least 1")
        value = self.max_eval_examples
        if value is not None and (not isinstance(value, int) or value < 0):
            raise BiobenchError(f"--max-eval-examples {value}: must be a whole number (0: the whole validation split)")
        for name, what in (("lr", "rates"), ("epochs", "epoch counts")):
            grid = getattr(self, f"{name}_grid")
            if grid is None:
                continue
            if getattr(self, name) is not None:
                raise BiobenchError(f"give either --{name} or --{name}-grid, not both")
            if len(grid) < 2 or len(set(grid)) != len(grid) or not all(value > 0 for value in grid):
                raise BiobenchError(f"--{name}-grid {','.join(f'{v:g}' for v in grid)}: give two or more "
                                    f"different {what}, each greater than 0")
        if not self.temperature > 0:
            raise BiobenchError(f"--temperature {self.temperature}: must be greater than 0")
        if not 0 <= self.soft_weight <= 1:
            raise BiobenchError(f"--soft-weight {self.soft_weight}: must be between 0 and 1")

    def for_teacher(self) -> "Overrides":
        """A teacher's run: its own defaults, on the students' data (training subset, max length, validation
        subset) and precision; the students' rates, epochs, batch and variant are theirs alone."""
        return Overrides(max_length=self.max_length, max_train_examples=self.max_train_examples,
                         max_eval_examples=self.max_eval_examples, variant=Variant(precision=self.variant.precision))


@dataclass(frozen=True)
class PlannedRun:
    card: ModelCard
    task: Task
    seed: int
    config: TrainingConfig
    defaults: dict
    path: Path
    config_hash: str
    teacher: "PlannedRun | None" = None  # the teacher's run of the same task and seed, whose soft labels it learns
    keep_outputs: bool = False  # a teacher: keep its outputs on the training features as soft labels


def plan(cards, tasks, seeds, overrides: Overrides, store: ResultStore, shard=(0, 1)) -> list[PlannedRun]:
    """Every (model, task, seed) run with its resolved config, hash and result path."""
    from biobench.models.source import check_source, max_positions

    variant = overrides.variant
    teacher = overrides.teacher
    if teacher is not None:
        cards = [teacher, *(card for card in cards if card.name != teacher.name)]  # the teacher's runs go first
        _check_family_distils(tasks)
    options = {card.name: overrides.for_teacher() if teacher and card.name == teacher.name else overrides
               for card in cards}
    positions = {}
    for card in cards:
        options[card.name].variant.check_model(card)
        positions[card.name] = max_positions(check_source(card))
    if variant.head not in ("auto", None) and not any(variant.head in getattr(t.family, "heads", ()) for t in tasks):
        raise BiobenchError(f"--pooling {variant.head}: none of the selected tasks is sentence-level")
    for seed in seeds:
        if not isinstance(seed, int) or not 0 <= seed < 2**32:
            raise BiobenchError(f"--seed {seed}: seeds are whole numbers from 0 to 2^32 - 1")
    runs, teachers = [], {}
    for card in cards:
        for task in tasks:
            resolved = options[card.name].variant.resolved(card, task.family)
            defaults = task_defaults(task, resolved, _auto_head(card, task.family), card)
            length = overrides.max_length or defaults["max_length"]
            if positions[card.name] and length > positions[card.name]:
                raise BiobenchError(f"--max-length {length}: model {card.name!r} reads at most "
                                    f"{positions[card.name]} positions")
            for seed in seeds:
                config = _training_config(task, seed, options[card.name], resolved, card)
                teacher_run = None
                if teacher is not None and card.name != teacher.name:
                    teacher_run = teachers[(task.name, task.fold, seed)]
                    config = replace(config, teacher={
                        "model": teacher.name, "setting": setting_id(_identity(teacher, task, teacher_run.config)),
                        "temperature": overrides.temperature, "weight": overrides.soft_weight})
                identity = _identity(card, task, config)
                label = setting_label(config.as_dict(), defaults)
                path = store.path(card.name, task.name, seed, setting_id(identity), label, task.fold)
                is_teacher = teacher is not None and card.name == teacher.name
                planned = PlannedRun(card, task, seed, config, defaults, path, config_hash(identity), teacher_run,
                                     keep_outputs=is_teacher)
                runs.append(planned)
                if is_teacher:
                    teachers[(task.name, task.fold, seed)] = planned
    index, count = shard
    return runs[index::count]


def _check_family_distils(tasks) -> None:
    for task in tasks:
        if getattr(task.family, "soft_labels", None) is None:
            raise BiobenchError(f"--teacher: task {task.name!r} ({task.spec.family}) offers no soft labels to "
                                "distil; run it without --teacher")


def estimated_bytes(runs: list[PlannedRun]) -> int:
    """Room the runs need: their result and prediction files, and two checkpoints of the largest model."""
    from biobench.models.source import weights_bytes

    files = sum(64 * 1024 + 2048 * len(run.task.records("test")) for run in runs)
    checkpoints = max((2 * weights_bytes(run.card) for run in runs), default=0)
    return files + checkpoints


def task_defaults(task: Task, variant: Variant, head: str | None = None, card: ModelCard | None = None) -> dict:
    """What a label compares to: the task's hyperparameters for ``variant`` (its learning rate for the tuning
    mode) with the model card's recommended ones on top (``fine_tuning``), its validation subset, and ``head``,
    the sentence-level head ``auto`` picks for the model."""
    hyperparameters = task.spec.hyperparameters
    defaults = {
        "epochs": hyperparameters.epochs,
        "lr": variant.default_lr(hyperparameters.lr),
        "batch_size": hyperparameters.batch_size,
        "max_length": task.spec.max_length,
        "scheduler": hyperparameters.scheduler,
        "warmup_ratio": hyperparameters.warmup_ratio,
        "weight_decay": hyperparameters.weight_decay,
    }
    if card is not None and card.fine_tuning is not None:
        defaults |= card.fine_tuning.applied(variant.tuning)
    if task.spec.validation_subset:
        defaults["max_eval_examples"] = task.spec.validation_subset
    if head is not None:
        defaults["pooling"] = head
    return defaults


def _auto_head(card: ModelCard, family) -> str | None:
    """The head ``auto`` picks; the family's own where the model's files cannot be read (offline, a head chosen)."""
    try:
        return default_head(card, family)
    except BiobenchError:
        return family.heads[0]


def _training_config(task: Task, seed: int, overrides: Overrides, variant: Variant, card: ModelCard) -> TrainingConfig:
    """The task's defaults (with the card's recommendations) and the command line's overrides on top."""
    chosen = {name: getattr(overrides, name) for name in ("epochs", "lr", "batch_size", "max_length")}
    values = task_defaults(task, variant, card=card)
    values |= {name: value for name, value in chosen.items() if value is not None}
    values |= {"epochs": float(values["epochs"]), "lr": float(values["lr"])}  # 3 and 3.0 are one setting
    subset = values.pop("max_eval_examples", None)
    return TrainingConfig(
        seed=seed,
        **values,
        lr_grid=tuple(float(lr) for lr in overrides.lr_grid) if overrides.lr_grid else None,
        epochs_grid=tuple(float(epochs) for epochs in overrides.epochs_grid) if overrides.epochs_grid else None,
        max_train_examples=overrides.max_train_examples,
        max_eval_examples=(subset if overrides.max_eval_examples is None else overrides.max_eval_examples) or None,
        variant=variant,
    )


def execute(
    run: PlannedRun, store: ResultStore, progress: Progress = Silent(), tracking: Tracking = Tracking()
) -> Result:
    """Fine-tune and evaluate one planned run and write its result file."""
    from biobench.distillation.soft_labels import SoftLabels
    from biobench.hardware import describe, package_versions
    from biobench.loop import fine_tune_and_evaluate

    soft_labels = _soft_labels(run, store, progress, tracking) if run.teacher else None
    with store.work_folder(run.config_hash) as work_dir:
        named = tracking.named(f"{run.card.name}-{run.task.name}-{run.path.parent.name}-seed{run.seed}")
        outcome = fine_tune_and_evaluate(run.task, run.card, run.config, progress, work_dir, named, soft_labels,
                                         run.keep_outputs)
    if outcome.train_outputs is not None and is_main_process():
        SoftLabels(outcome.train_outputs, run.task.family.soft_labels).save(soft_labels_path(store, run.config_hash))
    task = run.task
    result = new_result(
        model=_model_info(run.card) | {"parameters": vars(outcome.parameters)},
        task={
            "name": task.name,
            "version": task.spec.version,
            "family": task.spec.family,
            "fold": task.fold,
            "data_sha256": task.data_sha256,
            "metric": task.metric.main,
            "metric_version": task.family.metric_version,
            "reference_scores": [reference.model_dump() for reference in task.spec.reference_scores],
        },
        seed=run.seed,
        hyperparameters=run.config.as_dict(),
        variant=run.config.variant.record(),
        defaults=run.defaults,
        metrics={"main": task.metric.main, "validation": outcome.validation, "test": outcome.test,
                 "best_epoch": outcome.best_epoch, "labels": outcome.labels},
        baseline=outcome.baseline,
        collapsed=outcome.collapsed,
        **({"teacher": _teacher_info(run, store, outcome.test)} if run.teacher else {}),
        **({"hyperparameter_search": outcome.search} if outcome.search else {}),
        timings=outcome.timings,
        throughput=outcome.throughput,
        peak_memory_mb=outcome.peak_memory_mb,
        hardware=describe(),
        packages=package_versions(),
        created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )
    if result["config_hash"] != run.config_hash:
        raise AssertionError("the result's identity differs from the planned run's")
    if is_main_process():  # every process of a multi-process run holds the same gathered predictions
        store.write(run.path, result, outcome.predictions)
    return result


def soft_labels_path(store: ResultStore, teacher_hash: str) -> Path:
    """Where a teacher run's outputs on its training features are kept, for the students that learn them."""
    return store.root / ".soft-labels" / f"{teacher_hash}.pt"


def _soft_labels(run: PlannedRun, store: ResultStore, progress: Progress, tracking: Tracking):
    """The soft labels of ``run``'s teacher: kept by its run, or made by running it again now."""
    from biobench.distillation.soft_labels import SoftLabels

    path = soft_labels_path(store, run.teacher.config_hash)
    if not path.is_file():
        progress.note(f"{run.teacher.card.name} on {run.task.name}, seed {run.seed}: the teacher's soft labels are "
                      "not kept in this results folder; running the teacher first")
        execute(replace(run.teacher, keep_outputs=True), store, progress, tracking)
    return SoftLabels.load(path, run.config.teacher["temperature"], run.config.teacher["weight"])


def _teacher_info(run: PlannedRun, store: ResultStore, test: dict) -> dict:
    """The teacher's result file and test score, and the student's retention of it."""
    teacher = json.loads(run.teacher.path.read_text(encoding="utf-8"))
    main = run.task.metric.main
    score = teacher["metrics"]["test"][main]
    return {"model": run.teacher.card.name, "result": str(run.teacher.path.relative_to(store.root)),
            "test": score, "retention": round(test[main] / score, 4) if score else None}


def _model_info(card: ModelCard) -> dict:
    return {"name": card.name, "kind": card.kind, "source": card.source, "revision": card.revision}


def _identity(card: ModelCard, task: Task, config: TrainingConfig) -> dict:
    task_info = {"name": task.name, "version": task.spec.version, "data_sha256": task.data_sha256, "fold": task.fold}
    return run_identity(_model_info(card), task_info, config.as_dict())
