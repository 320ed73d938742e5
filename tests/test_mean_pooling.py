"""The mean-pooled sentence head: what it computes, what it trains, and the CLI paths that choose it."""

import json

import pytest
import torch
from transformers import AutoModel
from typer.testing import CliRunner

from biobench.models.loading import count_parameters
from biobench.benchmark import Overrides, plan
from biobench.catalog import load_task, model_cards
from biobench.models.variant import Variant
from biobench.cli import app
from biobench.models.heads import MeanPooledClassifier, masked_mean
from biobench.results import ResultStore
from biobench.models.tuning import insert_houlsby_adapters
from builders import ROOT, TASKS, result_file

HIDDEN, LABELS = 32, 3


def _head(tiny_bert, **options):
    torch.manual_seed(0)
    encoder = AutoModel.from_pretrained(tiny_bert)
    return MeanPooledClassifier(encoder, {"num_labels": LABELS, "id2label": {0: "a", 1: "b", 2: "c"}} | options).eval()


def test_padding_does_not_change_the_mean():
    hidden = torch.randn(1, 5, 4)
    padded = torch.cat([hidden, torch.randn(1, 3, 4)], dim=1)
    mask = torch.tensor([[1] * 5 + [0] * 3])
    assert torch.allclose(masked_mean(padded, mask), hidden.mean(dim=1))


def test_logits_are_the_classifier_on_the_masked_mean(tiny_bert):
    model = _head(tiny_bert)
    ids, mask = torch.randint(5, 100, (2, 9)), torch.tensor([[1] * 9, [1] * 6 + [0] * 3])
    hidden = model.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
    expected = model.classifier((hidden[0].mean(0)[None]))
    assert torch.allclose(model(input_ids=ids, attention_mask=mask).logits[:1], expected, atol=1e-6)
    assert model.config.id2label == {0: "a", 1: "b", 2: "c"}


@pytest.mark.parametrize(("options", "labels", "loss"), [
    ({}, torch.tensor([0, 2]), torch.nn.functional.cross_entropy),
    ({"problem_type": "multi_label_classification"}, torch.tensor([[1.0, 0, 1], [0, 0, 0]]),
     torch.nn.functional.binary_cross_entropy_with_logits),
])
def test_loss_follows_the_problem_type(tiny_bert, options, labels, loss):
    model = _head(tiny_bert, **options)
    output = model(input_ids=torch.randint(5, 100, (2, 7)), labels=labels)
    assert torch.allclose(output.loss, loss(output.logits, labels))


def test_adapter_tuning_trains_adapters_layer_norms_and_the_new_head(tiny_bert):
    model = _head(tiny_bert)
    insert_houlsby_adapters(model)
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    assert {"classifier.weight", "classifier.bias"} <= trainable
    assert all(".adapter." in name or ".LayerNorm." in name or name.startswith("classifier.") for name in trainable)
    assert count_parameters(model).trainable < count_parameters(model).unique


def _run(tiny_bert, task, tmp_path, *extra):
    return CliRunner().invoke(app, ["run", "--model", str(tiny_bert), "--task", str(task), "--output",
                                    str(tmp_path / "out"), "--precision", "fp32", "--epochs", "1", *extra])


def test_cli_mean_pooling_is_a_variant_of_its_own(tiny_bert, tmp_path):
    """BIOSSES (a regression head): the run lands beside, not over, the [CLS] run."""
    for extra in ([], ["--pooling", "mean"]):
        result = _run(tiny_bert, TASKS / "biosses", tmp_path, *extra)
        assert result.exit_code == 0, result.output
    saved = result_file(tmp_path / "out", tiny_bert.name, "biosses", label="mean-pooling_epochs-1")
    saved = json.loads(saved.read_text())
    assert saved["hyperparameters"]["pooling"] == "mean" and "pearson" in saved["metrics"]["test"]
    plain = json.loads(result_file(tmp_path / "out", tiny_bert.name, "biosses", label="epochs-1").read_text())
    assert "pooling" not in plain["hyperparameters"] and plain["config_hash"] != saved["config_hash"]
    assert f"`{tiny_bert.name} (mean pooling, epochs 1)`" in (tmp_path / "out" / "leaderboard.md").read_text()


@pytest.mark.parametrize(("extra", "message"), [
    (["--pooling", "max"], "'max' is not one of 'auto', 'cls', 'mean'"),
    (["--pooling", "mean"], "none of the selected tasks is sentence-level"),
])
def test_cli_refuses_bad_pooling(tiny_bert, ncbi_slice, tmp_path, extra, message):
    result = _run(tiny_bert, ncbi_slice, tmp_path, *extra)
    assert result.exit_code == 2 and message in result.output


def _planned(pooling: str, model: str = "minilm-l6", task: str = "biosses"):
    overrides = Overrides(max_length=256, max_train_examples=1000, variant=Variant(precision="fp32", head=pooling))
    root = ROOT / "leaderboards" / "blurb-lite" / "smoke" / "results"
    (planned,) = plan([model_cards()[model]], [load_task(task, [])], [1], overrides, ResultStore(root))
    return planned


@pytest.mark.parametrize(("model", "task", "pooling"), [
    ("minilm-l6", "biosses", "mean"),  # a sentence-transformers model with a mean Pooling module
    ("minialbert-minilm-l6", "biosses", "cls"),  # no sentence-transformers files: its own head
    ("minilm-l6", "ncbi-disease", None),  # token-level: pooling does not apply
])
def test_auto_pooling_reads_the_model_s_own(model, task, pooling):
    assert _planned("auto", model, task).config.variant.head == pooling
