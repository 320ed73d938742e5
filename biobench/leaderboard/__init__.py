"""Leaderboards from result files and profile files only (never the loop, torch or the models).

    results, _ = scan_results(folder)        # biobench.results
    profiles, _ = scan_profiles(folder)      # *.profile.json, written by biobench profile
    board = build(results, profiles)         # the one model: rows, tasks, families, efficiency, provenance
    text = render(results, "html", profiles=profiles)   # md | csv | json | html; csv/json long=True: the long form

One model (``table.Leaderboard``), four renderings of the same content: markdown (``render_md``), CSV
(``render_csv``), JSON (``render_json``) and a self-contained HTML page with score-against-cost plots
(``html``, ``plots``). Rows and their rules (settings never pooled, a (setting, seed) counted once) are
``frame``'s; what a row's efficiency is, ``profiles``'.
"""

from __future__ import annotations

from biobench.leaderboard.frame import long_form, results_frame
from biobench.leaderboard.html import render_html
from biobench.leaderboard.profiles import scan_profiles
from biobench.leaderboard.render_csv import render_csv
from biobench.leaderboard.render_json import render_json
from biobench.leaderboard.render_md import render_md
from biobench.leaderboard.table import TITLE, Cell, Efficiency, Leaderboard, Row, build
from biobench.results import Result

FORMATS = ("md", "csv", "json", "html")
LONG_FORMATS = ("csv", "json")

__all__ = ["FORMATS", "LONG_FORMATS", "Cell", "Efficiency", "Leaderboard", "Row", "build", "long_form", "markdown",
           "render", "render_board", "results_frame", "scan_profiles"]


def render(results: list[Result], fmt: str = "md", title: str = TITLE, profiles: list[dict] = (),
           long: bool = False) -> str:
    """The leaderboard of ``results`` (efficiency from ``profiles``) as ``fmt``; ``long``: one row per run,
    split and metric (CSV and JSON)."""
    return render_board(build(results, profiles, title), fmt, long)


def render_board(board: Leaderboard, fmt: str = "md", long: bool = False) -> str:
    if long and fmt not in LONG_FORMATS:
        raise ValueError(f"the long form is written as {' or '.join(LONG_FORMATS)}, not {fmt}")
    if fmt in LONG_FORMATS:
        return (render_csv if fmt == "csv" else render_json)(board, long)
    return render_html(board) if fmt == "html" else render_md(board)


def markdown(results: list[Result], title: str = TITLE, profiles: list[dict] = ()) -> str:
    return render(results, "md", title, profiles)
