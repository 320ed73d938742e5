"""Every golden checkpoint loads without missing keys and reproduces the reference implementation's outputs."""

import json

import pytest
import torch
from safetensors import safe_open

from biobench.minialbert import (
    MiniAlbertForMaskedLM,
    MiniAlbertForSequenceClassification,
    MiniAlbertForTokenClassification,
)
from biobench.minialbert.loading import load_minialbert

REFERENCE_CHECKPOINTS = {
    "mlm-adapters-emb16": MiniAlbertForMaskedLM,
    "tokcls-adapters-emb16": MiniAlbertForTokenClassification,
    "seqcls-adapters-emb16": MiniAlbertForSequenceClassification,
    "mlm-noadapters-emb32": MiniAlbertForMaskedLM,
}


@pytest.mark.parametrize("name", REFERENCE_CHECKPOINTS)
def test_checkpoint_reproduces_reference_outputs(reference_dir, reference_inputs, name):
    model = load_minialbert(reference_dir / name, REFERENCE_CHECKPOINTS[name]).eval()
    expected = json.loads((reference_dir / name / "expected_outputs.json").read_text())

    with torch.no_grad():
        outputs = model(**reference_inputs, output_hidden_states=True, output_attentions=True)

    torch.testing.assert_close(outputs.logits, torch.tensor(expected["logits"]), rtol=1e-4, atol=1e-6)
    assert len(outputs.hidden_states) == model.config.num_hidden_layers + 1
    assert len(outputs.attentions) == model.config.num_hidden_layers
    for key in ("hidden_states", "attentions"):
        torch.testing.assert_close(
            torch.stack(outputs[key]), torch.tensor(expected[key]), rtol=1e-4, atol=1e-6, msg=key
        )


@pytest.mark.parametrize("name", REFERENCE_CHECKPOINTS)
def test_checkpoint_keys_match_model_except_unused_pooler(reference_dir, name):
    checkpoint = reference_dir / name
    model, loading_info = REFERENCE_CHECKPOINTS[name].from_pretrained(checkpoint, output_loading_info=True)
    with safe_open(checkpoint / "model.safetensors", "pt") as weights:
        checkpoint_keys = set(weights.keys())
    model_keys = set(model.state_dict())

    assert loading_info["missing_keys"] == set()
    assert loading_info["mismatched_keys"] == set()
    assert all("pooler" in key for key in loading_info["unexpected_keys"])
    assert checkpoint_keys - model_keys == {"albert.albert.pooler.weight", "albert.albert.pooler.bias"}
    assert model_keys <= checkpoint_keys


def test_plain_checkpoint_has_neither_projector_nor_adapters(reference_dir):
    model = load_minialbert(reference_dir / "mlm-noadapters-emb32")
    assert model.albert.projector is None
    assert model.albert.att_adapters is None and model.albert.mlp_adapters is None
    assert not any(key.startswith(("albert.projector.", "albert.att_adapters.")) for key in model.state_dict())
