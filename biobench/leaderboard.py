"""Leaderboards from result files only: one row per (model, setting), tasks as columns, mean ± std over seeds.

A row is a model with a setting label (how the setting differs from each
task's defaults, in words, as the result files record it). Settings are
never pooled: where one row would hold two settings of one task (another
task version or data, say), each gets its own row, marked with its setting
id; a (setting, seed) found twice counts once.

``summary`` turns the results frame into one row per (model, setting); ``render`` writes that
as markdown, CSV, JSON or a static HTML page (sortable table + score-vs-size plot).
"""

from __future__ import annotations

import html

import pandas as pd

from biobench.results import Result

FORMATS = ("md", "csv", "json", "html")


def results_frame(results: list[Result]) -> pd.DataFrame:
    """One row per run (setting and seed): model, task, seed, main test score and efficiency figures."""
    rows = [
        {
            "model": _model_label(result),
            "setting": result["setting"]["id"],
            "task": result["task"]["name"],
            "family": result["task"].get("family", "?"),
            "metric": result["task"]["metric"],
            "seed": result["seed"],
            "score": result["metrics"]["test"][result["task"]["metric"]],
            "parameters": result["model"]["parameters"]["unique"],
            "trainable": result["model"]["parameters"]["trainable"],
            "precision": result["hyperparameters"].get("precision", "fp32"),
            "train_seconds": result["timings"]["train_seconds"],
            "test_examples_per_second": result["throughput"]["test_examples_per_second"],
        }
        for result in sorted(results, key=lambda result: result.get("created", ""))
    ]
    frame = pd.DataFrame(rows).drop_duplicates(["setting", "seed"], keep="last")
    return _split_pooled_settings(frame)


def _model_label(result: Result) -> str:
    """The model name with its setting's label, e.g. ``minilm-l6 (adapters, 2,000 train examples)``."""
    label = result["setting"]["label"]
    return result["model"]["name"] + (f" ({', '.join(label)})" if label else "")


def _split_pooled_settings(frame: pd.DataFrame) -> pd.DataFrame:
    """Where one (model label, task) cell would hold several settings, give each its own row, marked by its id."""
    if frame.empty:
        return frame
    settings = frame.groupby(["model", "task"])["setting"].transform("nunique")
    pooled = settings > 1
    frame.loc[pooled, "model"] = frame.loc[pooled, "model"] + " [setting " + frame.loc[pooled, "setting"].str[:8] + "]"
    return frame


