"""Multi-process runs through the engine transformers uses (torchrun): every test example scored once,
in order, and only the main process writing."""

import json
import os
import socket
import subprocess
import sys

from builders import result_file


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(processes, tiny_bert, ncbi_slice, output):
    command = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={processes}",
               f"--master_port={_free_port()}", "--master_addr=127.0.0.1", "-m", "biobench", "run",
               "--model", str(tiny_bert), "--task", "ncbi-slice", "--tasks-dir", str(ncbi_slice.parent),
               "--output", str(output), "--precision", "fp32", "--epochs", "2", "--batch-size", "4",
               "--lr", "1e-9"]  # the weights barely move: both runs must predict the same labels for the same words
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert finished.returncode == 0, finished.stderr[-3000:]
    return finished


def test_two_processes_score_every_example_once_and_in_order(tiny_bert, ncbi_slice, tmp_path):
    _run(1, tiny_bert, ncbi_slice, tmp_path / "one")
    two = _run(2, tiny_bert, ncbi_slice, tmp_path / "two")
    single = result_file(tmp_path / "one", tiny_bert.name, "ncbi-slice", label="epochs-2_lr-1e-9_batch-4")
    double = result_file(tmp_path / "two", tiny_bert.name, "ncbi-slice", label="epochs-2_lr-1e-9_batch-4")
    rows_one = single.with_suffix(".predictions.jsonl").read_text().splitlines()
    rows_two = double.with_suffix(".predictions.jsonl").read_text().splitlines()
    assert len(rows_two) == 48 == len({json.loads(row)["id"] for row in rows_two})  # each example once
    assert rows_two == rows_one
    assert json.loads(double.read_text())["metrics"]["test"] == json.loads(single.read_text())["metrics"]["test"]
    assert two.stdout.count("run(s):") == 1  # one process speaks
    assert len(list((tmp_path / "two").rglob("seed-*.json"))) == 1
