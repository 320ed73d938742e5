import json

import pytest
from typer.testing import CliRunner

from biobench.cli import app
from biobench.errors import BiobenchError
from biobench.models.cards import ModelCard
from biobench.plugin import Task
from biobench.profiling import profile_model, profile_to_file

PROFILE_FIELDS = ["schema_version", "kind", "model", "variant", "parameters", "size_on_disk_mb", "sequence_length",
                  "batch_size", "latency_ms_p50", "latency_ms_p95", "throughput_sequences_per_second",
                  "peak_memory_mb", "hardware", "task", "created"]


def test_profile_file_has_the_schema_and_every_figure(tiny_bert, tmp_path):
    card = ModelCard(name="tiny", kind="hf", source=str(tiny_bert))
    path = profile_to_file(card, tmp_path / "results", sequence_length=16, batch_size=4, repeats=5)
    assert path == tmp_path / "results" / "tiny" / "fp32.profile.json"
    profile = json.loads(path.read_text())
    assert sorted(profile) == sorted(PROFILE_FIELDS)
    assert profile["schema_version"] == 1 and profile["kind"] == "profile" and profile["variant"] == "fp32"
    assert profile["model"] == {"name": "tiny", "kind": "hf", "source": str(tiny_bert), "revision": None}
    assert profile["parameters"]["unique"] > 0 and profile["size_on_disk_mb"] > 0
    assert 0 < profile["latency_ms_p50"] <= profile["latency_ms_p95"]
    assert profile["throughput_sequences_per_second"] > 0 and profile["peak_memory_mb"] > 0
    assert profile["sequence_length"] == 16 and profile["batch_size"] == 4 and profile["task"] is None
    assert profile["hardware"]["cpu_count"] > 0 and profile["created"].endswith("+00:00")


def test_peak_memory_is_the_variant_s_own_not_the_calling_process_s(tiny_bert):
    import numpy as np

    held = np.ones(100 * 2**20 // 8 * 8)  # 800 MB held by the caller, as a training run's leftovers would be
    profile = profile_model(ModelCard(name="tiny", kind="hf", source=str(tiny_bert)), 16, 4, 5)
    assert profile["peak_memory_mb"] < held.nbytes / 2**20


def test_profile_on_a_task_times_its_real_test_inputs(tiny_bert, ncbi_slice, monkeypatch):
    from biobench import profiling

    captured = {}
    measure = profiling._in_fresh_process

    def capture(card, recursions, quantize, inputs, threads, passes):
        captured["inputs"] = inputs
        return measure(card, recursions, quantize, inputs, threads, passes)

    monkeypatch.setattr(profiling, "_in_fresh_process", capture)
    task = Task.load(ncbi_slice)
    profile = profile_model(ModelCard(name="tiny", kind="hf", source=str(tiny_bert)), batch_size=4, repeats=10,
                            task=task)
    assert profile["task"] == "ncbi-slice" and profile["sequence_length"] == 32  # the plugin's max_length
    inputs = captured["inputs"]
    lengths = {len(sequence) for sequence in inputs.latency}
    assert len(inputs.latency) == 10 and len(lengths) > 1 and max(lengths) <= 32  # real lengths, truncated
    assert [len(batch) for batch in inputs.batches] == [4] * profiling.THROUGHPUT_BATCHES
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_bert))
    texts = {tuple(tokenizer(" ".join(record["tokens"]), truncation=True, max_length=32)["input_ids"])
             for record in task.records("test")}
    assert {tuple(sequence) for sequence in inputs.latency} <= texts  # test sentences, as the family reads them


def test_int8_is_measured_not_copied(tiny_bert, tmp_path):
    import torch

    from biobench.models.build import load_encoder
    from biobench.profiling import quantize_int8

    card = ModelCard(name="tiny", kind="hf", source=str(tiny_bert))
    result = CliRunner().invoke(app, ["profile", str(tiny_bert), "--sequence-length", "16", "--batch-size", "4",
                                      "--repeats", "5", "--quantize", "int8", "--output", str(tmp_path)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "int8" in result.output and "p50 ms" in result.output
    fp32, int8 = (json.loads((tmp_path / "tiny-bert0" / f"{name}.profile.json").read_text())
                  for name in ("fp32", "int8"))
    assert int8["variant"] == "int8" and int8["parameters"] == fp32["parameters"]
    assert int8["size_on_disk_mb"] < fp32["size_on_disk_mb"]
    encoder = load_encoder(card)
    quantized = quantize_int8(load_encoder(card))
    linears = [module for module in quantized.modules() if isinstance(module, torch.nn.Linear)]
    assert linears and all(module.weight.dtype == torch.float32 and "Int8" in type(module.weight).__name__
                           for module in linears)  # int8 tensors that compute as float32
    ids = torch.randint(5, 100, (2, 12))
    with torch.inference_mode():
        close = torch.nn.functional.cosine_similarity(
            encoder(input_ids=ids).last_hidden_state.flatten(1), quantized(input_ids=ids).last_hidden_state.flatten(1))
    assert (close > 0.99).all()  # the same function, up to int8 rounding


def test_recursions_need_a_minialbert(tiny_bert):
    with pytest.raises(BiobenchError, match="models with recursions"):
        profile_model(ModelCard(name="tiny", kind="hf", source=str(tiny_bert)), recursions=2)


def test_minialbert_depth_sweep_through_the_cli(tmp_path):
    import shutil

    from transformers import BertTokenizer

    from builders import ROOT, SPECIALS

    student = tmp_path / "student"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minialbert" / "mlm-adapters-emb16", student)
    vocab = SPECIALS + [f"w{i}" for i in range(120 - len(SPECIALS))]  # the fixture's vocabulary size
    BertTokenizer(vocab={token: i for i, token in enumerate(vocab)}).save_pretrained(student)
    result = CliRunner().invoke(app, ["profile", str(student), "--recursions", "1", "--recursions", "3",
                                      "--sequence-length", "16", "--batch-size", "4", "--repeats", "5",
                                      "--output", str(tmp_path / "results")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "1 recursions" in result.output and "3 recursions" in result.output
    written = sorted(path.name for path in (tmp_path / "results" / "student").iterdir())
    assert written == ["1-recursions.profile.json", "3-recursions.profile.json"]


@pytest.mark.parametrize("arguments, fragment", [
    (["--quantize", "int4"], "only int8"),
    (["--sequence-length", "4096"], "reads 1 to 128 positions"),
    (["--task", "no-such-task"], "unknown task"),
])
def test_cli_profile_refusals(tiny_bert, tmp_path, arguments, fragment):
    result = CliRunner().invoke(app, ["profile", str(tiny_bert), "--output", str(tmp_path), *arguments])
    assert result.exit_code == 2 and fragment in result.output
    assert not any(tmp_path.iterdir())


def test_cli_profile_warns_on_a_busy_machine(tiny_bert, tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(os, "getloadavg", lambda: (99.0, 99.0, 99.0))
    result = CliRunner().invoke(app, ["profile", str(tiny_bert), "--sequence-length", "16", "--batch-size", "2",
                                      "--repeats", "3", "--output", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "load average 99.0" in result.output and "inflated" in result.output
