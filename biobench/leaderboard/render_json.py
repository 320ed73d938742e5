"""The leaderboard as JSON: what it was made from and by, the tasks with their metrics and families, and one
object per row; or (``long``) the tidy long form, one object per run, split and metric, under ``runs``."""

from __future__ import annotations

import dataclasses
import json
import math

from biobench.leaderboard.frame import long_form
from biobench.leaderboard.table import Leaderboard, Row


def render_json(board: Leaderboard, long: bool = False) -> str:
    document = {
        "title": board.title, "made": board.made, "biobench": board.version, "hardware": board.hardware,
        "scores": "main test metric x100; mean and sample std over a row's runs",
    }
    if long:
        runs = long_form(board.runs).to_dict(orient="records") if len(board.runs) else []
        document["runs"] = [{key: _plain(value) for key, value in run.items()} for run in runs]
    else:
        document |= {
            "tasks": [{"name": task, "metric": board.metrics[task],
                       "family": next(family for family, tasks in board.families.items() if task in tasks)}
                      for task in board.tasks],
            "families": {family: list(tasks) for family, tasks in board.families.items()},
            "profile_hardware": board.profile_hardware,
            "rows": [_row(row) for row in board.rows],
            "guides": [_row(row) for row in board.guides],
        }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _row(row: Row) -> dict:
    return {
        "model": row.model, "name": row.name, "kind": row.kind, "setting": row.setting,
        "setting_ids": list(row.settings), "evaluated": row.evaluated, "partial": row.partial,
        "tasks": {task: {"mean": _round(cell.mean), "std": _round(cell.std), "runs": cell.runs,
                         "not_above_baseline": cell.below, "collapsed": cell.collapsed,
                         "approximate": cell.approximate}
                  for task, cell in row.cells.items()},
        "families": {family: _round(mean) for family, mean in row.families.items()},
        "mean": _round(row.mean), "blurb_style": _round(row.blurb),
        "parameters": row.parameters, "trainable": row.trainable,
        "efficiency": dataclasses.asdict(row.efficiency) if row.efficiency else None,
        "retention": {"mean": _round(row.retention.mean), "std": _round(row.retention.std),
                      "runs": row.retention.runs} if row.retention else None,
        "precision": row.precision, "seeds": list(row.seeds),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _plain(value):
    """numpy scalars as Python ones; NaN as null."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value
