"""Result and profile files as the leaderboard reads them, built in memory or written to a results folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from biobench.results import ResultStore

HARDWARE = {"platform": "Linux", "processor": "Test CPU", "cpu_count": 2, "torch_threads": 2, "accelerator": None}


def result(model: str, task: str, seed: int, score: float, family: str = "ner", metric: str = "f1",
           label: tuple[str, ...] = (), setting: str | None = None, fold: str | None = None,
           recursions: int | None = None, created: str = "2026-01-01T00:00:00+00:00", threads: int = 2,
           parameters: int = 22_700_000) -> dict:
    """A schema-2 result of ``model`` on ``task``: main test ``metric`` = ``score``, four test and two
    validation numbers besides (one nested, as per-type scores are)."""
    setting = setting or hashlib.sha256(f"{model}/{task}/{label}/{fold}".encode()).hexdigest()[:16]
    return {
        "schema_version": 2,
        "config_hash": f"{setting}/{seed}",
        "seed": seed,
        "model": {"name": model, "kind": "hf", "source": model, "revision": None,
                  "parameters": {"total": parameters, "unique": parameters, "trainable": parameters}},
        "task": {"name": task, "version": "1.0", "family": family, "fold": fold, "data_sha256": "0" * 64,
                 "metric": metric, "metric_version": "1"},
        "hyperparameters": {"precision": "fp32", "tuning": "full", "recursions": recursions},
        "setting": {"id": setting, "label": list(label), "defaults": None},
        "metrics": {"main": metric,
                    "test": {metric: score, "precision": score - 0.01, "recall": score + 0.01,
                             "per_type": {"Disease": score}},
                    "validation": {metric: score - 0.02, "per_type": {"Disease": score - 0.02}}},
        "timings": {"train_seconds": 100.0},
        "throughput": {"test_examples_per_second": 50.0},
        "hardware": HARDWARE | {"torch_threads": threads},
        "created": created,
    }


METRICS_PER_RUN = 4 + 2  # test: main, precision, recall, per_type.Disease; validation: main, per_type.Disease


def profile(model: str, variant: str = "fp32", latency: float = 8.25, size: float | None = 86.7,
            throughput: float = 210.8, unique: int = 22_713_216, created: str = "2026-01-02T00:00:00+00:00") -> dict:
    """A schema-1 profile file's content, as ``biobench profile`` writes it."""
    return {
        "schema_version": 1, "kind": "profile",
        "model": {"name": model, "kind": "hf", "source": model, "revision": None},
        "variant": variant,
        "parameters": {"total": unique, "unique": unique, "trainable": unique},
        "size_on_disk_mb": size, "latency_ms_p50": latency, "latency_ms_p95": latency * 1.2,
        "throughput_sequences_per_second": throughput, "peak_memory_mb": 300.0,
        "sequence_length": 128, "batch_size": 32, "hardware": HARDWARE, "task": None, "created": created,
    }


def write_results(root: Path, results: list[dict]) -> Path:
    store = ResultStore(root)
    for made in results:
        path = store.path(made["model"]["name"], made["task"]["name"], made["seed"], made["setting"]["id"],
                          made["setting"]["label"], made["task"]["fold"])
        store.write(path, made, [])
    return root


def write_profile(root: Path, content: dict) -> Path:
    words = content["variant"].replace(", ", "_").replace(" ", "-")
    path = root / content["model"]["name"] / f"{words}.profile.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return path
