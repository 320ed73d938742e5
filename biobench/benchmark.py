"""The run matrix: models x tasks x seeds, each run written as a result file.

Finished runs (same config hash) are skipped, so an interrupted suite resumes
where it stopped; ``shard=(i, n)`` keeps every n-th run for job arrays.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from biobench.errors import BiobenchError
from biobench.loop import TrainingConfig, fine_tune_and_evaluate
from biobench.model_cards import ModelCard
from biobench.plugin import Task
from biobench.progress import Progress, Silent
from biobench.results import Result, ResultStore, config_hash, variant_marks


PARAMETER_EFFICIENT_LR = 1e-3


@dataclass(frozen=True)
class Overrides:
    """Command-line hyperparameters; ``None`` keeps the task's default."""

    epochs: float | None = None
    lr: float | None = None
    batch_size: int | None = None
    max_length: int | None = None
    max_train_examples: int | None = None
    precision: str = "fp32"
    tuning: str = "full"
    recursions: int | None = None
    pooling: str = "auto"  # sentence-level families: auto (the model's own), cls or mean


@dataclass(frozen=True)
class PlannedRun:
    card: ModelCard
    task: Task
    seed: int
    config: TrainingConfig
    path: Path
    config_hash: str


def plan(cards, tasks, seeds, overrides: Overrides, store: ResultStore, shard=(0, 1)) -> list[PlannedRun]:
    """Every (model, task, seed) run with its resolved config, hash and result path."""
    runs = []
    if overrides.recursions and any(card.kind != "minialbert" for card in cards):
        raise BiobenchError("--recursions applies to MiniALBERT models only")
    sentence_level = any(_sentence_level(task) for task in tasks)
    if overrides.pooling == "mean" and not sentence_level:
        raise BiobenchError(f"--pooling {overrides.pooling}: none of the selected tasks is sentence-level")
    for card in cards:
        pooling = _pooling(overrides.pooling, card) if sentence_level else None  # read once per model
        for task in tasks:
            for seed in seeds:
                config = _training_config(task, seed, overrides, pooling if _sentence_level(task) else None)
                digest = config_hash(_identity(card, task, config))
                path = store.path(card.name, task.name, seed, variant_marks(config.as_dict()), task.fold)
                runs.append(PlannedRun(card, task, seed, config, path, digest))
    index, count = shard
    return runs[index::count]


def _training_config(task: Task, seed: int, overrides: Overrides, pooling: str | None) -> TrainingConfig:
    """The task's defaults with the command line's overrides on top."""
    defaults = task.spec.hyperparameters
    return TrainingConfig(
        seed=seed,
        epochs=overrides.epochs if overrides.epochs is not None else defaults.epochs,
        lr=overrides.lr if overrides.lr is not None else _default_lr(defaults.lr, overrides.tuning),
        batch_size=overrides.batch_size or defaults.batch_size,
        max_length=overrides.max_length or task.spec.max_length,
        scheduler=defaults.scheduler,
        warmup_ratio=defaults.warmup_ratio,
        weight_decay=defaults.weight_decay,
        max_train_examples=overrides.max_train_examples,
        precision=overrides.precision,
        tuning=overrides.tuning,
        recursions=overrides.recursions,
        pooling=pooling,
    )


def _pooling(requested: str, card: ModelCard) -> str | None:
    """``mean``, or ``None`` for the model's own ``[CLS]`` head (recorded as before the option existed)."""
    from biobench.mean_pooling import declared_pooling

    pooling = declared_pooling(card.location(), card.revision) if requested == "auto" else requested
    return "mean" if pooling == "mean" else None


def _sentence_level(task: Task) -> bool:
    """Whether the task reads one answer per input off a pooled vector (the pooling choice applies)."""
    from biobench.families.sequence import SequenceFamily

    return isinstance(task.family, SequenceFamily)


def _default_lr(task_lr: float, tuning: str) -> float:
    """Adapters and LoRA train a few fresh weights: they want a larger step than full fine-tuning."""
    return task_lr if tuning == "full" else PARAMETER_EFFICIENT_LR


def execute(run: PlannedRun, store: ResultStore, progress: Progress = Silent()) -> Result:
    """Fine-tune and evaluate one planned run and write its result file."""
    from biobench.hardware import describe, package_versions

    outcome = fine_tune_and_evaluate(run.task, run.card, run.config, progress)
    task = run.task
    result: Result = {
        "schema_version": 1,
        "config_hash": run.config_hash,
        "seed": run.seed,
        "model": {
            "name": run.card.name,
            "kind": run.card.kind,
            "source": run.card.source,
            "revision": run.card.revision,
            "parameters": vars(outcome.parameters),
        },
        "task": {
            "name": task.name,
            "version": task.spec.version,
            "family": task.spec.family,
            "fold": task.fold,
            "data_sha256": task.data_sha256,
            "metric": task.metric.main,
            "metric_version": task.family.metric_version,
        },
        "hyperparameters": run.config.as_dict(),
        "metrics": {"main": task.metric.main, "validation": outcome.validation, "test": outcome.test,
                    "best_epoch": outcome.best_epoch, "labels": outcome.labels},
        "timings": outcome.timings,
        "throughput": outcome.throughput,
        "peak_memory_mb": outcome.peak_memory_mb,
        "hardware": describe(),
        "packages": package_versions(),
        "predictions_file": "",
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    store.write(run.path, result, outcome.predictions)
    return result


def _identity(card: ModelCard, task: Task, config) -> dict:
    return {
        "model": {"name": card.name, "kind": card.kind, "source": card.source, "revision": card.revision},
        "task": {"name": task.name, "version": task.spec.version, "data_sha256": task.data_sha256}
        | ({"fold": task.fold} if task.fold is not None else {}),
        "config": config.as_dict(),
    }