def summary(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One row per model of ``results_frame``: per-task mean/std/runs (x100), means, efficiency; and the tasks."""
    tasks = sorted(frame["task"].unique())
    families = frame.groupby("task")["family"].first()
    rows = []
    for model, runs in frame.groupby("model", sort=True):
        row = {
            "model": model,
            "parameters": int(runs["parameters"].max()),
            "trainable": int(runs["trainable"].max()),
            "precision": ", ".join(sorted(runs["precision"].unique())),
        }
        for task in tasks:
            scores = 100 * runs.loc[runs["task"] == task, "score"]
            row[f"{task}"] = scores.mean() if len(scores) else None
            row[f"{task} std"] = scores.std() if len(scores) > 1 else None
            row[f"{task} runs"] = len(scores)
        means = [row[task] for task in tasks]
        row["mean"] = sum(means) / len(means) if None not in means else None
        row["blurb"] = _family_macro_average(row, tasks, families) if None not in means else None
        row["seeds"] = ", ".join(str(seed) for seed in sorted(runs["seed"].unique()))
        row["train seconds"] = runs["train_seconds"].mean()
        row["test examples/s"] = runs["test_examples_per_second"].mean()
        rows.append(row)
    return pd.DataFrame(rows), tasks


def render(results: list[Result], fmt: str = "md", title: str = "biobench leaderboard") -> str:
    if not results:
        empty = {"md": f"# {title}\n\nNo results found.\n", "csv": "", "json": "[]\n"}
        return empty.get(fmt, "<p>No results found.</p>\n")
    frame = results_frame(results)
    table, tasks = summary(frame)
    if fmt == "csv":
        return table.to_csv(index=False, float_format="%.4f")
    if fmt == "json":
        return table.to_json(orient="records", indent=2) + "\n"
    if fmt == "html":
        return _html(table, tasks, title)
    return markdown_table(table, tasks, frame, title)


def markdown(results: list[Result], title: str = "biobench leaderboard") -> str:
    return render(results, "md", title)


def markdown_table(table: pd.DataFrame, tasks: list[str], frame: pd.DataFrame, title: str) -> str:
    header = ["model", "parameters", "trainable", "precision", *tasks, "mean", "BLURB-style", "seeds"]
    lines = [f"# {title}", "", _row(header), _row(["---"] * len(header))]
    for _, row in table.iterrows():
        cells = [f"`{row['model']}`", _millions(row["parameters"]), _millions(row["trainable"]), row["precision"]]
        cells += [_mean_std(row[task], row[f"{task} std"]) for task in tasks]
        cells += [_number(row["mean"]), _number(row["blurb"]), row["seeds"]]
        lines.append(_row(cells))
    return "\n".join(lines + ["", _metric_note(frame), _family_note(frame), _timing_note(frame)]) + "\n"


def _family_macro_average(row: dict, tasks: list[str], families: pd.Series) -> float:
    """BLURB's suite score: the mean over families of each family's mean task score."""
    by_family: dict[str, list[float]] = {}
    for task in tasks:
        by_family.setdefault(families[task], []).append(row[task])
    return sum(sum(scores) / len(scores) for scores in by_family.values()) / len(by_family)


def _family_note(frame: pd.DataFrame) -> str:
    families = frame.groupby("family")["task"].unique()
    listed = "; ".join(f"{family}: {', '.join(sorted(tasks))}" for family, tasks in families.items())
    return (f"mean: plain mean over tasks; BLURB-style: mean over task families of each family's mean ({listed}). "
            "Cross-validated tasks: mean over the folds run.")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _number(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.2f}"


def _mean_std(mean, std) -> str:
    if mean is None or pd.isna(mean):
        return "–"
    return f"{mean:.2f}" if std is None or pd.isna(std) else f"{mean:.2f} ± {std:.2f}"


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


def _html(table: pd.DataFrame, tasks: list[str], title: str) -> str:
    columns = ["model", "parameters", "trainable", *tasks, "mean", "blurb", "train seconds", "test examples/s", "seeds"]
    head = "".join(f"<th onclick=\"sortBy({i})\">{html.escape(c)}</th>" for i, c in enumerate(columns))
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(row[c]))}</td>" for c in columns) + "</tr>"
        for _, row in table.iterrows()
    )
    points = [
        {"model": row["model"], "parameters": row["parameters"], "score": row["mean"]}
        for _, row in table.iterrows() if row["mean"] is not None and not pd.isna(row["mean"])
    ]
    return _PAGE.format(title=html.escape(title), head=head, body=body, plot=_pareto_svg(points))


def _cell(value) -> str:
    if isinstance(value, float):
        return "–" if pd.isna(value) else f"{value:.2f}"
    return str(value)


def _pareto_svg(points: list[dict]) -> str:
    """Mean score against unique parameters (log scale); the Pareto front is drawn as a line."""
    if not points:
        return ""
    import math

    width, height, pad = 640, 360, 50
    xs = [math.log10(p["parameters"]) for p in points]
    ys = [p["score"] for p in points]
    x0, x1 = min(xs) - 0.1, max(xs) + 0.1
    y0, y1 = min(ys) - 2, max(ys) + 2

    def place(x, y):
        return pad + (x - x0) / (x1 - x0) * (width - 2 * pad), height - pad - (y - y0) / (y1 - y0) * (height - 2 * pad)

    front, best = [], -math.inf
    for point in sorted(points, key=lambda p: p["parameters"]):
        if point["score"] > best:
            front.append(point)
            best = point["score"]
    line = " ".join("{:.1f},{:.1f}".format(*place(math.log10(p["parameters"]), p["score"])) for p in front)
    marks = "".join(
        '<circle cx="{0:.1f}" cy="{1:.1f}" r="5"/><text x="{2:.1f}" y="{1:.1f}">{3}</text>'.format(
            *place(math.log10(p["parameters"]), p["score"]), place(math.log10(p["parameters"]), p["score"])[0] + 8,
            html.escape(p["model"]))
        for p in points
    )
    return (
        f'<svg width="{width}" height="{height}" role="img" aria-label="mean score against parameters">'
        f'<polyline points="{line}" fill="none" stroke="#999"/>{marks}'
        f'<text x="{width / 2}" y="{height - 10}">unique parameters (log scale)</text>'
        f'<text x="5" y="20">mean score</text></svg>'
    )


_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px}}
th{{cursor:pointer;background:#f3f3f3}}circle{{fill:#3465a4}}text{{font-size:12px}}</style></head>
<body><h1>{title}</h1>
<table id="board"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
<h2>Score against size</h2>{plot}
<script>
function sortBy(column) {{
  const body = document.querySelector('#board tbody');
  const rows = Array.from(body.rows);
  const value = r => {{ const t = r.cells[column].innerText; const n = parseFloat(t); return isNaN(n) ? t : n; }};
  const ascending = body.dataset.column == column && body.dataset.order != 'asc';
  rows.sort((a, b) => (value(a) > value(b) ? 1 : -1) * (ascending ? 1 : -1));
  body.dataset.column = column; body.dataset.order = ascending ? 'asc' : 'desc';
  rows.forEach(r => body.appendChild(r));
}}
</script></body></html>
"""
