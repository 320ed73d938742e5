"""The leaderboard as a markdown table, its notes below it."""

from __future__ import annotations

from biobench.leaderboard import _words as words
from biobench.leaderboard.columns import columns
from biobench.leaderboard.table import Leaderboard


def render_md(board: Leaderboard) -> str:
    if not board.rows:
        return f"# {board.title}\n\nNo results found.\n"
    shown = columns(board)
    lines = [f"# {board.title}", "", _line(column.title for column in shown), _line("---" for _ in shown)]
    for row in (*board.rows, *board.guides):
        cells = []
        for column in shown:
            text = column.text(row)
            if column.key == "model":
                text = f"`{text}`" if row.kind == "model" else f"*{text}*"
            elif column.runs and column.value(row) is not None and row.kind != "reference":
                text += f" (n={column.runs(row)})"
            cells.append(text)
        lines.append(_line(cells))
    return "\n".join([*lines, "", *words.notes(board), words.provenance(board)]) + "\n"


def _line(cells) -> str:
    return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"
