"""Result files: one JSON per (model, task, seed), written atomically, with
per-example predictions (JSONL) beside it.

Schema (``schema_version`` 1), as typed dicts below:

    {"schema_version": 1, "config_hash": str, "seed": int,
     "model": ModelInfo, "task": TaskInfo, "hyperparameters": {...},
     "metrics": {"validation": {...}, "test": {...}, "main": str},
     "timings": {"train_seconds", "validation_seconds", "test_seconds", "total_seconds"},
     "throughput": {"train_examples_per_second", "test_examples_per_second"},
     "peak_memory_mb": float, "hardware": {...}, "packages": {...},
     "predictions_file": str, "created": ISO-8601 str}

A file with the same ``config_hash`` means that run is finished: re-runs skip it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable, TypedDict

from biobench.files import write_atomic

SCHEMA_VERSION = 1


class ModelInfo(TypedDict):
    name: str
    kind: str
    source: str
    revision: str | None
    parameters: dict[str, int]  # total, unique, trainable


class TaskInfo(TypedDict):
    name: str
    version: str
    family: str
    fold: str | None  # the cross-validation fold, for tasks that have folds
    data_sha256: str
    metric: str
    metric_version: str


class Result(TypedDict):
    schema_version: int
    config_hash: str
    seed: int
    model: ModelInfo
    task: TaskInfo
    hyperparameters: dict[str, Any]
    metrics: dict[str, Any]
    timings: dict[str, float]
    throughput: dict[str, float]
    peak_memory_mb: float
    hardware: dict[str, Any]
    packages: dict[str, str]
    predictions_file: str
    created: str


def config_hash(identity: dict[str, Any]) -> str:
    """A stable digest of everything that determines a run's outcome."""
    canonical = json.dumps({"schema_version": SCHEMA_VERSION, **identity}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def variant_marks(hyperparameters: dict[str, Any]) -> list[str]:
    """How a run differs from full fine-tuning of the whole model, e.g. ``["adapters", "2 recursions"]``."""
    marks = [hyperparameters["tuning"]] if hyperparameters.get("tuning", "full") != "full" else []
    if hyperparameters.get("recursions"):
        marks.append(f"{hyperparameters['recursions']} recursions")
    if hyperparameters.get("pooling"):
        marks.append(f"{hyperparameters['pooling']} pooling")
    return marks


class ResultStore:
    """The results folder: ``<root>/<model>[+variant]/<task>/seed-<n>.json`` (+ ``.predictions.jsonl``)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, model: str, task: str, seed: int, marks: list[str] = (), fold: str | None = None) -> Path:
        """``<model>[+marks]/<task>/seed-<n>.json``; cross-validated tasks add a ``fold-<k>/`` level."""
        folder = self.root / "+".join([_slug(model), *(mark.replace(" ", "-") for mark in marks)]) / task
        return (folder / f"fold-{fold}" if fold is not None else folder) / f"seed-{seed}.json"

    def finished(self, path: Path, expected_hash: str) -> bool:
        if not path.is_file():
            return False
        try:
            return json.loads(path.read_text(encoding="utf-8")).get("config_hash") == expected_hash
        except (OSError, json.JSONDecodeError):
            return False

    def write(self, path: Path, result: Result, predictions: Iterable[dict]) -> None:
        """Predictions first, then the result: a result file implies complete predictions."""
        predictions_path = path.with_suffix(".predictions.jsonl")
        write_atomic(predictions_path, "".join(json.dumps(row) + "\n" for row in predictions))
        result["predictions_file"] = predictions_path.name
        write_atomic(path, json.dumps(result, indent=2, sort_keys=False) + "\n")


def read_results(root: Path) -> list[Result]:
    """Every result file under ``root`` with a schema this version understands."""
    results = []
    for path in sorted(Path(root).rglob("seed-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema_version") == SCHEMA_VERSION:
            results.append(data)
    return results


def _slug(name: str) -> str:
    return name.replace("/", "__")
