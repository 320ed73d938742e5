"""Real processes on one results folder: two runs share the work, a killed run is redone and leaves nothing behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def _command(tiny_bert, ncbi_slice, output, *extra):
    return [sys.executable, "-m", "biobench", "run", "--model", str(tiny_bert), "--task", "ncbi-slice",
            "--tasks-dir", str(ncbi_slice.parent), "--output", str(output), "--precision", "fp32", *extra]


def _environment():
    return {**os.environ, "OMP_NUM_THREADS": "1", "COLUMNS": "200"}


def test_two_processes_on_one_folder_train_each_run_once(tiny_bert, ncbi_slice, tmp_path):
    output = tmp_path / "results"
    command = _command(tiny_bert, ncbi_slice, output, "--seeds", "6", "--epochs", "3")
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=_environment()) for _ in range(2)]
    outputs = [process.communicate(timeout=600) for process in processes]
    assert all(process.returncode == 0 for process in processes), [err[-2000:] for _, err in outputs]
    trained = sum(stdout.count(": test f1 ") for stdout, _ in outputs)
    assert trained == 6  # each (setting, seed) trained by exactly one of the two
    assert len(list(output.rglob("seed-*.json"))) == 6
    assert not (output / ".locks").exists() and not (output / ".work").exists()


def test_a_killed_run_is_redone_and_leaves_no_stray_files(tiny_bert, ncbi_slice, tmp_path):
    output = tmp_path / "results"
    command = _command(tiny_bert, ncbi_slice, output, "--seeds", "2", "--epochs", "40")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment())
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # seed 1 finished and seed 2 checkpointing
        if len(list(output.rglob("seed-1.json"))) == 1 and any((output / ".work").glob("*/checkpoint-*")):
            break
        assert process.poll() is None, process.communicate()[1][-2000:]
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert any((output / ".work").iterdir())  # what the kill left
    finished = {path: path.stat().st_mtime_ns for path in output.rglob("seed-*.json")}
    assert [path.name for path in finished] == ["seed-1.json"]

    again = subprocess.run(command, capture_output=True, text=True, env=_environment(), timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "seed 1: finished earlier, skipped" in again.stdout and again.stdout.count(": test f1 ") == 1
    assert {path: path.stat().st_mtime_ns for path in finished} == finished  # the finished result kept as it was
    left = sorted(str(path.relative_to(output)) for path in output.rglob("*") if path.is_file())
    setting = next(output.rglob("seed-1.json")).parent.relative_to(output)
    assert left == ["leaderboard.md"] + [str(Path(setting) / name) for name in (
        "seed-1.json", "seed-1.predictions.jsonl", "seed-2.json", "seed-2.predictions.jsonl")]
