"""Leaderboards from result files only: models x tasks, mean ± std over seeds."""

from __future__ import annotations

import pandas as pd

from biobench.results import Result


def results_frame(results: list[Result]) -> pd.DataFrame:
    """One row per result: model, task, seed, main test score and efficiency figures."""
    rows = [
        {
            "model": result["model"]["name"],
            "kind": result["model"]["kind"],
            "task": result["task"]["name"],
            "metric": result["task"]["metric"],
            "seed": result["seed"],
            "score": result["metrics"]["test"][result["task"]["metric"]],
            "parameters": result["model"]["parameters"]["unique"],
            "trainable": result["model"]["parameters"]["trainable"],
            "precision": result["hyperparameters"].get("precision", "fp32"),
            "train_seconds": result["timings"]["train_seconds"],
            "test_examples_per_second": result["throughput"]["test_examples_per_second"],
        }
        for result in results
    ]
    return pd.DataFrame(rows)


def markdown(results: list[Result], title: str = "biobench leaderboard") -> str:
    """A markdown table: one row per model, one column per task (test main metric, x100)."""
    if not results:
        return f"# {title}\n\nNo results found.\n"
    frame = results_frame(results)
    tasks = sorted(frame["task"].unique())
    stats = frame.groupby(["model", "task"])["score"].agg(["mean", "std", "count"])
    header = ["model", "parameters", "trainable", "precision", *tasks, "mean", "seeds"]
    lines = [f"# {title}", "", _row(header), _row(["---"] * len(header))]
    for model, runs in frame.groupby("model", sort=True):
        cells = [
            f"`{model}`",
            _millions(runs["parameters"].max()),
            _millions(runs["trainable"].max()),
            ", ".join(sorted(runs["precision"].unique())),
        ]
        means = []
        for task in tasks:
            if (model, task) in stats.index:
                row = stats.loc[(model, task)]
                means.append(row["mean"])
                cells.append(_mean_std(row["mean"], row["std"], int(row["count"])))
            else:
                cells.append("–")
        cells.append(f"{100 * sum(means) / len(means):.2f}" if len(means) == len(tasks) else "–")
        cells.append(", ".join(str(seed) for seed in sorted(runs["seed"].unique())))
        lines.append(_row(cells))
    lines += ["", _metric_note(frame), _timing_note(frame)]
    return "\n".join(lines) + "\n"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _mean_std(mean: float, std: float, count: int) -> str:
    return f"{100 * mean:.2f}" if count < 2 else f"{100 * mean:.2f} ± {100 * std:.2f}"


def _millions(count: int) -> str:
    return f"{count / 1e6:.1f}M"


def _metric_note(frame: pd.DataFrame) -> str:
    metrics = frame.groupby("task")["metric"].first()
    described = ", ".join(f"{task}: test {metric}" for task, metric in metrics.items())
    return f"Scores ×100, mean ± sample std over seeds ({described}). Parameters: unique, as stored."


def _timing_note(frame: pd.DataFrame) -> str:
    timing = frame.groupby(["model", "task"])[["train_seconds", "test_examples_per_second"]].mean()
    parts = [
        f"{model} on {task}: {row.train_seconds:.0f} s training, {row.test_examples_per_second:.0f} test examples/s"
        for (model, task), row in timing.iterrows()
    ]
    return "Mean timings per run: " + "; ".join(parts) + "."
