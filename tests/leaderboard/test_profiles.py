"""Efficiency columns from profile files: a row takes its model's fp32 profile (or its depth's), the latest of
several; other profiled variants are rows of their own; no profile leaves the cells empty."""

import json

from typer.testing import CliRunner

from biobench.cli import app
from biobench.leaderboard import build, markdown

from .make import profile, result, write_profile, write_results


def _leaderboard_json(root, *arguments):
    outcome = CliRunner().invoke(app, ["leaderboard", str(root), "-f", "json", *arguments])
    assert outcome.exit_code == 0, outcome.output
    return outcome


def test_efficiency_columns_come_from_the_profile_files_in_the_folder(tmp_path):
    root = write_results(tmp_path / "results", [
        result("teacher", "t1", 1, 0.8), result("teacher", "t1", 1, 0.7, label=("adapters",)),
        result("student", "t1", 1, 0.6, parameters=6_030_000),
        result("student", "t1", 1, 0.5, label=("2 recursions",), recursions=2, parameters=6_030_000),
        result("unprofiled", "t1", 1, 0.4),
    ])
    write_profile(root, profile("teacher", latency=99.0, created="2026-01-01T00:00:00+00:00"))
    (root / "later").mkdir()
    write_profile(root / "later", profile("teacher", latency=8.25, created="2026-02-01T00:00:00+00:00"))
    write_profile(root, profile("student", latency=7.7, size=23.0, unique=6_030_000))
    write_profile(root, profile("student", "2 recursions", latency=2.6, size=23.0, unique=6_030_000))
    write_profile(root, profile("student", "int8", latency=3.2, size=17.3, unique=6_030_000))
    outcome = _leaderboard_json(root)
    rows = {row["model"]: row for row in json.loads(outcome.stdout)["rows"]}
    assert rows["teacher"]["efficiency"]["latency_ms"] == 8.25  # the latest fp32 profile
    assert rows["teacher (adapters)"]["efficiency"]["variant"] == "fp32"
    assert rows["student"]["efficiency"] == {"variant": "fp32", "size_mb": 23.0, "latency_ms": 7.7,
                                                 "throughput": 210.8, "sequence_length": 128, "batch_size": 32}
    assert rows["student (2 recursions)"]["efficiency"]["latency_ms"] == 2.6
    assert rows["unprofiled"]["efficiency"] is None
    only = rows["student (int8, profile only)"]
    assert not only["evaluated"] and only["mean"] is None and only["efficiency"]["size_mb"] == 17.3
    assert only["parameters"] == 6_030_000 and list(rows).index("student (int8, profile only)") == len(rows) - 1

    table = CliRunner().invoke(app, ["leaderboard", str(root)]).stdout
    line = next(line for line in table.splitlines() if line.startswith("| `student (2 recursions)`"))
    assert "| 6.0M | 6.0M | 23.0 | 2.6 | 210.8 |" in line
    assert "| – | – | – |" in next(line for line in table.splitlines() if line.startswith("| `unprofiled`"))


def test_without_profiles_the_cells_are_empty_and_the_notes_say_why():
    board = markdown([result("a", "t1", 1, 0.5)])
    assert "| – | – | – |" in board and "none found" in board
    assert build([result("a", "t1", 1, 0.5)]).profile_hardware is None


def test_an_unreadable_profile_is_named_and_skipped_or_refused(tmp_path):
    root = write_results(tmp_path / "results", [result("a", "t1", 1, 0.5)])
    write_profile(root, profile("a"))
    (root / "a" / "broken.profile.json").write_text("{", encoding="utf-8")
    (root / "a" / "other.profile.json").write_text(json.dumps({"kind": "profile", "schema_version": 9}))
    outcome = _leaderboard_json(root)
    assert "skipped" in outcome.stderr and "broken.profile.json" in outcome.stderr
    assert "schema_version 9" in outcome.stderr
    assert json.loads(outcome.stdout)["rows"][0]["efficiency"]["latency_ms"] == 8.25
    refused = CliRunner().invoke(app, ["leaderboard", str(root), "--strict"])
    assert refused.exit_code == 2 and "profile.json" in refused.output
