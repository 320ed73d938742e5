import pytest
from typer.testing import CliRunner

from biobench.cli import app
from biobench.errors import BiobenchError
from biobench.models.cards import ModelCard
from biobench.profiling import profile_model


def test_profile_reports_every_figure(tiny_bert):
    card = ModelCard(name="tiny", kind="hf", source=str(tiny_bert))
    result = profile_model(card, sequence_length=16, batch_size=4, repeats=5)
    assert result.parameters["unique"] > 0 and result.size_on_disk_mb > 0
    assert 0 < result.latency_ms_p50 <= result.latency_ms_p95
    assert result.throughput_sequences_per_second > 0


def test_int8_keeps_the_parameter_count_and_runs(tiny_bert):
    import torch

    from biobench.models.build import load_encoder
    from biobench.profiling import quantize_int8

    card = ModelCard(name="tiny", kind="hf", source=str(tiny_bert))
    fp32 = profile_model(card, 16, 4, 5)
    int8 = profile_model(card, 16, 4, 5, quantize="int8")
    assert int8.variant == "int8" and int8.parameters == fp32.parameters
    encoder = load_encoder(card)
    quantized = quantize_int8(load_encoder(card))
    assert not any(type(module) is torch.nn.Linear for module in quantized.modules())  # every Linear replaced
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
                                      "--sequence-length", "16", "--batch-size", "4", "--repeats", "5"],
                                     env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "1 recursions" in result.output and "3 recursions" in result.output


def test_cli_profile(tiny_bert):
    result = CliRunner().invoke(app, ["profile", str(tiny_bert), "--sequence-length", "16", "--batch-size", "4",
                                      "--repeats", "5", "--quantize", "int8"])
    assert result.exit_code == 0, result.output
    assert "int8" in result.output and "p50 ms" in result.output


def test_cli_profile_rejects_unknown_quantisation(tiny_bert):
    result = CliRunner().invoke(app, ["profile", str(tiny_bert), "--quantize", "int4"])
    assert result.exit_code == 2 and "only int8" in result.output
