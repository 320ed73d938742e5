"""Depth-adaptive inference: running k < N recursions is exactly the first k recursions of the full run."""

import pytest
import torch
from huggingface_hub.errors import StrictDataclassClassValidationError

from biobench.minialbert import MiniAlbertForMaskedLM, MiniAlbertModel
from biobench.minialbert.loading import load_minialbert


def run(model, inputs, **kwargs):
    with torch.no_grad():
        return model(**inputs, output_hidden_states=True, output_attentions=True, **kwargs)


@pytest.fixture(scope="module")
def encoder(reference_dir) -> MiniAlbertModel:
    return load_minialbert(reference_dir / "mlm-adapters-emb16", MiniAlbertModel).eval()


@pytest.mark.parametrize("recursions", [1, 2])
def test_forward_argument_runs_only_the_first_recursions(encoder, reference_inputs, recursions):
    full = run(encoder, reference_inputs)
    shallow = run(encoder, reference_inputs, recursions=recursions)

    assert len(shallow.hidden_states) == recursions + 1
    assert len(shallow.attentions) == recursions
    for expected, actual in zip(full.hidden_states[: recursions + 1], shallow.hidden_states, strict=True):
        assert torch.equal(expected, actual)
    for expected, actual in zip(full.attentions[:recursions], shallow.attentions, strict=True):
        assert torch.equal(expected, actual)
    assert torch.equal(shallow.last_hidden_state, full.hidden_states[recursions])


def test_config_recursions_equal_forward_argument(reference_dir, reference_inputs):
    full_depth = load_minialbert(reference_dir / "mlm-adapters-emb16").eval()
    two_deep = load_minialbert(reference_dir / "mlm-adapters-emb16", recursions=2).eval()

    assert two_deep.config.recursions == 2
    configured = run(two_deep, reference_inputs)
    by_argument = run(full_depth, reference_inputs, recursions=2)
    assert torch.equal(configured.logits, by_argument.logits)
    assert len(configured.hidden_states) == 3


def test_forward_argument_overrides_config(reference_dir, reference_inputs):
    model = load_minialbert(reference_dir / "mlm-adapters-emb16", recursions=1).eval()
    assert len(run(model, reference_inputs, recursions=3).attentions) == 3


def test_config_recursions_survive_save_and_load(tmp_path, reference_dir):
    load_minialbert(reference_dir / "mlm-adapters-emb16", recursions=2).save_pretrained(tmp_path)
    assert MiniAlbertForMaskedLM.from_pretrained(tmp_path).config.recursions == 2


def test_recursions_without_adapters(reference_dir, reference_inputs):
    model = load_minialbert(reference_dir / "mlm-noadapters-emb32", MiniAlbertModel).eval()
    full, shallow = run(model, reference_inputs), run(model, reference_inputs, recursions=2)
    assert torch.equal(shallow.last_hidden_state, full.hidden_states[2])


@pytest.mark.parametrize("recursions", [0, 4])
def test_out_of_range_recursions_are_rejected(encoder, reference_dir, reference_inputs, recursions):
    with pytest.raises(ValueError, match="recursions"):
        run(encoder, reference_inputs, recursions=recursions)
    with pytest.raises(StrictDataclassClassValidationError, match="recursions"):  # config validation
        load_minialbert(reference_dir / "mlm-adapters-emb16", recursions=recursions)
