"""The HTML page in headless Chromium: its rows, its sort (numbers as numbers, missing values last in both
directions) run by the page's own script, tick labels on both plots, and a screenshot at 1400 px."""

import datetime
import os
import shutil
import struct
from html.parser import HTMLParser

import pytest

from biobench.leaderboard import build, render_board

from . import chromium, parse
from .make import profile, result

pytestmark = pytest.mark.skipif(
    chromium.binary() is None,
    reason="no Chromium on PATH: tests/install-chromium.sh installs Debian's chromium package",
)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    results = [result("big", "t1", seed, 0.70 + 0.001 * seed, parameters=110_000_000) for seed in range(1, 11)]
    results += [result("big", "t2", seed, 0.60, family="relation", parameters=110_000_000) for seed in range(1, 11)]
    results += [result("mid", task, seed, score, family=family, parameters=22_700_000) for seed in (1, 2)
                for task, family, score in (("t1", "ner", 0.72), ("t2", "relation", 0.55))]
    results += [result("small", task, seed, score, family=family, parameters=6_000_000) for seed in (1, 2, 3)
                for task, family, score in (("t1", "ner", 0.50), ("t2", "relation", 0.40))]
    results += [result("partial", "t1", 1, 0.9, parameters=4_400_000)]
    profiles = [profile("big", latency=40.0), profile("mid", latency=8.3), profile("small", latency=7.7),
                profile("partial", latency=3.0), profile("small", "int8", latency=3.2)]
    board = build(results, profiles, title="page test", made=datetime.date(2026, 3, 4))
    folder = tmp_path_factory.mktemp("page")
    (folder / "board.html").write_text(render_board(board, "html"), encoding="utf-8")
    return folder / "board.html", board


def _sorted_column(page_path, key, direction):
    dom = chromium.dump_dom(page_path, f"sort={key}&dir={direction}")
    assert f'data-sorted="{key} {direction}"' in dom  # the page's script ran and sorted
    return [row["cells"][key][0] for row in parse.html_rows(dom)], dom


@pytest.mark.parametrize("direction", ["desc", "asc"])
def test_sorting_puts_missing_values_last_both_ways(page, direction):
    page_path, board = page
    values, dom = _sorted_column(page_path, "mean", direction)
    assert len(values) == len(board.rows) == 5
    numbers = [float(value) for value in values if value]
    assert values[:len(numbers)] == [value for value in values if value]  # every number before every blank
    assert numbers == sorted(numbers, reverse=direction == "desc") and len(numbers) == 3
    seeds, _ = _sorted_column(page_path, "seeds", direction)
    counts = [int(value) for value in seeds if value]
    assert counts == sorted(counts, reverse=direction == "desc") and 10 in counts  # 10 after 3, not before 2
    assert seeds[-1] == ""  # the profile-only row has no seeds


def test_both_plots_have_labelled_axes_and_every_model(page):
    page_path, _ = page
    dom = chromium.dump_dom(page_path)
    texts = _texts_inside(dom, [f"plot-{plot}-{axis}" for plot in ("parameters", "latency") for axis in "xy"])
    for group, labels in texts.items():
        assert len([label for label in labels if label.strip()]) >= 3, (group, labels)
    assert {"5M", "10M", "20M", "50M", "100M"} & set(texts["plot-parameters-x"])
    for plot in ("parameters", "latency"):
        points = [f'id="plot-{plot}-point-{index}"' in dom for index in range(5)]
        assert points == [True, True, True, True, False]  # big, mid, partial, small; no profile-only point
        assert f'id="plot-{plot}-front"' in dom


def test_screenshot_at_1400_pixels(page, tmp_path):
    page_path, _ = page
    shot = chromium.screenshot(page_path, tmp_path / "leaderboard.png", 1400, 900)
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", header[16:24]) == (1400, 900)
    if os.environ.get("BIOBENCH_SCREENSHOTS"):  # keep it, e.g. as a CI artifact
        shutil.copy(shot, os.environ["BIOBENCH_SCREENSHOTS"])


def _texts_inside(dom: str, ids: list[str]) -> dict[str, list[str]]:
    """The text of every ``<text>`` element inside each of the elements with these ids."""

    class Texts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open, self.found, self.in_text = [], {key: [] for key in ids}, False

        def handle_starttag(self, tag, attributes):
            if tag == "g":
                self.open.append(dict(attributes).get("id"))
            self.in_text = tag == "text" or self.in_text

        def handle_endtag(self, tag):
            if tag == "g" and self.open:
                self.open.pop()
            if tag == "text":
                self.in_text = False

        def handle_data(self, data):
            if self.in_text:
                for key in set(self.open) & set(ids):
                    self.found[key].append(data)

    parser = Texts()
    parser.feed(dom)
    return parser.found
