"""The leaderboard as CSV: one row per leaderboard row, or (``long``) the tidy long form, one row per run, split
and metric. Plain column names; every row carries when, by what and on what the table was made."""

from __future__ import annotations

import pandas as pd

from biobench.leaderboard import _words as words
from biobench.leaderboard.frame import LONG_COLUMNS, long_form
from biobench.leaderboard.table import Leaderboard, Row


def render_csv(board: Leaderboard, long: bool = False) -> str:
    if long:
        frame = long_form(board.runs) if len(board.runs) else pd.DataFrame(columns=LONG_COLUMNS)
        frame = frame.assign(made=board.made, biobench=board.version)
        return frame.to_csv(index=False)
    rows = [record(board, row) for row in (*board.rows, *board.guides)]
    if not rows:
        return ""
    frame = pd.DataFrame(rows).astype({"parameters": "Int64", "trainable": "Int64"})
    return frame.to_csv(index=False, float_format="%.4f")


def record(board: Leaderboard, row: Row) -> dict:
    """One leaderboard row under plain column names: ``<task> <metric>``, ``... std``, ``<task> runs``,
    ``<family> family``, efficiency, provenance."""
    fields = {"model": row.model, "name": row.name, "kind": row.kind, "setting": row.setting,
              "setting_ids": " ".join(row.settings), "evaluated": row.evaluated, "partial": row.partial}
    for task in board.tasks:
        cell, metric = row.cells[task], board.metrics[task]
        fields |= {f"{task} {metric}": cell.mean, f"{task} {metric} std": cell.std, f"{task} runs": cell.runs,
                   f"{task} not above baseline": cell.below, f"{task} collapsed": cell.collapsed}
    fields |= {f"{family} family": mean for family, mean in row.families.items()}
    efficiency = row.efficiency
    fields |= {
        "mean": row.mean, "blurb_style": row.blurb, "parameters": row.parameters, "trainable": row.trainable,
        "size_mb": efficiency.size_mb if efficiency else None,
        "latency_ms_p50": efficiency.latency_ms if efficiency else None,
        "throughput_sequences_per_second": efficiency.throughput if efficiency else None,
        "profile_variant": efficiency.variant if efficiency else None,
        **({"retention": row.retention.mean if row.retention else None,
            "retention std": row.retention.std if row.retention else None} if board.distilled else {}),
        "precision": row.precision, "seeds": " ".join(str(seed) for seed in row.seeds),
        "made": board.made, "biobench": board.version, "hardware": words.machine(board.hardware),
    }
    return fields
