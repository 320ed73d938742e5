"""Markdown, CSV, JSON and HTML say the same: the same rows and numbers, each task's metric, the date, the
biobench version and the hardware; the long form has one row per run, split and metric."""

import datetime
import io
import json
import subprocess
import sys
from importlib.metadata import version

import pandas as pd
import pytest
from typer.testing import CliRunner

from biobench.cli import app
from biobench.leaderboard import build, render, render_board

from . import parse
from .make import METRICS_PER_RUN, profile, result, write_profile, write_results

FAMILIES = {"n1": "ner", "n2": "ner", "r1": "relation", "s1": "similarity"}
METRICS = {"n1": "f1", "n2": "f1", "r1": "f1", "s1": "pearson"}


def _results():
    made = []
    for model, offset, parameters in (("teacher", 0.2, 22_700_000), ("student", 0.0, 6_030_000)):
        for index, (task, family) in enumerate(FAMILIES.items()):
            for seed in (1, 2, 3):
                score = 0.4 + offset + 0.004 * seed ** (index + 1) + 0.05 * index
                made.append(result(model, task, seed, score, family=family, metric=METRICS[task],
                                   parameters=parameters))
    made += [result("teacher", "n1", seed, 0.5 + 0.01 * seed, label=("adapters",)) for seed in (1, 2)]
    made.append(result("small", "s1", 7, 0.123, family="similarity", metric="pearson", parameters=4_400_000))
    for run in made[:3]:  # the teacher's n1 runs: a baseline, a reference, one run not above it
        run["baseline"] = {"predictor": "every word O", "prediction": "O", "test": {"f1": 0.0}, "p_value": 0.01,
                           "p_value_method": "test", "above": run["seed"] != 2}
        run["task"]["reference_scores"] = [{"model": "BioBERT", "metric": "f1", "score": 0.8971, "source": "paper",
                                            "split_matches": False, "metric_matches": True}]
    return made


def _board():
    profiles = [profile("teacher"), profile("student", latency=7.71, size=23.0, throughput=182.5, unique=6_030_000),
                profile("student", "int8", latency=3.2, size=17.3, throughput=332.4, unique=6_030_000)]
    return build(_results(), profiles, made=datetime.date(2026, 3, 4))


def test_the_four_renderings_carry_the_same_numbers():
    board = _board()
    tasks, families, metrics = board.tasks, list(board.families), board.metrics
    from_md = parse.from_markdown(render_board(board, "md"), tasks, families)
    from_csv = parse.from_csv(render_board(board, "csv"), tasks, families, metrics)
    from_json = parse.from_json(render_board(board, "json"))
    from_html = parse.from_html(render_board(board, "html"), tasks, families)
    assert from_md == from_csv == from_json == from_html
    assert len(from_md) == len(board.rows) + 2 == 7
    assert from_md["trivial baseline"]["n1"] == ("0.00", None, 3) and from_md["reference: BioBERT"]["n1"][0] == "89.71"
    teacher = from_md["teacher"]
    assert teacher["n1"][2] == 3 and teacher["size"] == "86.7" and teacher["latency"] == "8.2"
    assert from_md["student (int8, profile only)"]["latency"] == "3.2"
    assert from_md["small"]["mean"] is None and from_md["small"]["s1"] == ("12.30", None, 1)


def test_every_rendering_states_metrics_date_version_and_hardware():
    board = _board()
    biobench = version("biobench")
    for fmt in ("md", "csv", "json", "html"):
        text = render_board(board, fmt)
        assert "2026-03-04" in text and biobench in text and "Test CPU" in text, fmt
    assert "s1: test pearson" in render_board(board, "md") and "s1: test pearson" in render_board(board, "html")
    assert "s1 pearson" in render_board(board, "csv").splitlines()[0]
    document = json.loads(render_board(board, "json"))
    assert {task["name"]: task["metric"] for task in document["tasks"]} == METRICS
    assert document["hardware"] == {"processor": "Test CPU", "threads": "2", "accelerator": "none"}
    assert "timings" not in render_board(board, "md").lower()  # no timing sentence under the table


def test_long_form_one_row_per_run_split_and_metric():
    results = _results()
    results.append(results[0] | {"created": "2027-01-01"})  # the same setting and seed again: counted once
    frame = pd.read_csv(io.StringIO(render(results, "csv", long=True)))
    assert len(frame) == (len(results) - 1) * METRICS_PER_RUN
    assert list(frame.columns[:9]) == ["model", "setting", "setting_id", "task", "family", "metric", "split", "seed",
                                       "value"]
    assert set(frame["split"]) == {"validation", "test"} and "per_type.Disease" in set(frame["metric"])
    main = frame[(frame["model"] == "small") & (frame["split"] == "test") & frame["main"]]
    assert main["value"].tolist() == [0.123] and main["metric"].tolist() == ["pearson"]
    assert set(frame.loc[frame["setting"] != "defaults", "setting"]) == {"adapters"}
    runs = json.loads(render(results, "json", long=True))["runs"]
    assert len(runs) == len(frame) and runs[0]["value"] == frame["value"][0]
    with pytest.raises(ValueError, match="long form"):
        render(results, "md", long=True)


def test_cli_writes_every_format_and_refuses_what_it_cannot(tmp_path):
    root = write_results(tmp_path / "results", _results())
    write_profile(root, profile("teacher"))
    for suffix in ("html", "csv", "json", "md"):
        target = tmp_path / f"board.{suffix}"
        outcome = CliRunner().invoke(app, ["leaderboard", str(root), "-o", str(target)])
        assert outcome.exit_code == 0, outcome.output
        assert "86.7" in target.read_text()
    long = CliRunner().invoke(app, ["leaderboard", str(root), "-f", "csv", "--long"])
    assert long.exit_code == 0 and long.output.startswith("model,setting,setting_id,task,family,metric,split")
    for arguments, message in ((["--format", "pdf"], "unknown leaderboard format"),
                               (["--long"], "--long writes csv or json, not md")):
        refused = CliRunner().invoke(app, ["leaderboard", str(root), *arguments])
        assert refused.exit_code == 2 and message in refused.output


def test_no_results():
    assert "No results found" in render([], "md") and "No results found" in render([], "html")
    assert render([], "csv") == "" and json.loads(render([], "json"))["rows"] == []


def test_the_leaderboard_reads_files_only_and_plots_only_for_html():
    """No torch, transformers, model or loop code for any format; matplotlib only for the HTML page."""
    code = ("import json, sys\nfrom biobench.leaderboard import render\nresults = json.load(sys.stdin)\n"
            "for fmt in ('md', 'csv', 'json'):\n    render(results, fmt)\n"
            "heavy = ('torch', 'transformers', 'biobench.loop', 'biobench.models.cards', 'matplotlib')\n"
            "print(' '.join(name for name in heavy if name in sys.modules))\n"
            "render(results, 'html')\nprint('matplotlib' in sys.modules)\n")
    ran = subprocess.run([sys.executable, "-c", code], input=json.dumps(_results()), capture_output=True, text=True,
                         check=True)
    assert ran.stdout.splitlines() == ["", "True"]


def test_the_page_needs_no_network():
    page = render_board(_board(), "html")
    assert "<script>" in page and "<style>" in page and "<svg" in page
    for outside in ("<link", " src=", "@import", "url(http", "<metadata"):
        assert outside not in page
