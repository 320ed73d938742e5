"""What each tuning mode trains, counted exactly, and the CLI paths that choose it."""

import json
import shutil

import pytest
import torch
from transformers import AutoModelForTokenClassification, BertTokenizer
from typer.testing import CliRunner

from biobench.models.loading import count_parameters
from biobench.cli import app
from biobench.errors import BiobenchError
from biobench.models.tuning import add_lora, insert_houlsby_adapters
from builders import ROOT, SPECIALS, result_file

HIDDEN, LAYERS, LABELS = 32, 2, 3
HEAD = HIDDEN * LABELS + LABELS
LAYER_NORM = 2 * HIDDEN


def _tiny(tiny_bert):
    torch.manual_seed(0)
    return AutoModelForTokenClassification.from_pretrained(tiny_bert, num_labels=LABELS)


def _adapted(model):
    insert_houlsby_adapters(model)
    return model


def test_houlsby_adapters_train_adapters_layer_norms_and_head(tiny_bert):
    model = _adapted(_tiny(tiny_bert))
    bottleneck = HIDDEN // 16
    adapter = HIDDEN * bottleneck + bottleneck + bottleneck * HIDDEN + HIDDEN
    layer_norms = LAYER_NORM * (1 + 2 * LAYERS)  # embeddings + attention and feed-forward blocks
    assert count_parameters(model).trainable == 2 * LAYERS * adapter + layer_norms + HEAD


def test_inserted_adapters_start_as_the_identity(tiny_bert):
    original, adapted = _tiny(tiny_bert).eval(), _adapted(_tiny(tiny_bert)).eval()
    ids = torch.randint(5, 100, (2, 12))
    assert torch.equal(original(input_ids=ids).logits, adapted(input_ids=ids).logits)


def test_lora_trains_low_rank_matrices_and_head(tiny_bert):
    model = add_lora(_tiny(tiny_bert))
    rank = 8
    assert count_parameters(model).trainable == LAYERS * 2 * rank * (HIDDEN + HIDDEN) + HEAD


def test_a_model_without_bert_blocks_is_refused():
    model = torch.nn.Sequential(torch.nn.Linear(4, 4))
    model.base_model_prefix = "x"
    with pytest.raises(BiobenchError, match="BERT-style layers"):
        insert_houlsby_adapters(model)


@pytest.fixture
def student(tmp_path):
    """The reference token-classification MiniALBERT with a tokenizer of its vocabulary size."""
    folder = tmp_path / "student"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minialbert" / "mlm-adapters-emb16", folder)
    vocab = SPECIALS + [w for w in ("the", "of", "and", "disease", "cancer", "in", "a", "with")]
    vocab += [f"##{c}" for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
    vocab += [f"w{i}" for i in range(120 - len(vocab))]
    BertTokenizer(vocab={token: i for i, token in enumerate(vocab)}).save_pretrained(folder)
    return folder


def _run(model, ncbi_slice, output, *extra):
    return CliRunner().invoke(app, ["run", "--model", str(model), "--task", "ncbi-slice", "--tasks-dir",
                                    str(ncbi_slice.parent), "--output", str(output), "--precision", "fp32", *extra])


def test_cli_adapter_tuning_of_a_minialbert_with_fewer_recursions(student, ncbi_slice, tmp_path):
    result = _run(student, ncbi_slice, tmp_path / "out", "--adapter-tuning", "--recursions", "2")
    assert result.exit_code == 0, result.output
    saved = result_file(tmp_path / "out", "student", "ncbi-slice", label="adapters_2-recursions")
    saved = json.loads(saved.read_text())
    assert saved["hyperparameters"]["tuning"] == "adapters" and saved["hyperparameters"]["recursions"] == 2
    assert saved["hyperparameters"]["lr"] == 1e-3
    adapters = 3 * 2 * (32 * 8 + 8 + 8 * 32 + 32 + 2 * 32)  # 3 recursions x (attention, mlp) adapters, reduction 4
    assert saved["model"]["parameters"]["trainable"] == adapters + HEAD
    assert "student (adapters, 2 recursions)" in (tmp_path / "out" / "leaderboard.md").read_text()


def test_cli_full_and_adapter_runs_are_distinct(tiny_bert, ncbi_slice, tmp_path):
    assert _run(tiny_bert, ncbi_slice, tmp_path / "out").exit_code == 0
    assert _run(tiny_bert, ncbi_slice, tmp_path / "out", "--peft", "lora").exit_code == 0
    board = (tmp_path / "out" / "leaderboard.md").read_text()
    assert f"`{tiny_bert.name}`" in board and f"`{tiny_bert.name} (lora)`" in board


@pytest.mark.parametrize(("extra", "message"), [
    (["--peft", "prefix"], "'prefix' is not one of 'lora'"),
    (["--peft", "lora", "--adapter-tuning"], "not both"),
    (["--recursions", "2"], "models with recursions"),
])
def test_cli_refuses_bad_tuning_options(tiny_bert, ncbi_slice, tmp_path, extra, message):
    result = _run(tiny_bert, ncbi_slice, tmp_path / "out", *extra)
    assert result.exit_code == 2 and message in result.output
