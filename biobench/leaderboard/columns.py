"""The leaderboard's columns in the order every table shows them: what each is called, how it reads and what it
sorts by. Markdown and HTML show these; CSV and JSON write the same values under plain names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from biobench.leaderboard import _words as words
from biobench.leaderboard.table import Leaderboard, Row

Value = float | int | str | None


@dataclass(frozen=True)
class Column:
    key: str  # a stable name: the HTML page sorts by it (``#sort=mean&dir=desc``)
    title: str
    value: Callable[[Row], Value]  # what it sorts by (None: missing, sorted last)
    text: Callable[[Row], str]
    group: str  # model, task, family, mean, efficiency, run
    runs: Callable[[Row], int] | None = None  # task columns: the runs behind the cell


def columns(board: Leaderboard) -> list[Column]:
    return [
        Column("model", "model", lambda row: row.model, lambda row: row.model, "model"),
        *(_task(task) for task in board.tasks),
        *(_family(family) for family in board.families),
        Column("mean", "mean", lambda row: row.mean, lambda row: words.number(row.mean), "mean"),
        Column("blurb", "BLURB-style", lambda row: row.blurb, lambda row: words.number(row.blurb), "mean"),
        Column("parameters", "parameters", lambda row: row.parameters, lambda row: words.count(row.parameters),
               "efficiency"),
        Column("trainable", "trainable", lambda row: row.trainable, lambda row: words.count(row.trainable),
               "efficiency"),
        _efficiency("size", "size MB", "size_mb", 1),
        _efficiency("latency", "latency ms", "latency_ms", 1),
        _efficiency("throughput", "sequences/s", "throughput", 1),
        *([_retention()] if board.distilled else []),
        Column("precision", "precision", lambda row: row.precision, lambda row: row.precision, "run"),
        Column("seeds", "seeds", lambda row: len(row.seeds) or None, lambda row: words.seeds(row.seeds), "run"),
    ]


def _task(task: str) -> Column:
    return Column(f"task-{task}", task, lambda row: row.cells[task].mean, lambda row: words.mean_std(row.cells[task]),
                  "task", runs=lambda row: row.cells[task].runs)


def _retention() -> Column:
    return Column("retention", "retention %", lambda row: row.retention.mean if row.retention else None,
                  lambda row: words.mean_std(row.retention) if row.retention else words.MISSING, "run",
                  runs=lambda row: row.retention.runs if row.retention else 0)


def _family(family: str) -> Column:
    return Column(f"family-{family}", f"{family} (family)", lambda row: row.families[family],
                  lambda row: words.number(row.families[family]), "family")


def _efficiency(key: str, title: str, attribute: str, digits: int) -> Column:
    def value(row: Row) -> float | None:
        return getattr(row.efficiency, attribute) if row.efficiency else None

    return Column(key, title, value, lambda row: words.number(value(row), digits), "efficiency")
