"""Runs as a frame: one row per (setting, seed), labelled with the leaderboard row it belongs to; and the tidy
long form, one row per run, split and metric.

A run's row label is its model name with its setting's label, e.g. ``minilm-l6 (adapters, 2,000 train
examples)``. Settings are never pooled: where one (label, task, fold) cell would hold two settings (another task
version or data, say), each gets its own row, marked with its setting id. A (setting, seed) found twice counts
once (the latest ``created``). The folds of a cross-validated task are settings of their own that share a cell:
the cell is the mean over the folds run.
"""

from __future__ import annotations

import pandas as pd

from biobench.results import Result

LONG_COLUMNS = ["model", "setting", "setting_id", "task", "family", "metric", "split", "seed", "value", "main",
                "fold", "train_seconds", "test_examples_per_second", "processor", "threads", "accelerator"]


def results_frame(results: list[Result]) -> pd.DataFrame:
    """One row per run (setting and seed): row label, task, seed, main test score and what the run measured."""
    rows = [
        {
            "model": _row_label(result),
            "name": result["model"]["name"],
            "label": ", ".join(result["setting"]["label"]),
            "setting": result["setting"]["id"],
            "task": result["task"]["name"],
            "fold": result["task"].get("fold"),
            "family": result["task"].get("family", "?"),
            "metric": result["task"]["metric"],
            "seed": result["seed"],
            "score": result["metrics"]["test"][result["task"]["metric"]],
            "parameters": result["model"]["parameters"]["unique"],
            "trainable": result["model"]["parameters"]["trainable"],
            "precision": result["hyperparameters"].get("precision", "fp32"),
            "recursions": result["hyperparameters"].get("recursions"),
            "train_seconds": result.get("timings", {}).get("train_seconds"),
            "test_examples_per_second": result.get("throughput", {}).get("test_examples_per_second"),
            "processor": result.get("hardware", {}).get("processor"),
            "threads": result.get("hardware", {}).get("torch_threads"),
            "accelerator": (result["hardware"].get("accelerator") or "none") if "hardware" in result else None,
            "metrics": {split: result["metrics"].get(split, {}) for split in ("validation", "test")},
            "baseline": _baseline_score(result),
            "above": result["baseline"]["above"] if "baseline" in result else None,
            "collapsed": result.get("collapsed"),
            "retention": result.get("teacher", {}).get("retention"),
            "references": result["task"].get("reference_scores", []),
        }
        for result in sorted(results, key=lambda result: result.get("created", ""))
    ]
    if not rows:
        return pd.DataFrame(columns=["model", "setting", "task", "seed", "score"])
    frame = pd.DataFrame(rows).drop_duplicates(["setting", "seed"], keep="last").reset_index(drop=True)
    return _split_pooled_settings(frame)


def long_form(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per run, split (validation, test) and numeric metric, values as stored (0-1 for most metrics);
    nested metrics (per entity type, per class) flattened as ``per_type.Disease``."""
    rows = []
    for run in frame.itertuples(index=False):
        for split, metrics in run.metrics.items():
            for metric, value in _flat(metrics):
                rows.append({
                    "model": run.name, "setting": run.label or "defaults", "setting_id": run.setting,
                    "task": run.task, "family": run.family, "metric": metric, "split": split, "seed": run.seed,
                    "value": value, "main": metric == run.metric, "fold": run.fold,
                    "train_seconds": run.train_seconds, "test_examples_per_second": run.test_examples_per_second,
                    "processor": run.processor, "threads": run.threads, "accelerator": run.accelerator,
                })
    return pd.DataFrame(rows, columns=LONG_COLUMNS)


def _row_label(result: Result) -> str:
    """The model name with its setting's label, e.g. ``minilm-l6 (adapters, 2,000 train examples)``."""
    label = result["setting"]["label"]
    return result["model"]["name"] + (f" ({', '.join(label)})" if label else "")


def _baseline_score(result: Result) -> float | None:
    """The trivial baseline's main test metric (files written before baselines have none)."""
    baseline = result.get("baseline")
    return baseline["test"].get(result["task"]["metric"]) if baseline else None


def _split_pooled_settings(frame: pd.DataFrame) -> pd.DataFrame:
    """Where one (row label, task, fold) cell would hold several settings, give each its own row, marked by its id."""
    cell = [frame["model"], frame["task"], frame["fold"].fillna("")]
    pooled = frame.groupby(cell)["setting"].transform("nunique") > 1
    frame.loc[pooled, "model"] = frame.loc[pooled, "model"] + " [setting " + frame.loc[pooled, "setting"].str[:8] + "]"
    return frame


def _flat(metrics: dict, prefix: str = ""):
    for key, value in metrics.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield prefix + str(key), float(value)
