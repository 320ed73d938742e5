"""Score against cost, as inline SVG drawn by matplotlib: each model's mean score against its unique
parameters and against its latency, the Pareto front of the models no other beats on both drawn as a staircase.

Every scored row is a point at its mean over the tasks it has; a row lacking some tasks is a hollow marker and
stays off the front (its mean is over other tasks). Axes, tick labels and points carry ids (``plot-parameters``,
``plot-parameters-x``, ...) so a browser test can find them. matplotlib is imported here only: the other
renderings never need it. No pyplot, so no global backend: figures are laid out with Agg and saved as SVG.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

from biobench.leaderboard.table import Leaderboard, Row

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22"]


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    partial: bool
    colour: str


@dataclass(frozen=True)
class Plot:
    key: str  # parameters | latency
    title: str
    svg: str | None  # None: nothing to plot (``empty`` says why)
    empty: str  # why there is no plot, where ``svg`` is None
    missing: str  # rows left out, in words ("" where none)
    shared: str  # setting words every plotted row has, left out of the point labels


AXES = {  # key: title, x axis label, why a row has no point
    "parameters": ("Mean score against unique parameters", "unique parameters (log scale)", "no parameter count"),
    "latency": ("Mean score against latency", "latency, ms per sequence (batch 1, median; log scale)",
                "no profile file"),
}
NO_LATENCY = ("Nothing to plot: no row has a latency. Profile the models with `biobench profile MODEL -o RESULTS` "
              "(one `*.profile.json` per variant, read from the results folder).")


def plots(board: Leaderboard) -> list[Plot]:
    """Score against parameters and score against latency, for every row with scores."""
    scored = [row for row in board.rows if row.evaluated and row.mean_of_present is not None]
    colours = {row.model: COLOURS[index % len(COLOURS)] for index, row in enumerate(scored)}
    common = shared_words(scored)
    made = []
    for key, (title, x_label, no_point) in AXES.items():
        points = [Point(_short_label(row, common), _x(row, key), row.mean_of_present, row.partial, colours[row.model])
                  for row in scored if _x(row, key)]
        left = [row.model for row in scored if not _x(row, key)]
        empty = "Nothing to plot: no row has scores." if not scored else (
            NO_LATENCY if key == "latency" else f"Nothing to plot: {no_point} in any row.")
        made.append(Plot(
            key, title, _figure(key, points, x_label) if points else None, empty,
            f"Not plotted ({no_point}): {', '.join(left)}." if left else "", ", ".join(common),
        ))
    return made


def _x(row: Row, key: str) -> float | None:
    if key == "parameters":
        return row.parameters
    return row.efficiency.latency_ms if row.efficiency else None


def shared_words(rows: list[Row]) -> list[str]:
    """The setting words every row has (``2,000 train examples``): said once beside the plots, not per point."""
    if len(rows) < 2:
        return []
    word_lists = [_setting_words(row) for row in rows]
    return [word for word in word_lists[0] if all(word in others for others in word_lists[1:])]


def _setting_words(row: Row) -> list[str]:
    return [] if row.setting == "defaults" else row.setting.split(", ")


def _short_label(row: Row, common: list[str]) -> str:
    rest = [word for word in _setting_words(row) if word not in common]
    return row.name + (f" ({', '.join(rest)})" if rest else "")


def pareto_front(points: list[Point]) -> list[Point]:
    """The points no other point beats on both counts (no larger x with a higher or equal y, ...), by x."""
    front, best = [], None
    for point in sorted(points, key=lambda point: (point.x, -point.y)):
        if best is None or point.y > best:
            front.append(point)
            best = point.y
    return front


def _figure(key: str, points: list[Point], x_label: str) -> str:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    style = {"svg.fonttype": "none", "svg.hashsalt": f"biobench-{key}", "font.family": "sans-serif",
             "font.size": 10, "axes.spines.top": False, "axes.spines.right": False}
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(6.4, 4.2), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.set_gid(f"plot-{key}")
        axes.xaxis.set_gid(f"plot-{key}-x")
        axes.yaxis.set_gid(f"plot-{key}-y")
        complete = [point for point in points if not point.partial]
        front = pareto_front(complete)
        if len(front) > 1:
            axes.step([point.x for point in front], [point.y for point in front], where="post", color="#888",
                      linewidth=1.5, linestyle="--", zorder=1, gid=f"plot-{key}-front")
        for index, point in enumerate(points):
            axes.plot([point.x], [point.y], marker="o", markersize=9, linestyle="none", zorder=3,
                      markeredgewidth=2, color=point.colour,
                      markerfacecolor="white" if point.partial else point.colour, gid=f"plot-{key}-point-{index}")
        axes.set_xscale("log")
        axes.set_xlim(*_log_limits([point.x for point in points]))
        low, high = min(point.y for point in points), max(point.y for point in points)
        margin = max(3.0, 0.15 * (high - low))
        axes.set_ylim(low - margin, high + margin)
        axes.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        tick = _count_tick if key == "parameters" else _plain_tick
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: tick(value)))
        axes.xaxis.set_minor_formatter(NullFormatter())
        axes.grid(True, which="major", color="#e3e3e3", linewidth=0.8)
        axes.set_axisbelow(True)
        axes.set_xlabel(x_label)
        axes.set_ylabel("mean test score ×100 (tasks it has)")
        _label(figure, axes, points)
        legend = [Line2D([], [], marker="o", linestyle="none", color="#555", markersize=8, label="every task")]
        if any(point.partial for point in points):
            legend.append(Line2D([], [], marker="o", linestyle="none", color="#555", markerfacecolor="white",
                                 markeredgewidth=2, markersize=8, label="some tasks missing"))
        if len(front) > 1:
            legend.append(Line2D([], [], color="#888", linestyle="--", label="Pareto front (every task)"))
        axes.legend(handles=legend, loc="lower left", bbox_to_anchor=(0, 1.01), ncol=len(legend), fontsize=8,
                    frameon=False, borderaxespad=0, handletextpad=0.4, columnspacing=1.2)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _inline(buffer.getvalue(), key)


def _label(figure, axes, points: list[Point]) -> None:
    """Each point's name beside it, moved apart vertically where two would overlap."""
    labels = []
    for point in points:
        labels.append(axes.annotate(point.label, (point.x, point.y), xytext=(8, 0), textcoords="offset points",
                                    va="center", ha="left", fontsize=9, color="#222", zorder=4,
                                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                                          "alpha": 0.85}))
    renderer = figure.canvas.get_renderer()
    for _ in range(4):  # widen the axes to the right until every name fits beside its point
        figure.draw_without_rendering()
        box = axes.get_window_extent(renderer)
        overflow = max(label.get_window_extent(renderer).x1 for label in labels) - box.x1
        if overflow <= 1:
            break
        low, high = axes.get_xlim()
        decades = math.log10(high / low)
        axes.set_xlim(low, high * 10 ** (decades * (overflow + 4) / max(box.width - overflow, box.width / 3)))
    scale = 72 / figure.dpi
    for _ in range(60):
        moved = False
        boxes = [label.get_window_extent(renderer) for label in labels]
        for first in range(len(labels)):
            for second in range(first + 1, len(labels)):
                a, b = boxes[first], boxes[second]
                if a.x1 < b.x0 or b.x1 < a.x0 or a.y1 < b.y0 or b.y1 < a.y0:
                    continue
                overlap = (min(a.y1, b.y1) - max(a.y0, b.y0) + 2) * scale / 2
                upper, lower = (first, second) if (a.y0 + a.y1) >= (b.y0 + b.y1) else (second, first)
                for index, step in ((upper, overlap), (lower, -overlap)):
                    x, y = labels[index].get_position()
                    labels[index].set_position((x, y + step))
                moved = True
                boxes = [label.get_window_extent(renderer) for label in labels]
        if not moved:
            break


def _log_limits(values: list[float]) -> tuple[float, float]:
    """Room around the values, at least a factor of 5 wide, so a log axis shows several labelled ticks."""
    low, high = min(values) / 1.5, max(values) * 1.5
    if high / low < 5:
        centre = (low * high) ** 0.5
        low, high = centre / 5 ** 0.5, centre * 5 ** 0.5
    return low, high


def _count_tick(value: float) -> str:
    """``5M``, ``20M``, ``500K``: tick values are round."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size:
            return f"{value / size:g}{unit}"
    return f"{value:g}"


def _plain_tick(value: float) -> str:
    return f"{value:g}"


def _inline(svg: str, key: str) -> str:
    """The SVG element alone (no XML prolog, doctype, comments or metadata), scaled by the page's CSS."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->|<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    return svg.replace("<svg", f'<svg id="svg-{key}" class="plot" role="img"', 1).strip()
