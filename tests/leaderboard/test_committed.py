"""The committed leaderboards (leaderboards/*/leaderboard.{md,csv,json,html}) agree with each other and with
what their result files give today."""

from pathlib import Path

import pytest

from biobench.leaderboard import build, render_board, scan_profiles
from biobench.results import read_results

from . import parse

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ["quick", "minialbert", "blurb-lite", "blurb-lite/smoke", "minialbert/init-ablation", "minialbert/retention"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_committed_renderings_say_what_the_results_say(folder):
    folder = ROOT / "leaderboards" / folder
    board = build(read_results(folder / "results"), scan_profiles(folder / "results")[0])
    tasks, families = board.tasks, list(board.families)
    today = parse.from_markdown(render_board(board, "md"), tasks, families)
    committed = {
        "md": parse.from_markdown((folder / "leaderboard.md").read_text(encoding="utf-8"), tasks, families),
        "csv": parse.from_csv((folder / "leaderboard.csv").read_text(encoding="utf-8"), tasks, families,
                              board.metrics),
        "json": parse.from_json((folder / "leaderboard.json").read_text(encoding="utf-8")),
        "html": parse.from_html((folder / "leaderboard.html").read_text(encoding="utf-8"), tasks, families),
    }
    for fmt, table in committed.items():
        assert table == today, f"{folder}/leaderboard.{fmt} is not what its results give: regenerate it"
    assert (folder / "leaderboard.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_blurb_lite_suite_names_every_built_in_task():
    from biobench.catalog import task_folders
    from biobench.suites import get_suite

    assert set(get_suite("blurb-lite").tasks) == set(task_folders())
