"""Our own saves use model_type "minialbert", keep the published key layout and reload exactly via Auto classes."""

import importlib
import json

import pytest
import torch
from safetensors import safe_open
from transformers import (
    AutoConfig,
    AutoModel,
    AutoModelForMaskedLM,
    AutoModelForQuestionAnswering,
    AutoModelForSequenceClassification,
    AutoModelForTokenClassification,
)

import biobench.minialbert
from biobench.minialbert import (
    MiniAlbertConfig,
    MiniAlbertForMaskedLM,
    MiniAlbertForQuestionAnswering,
    MiniAlbertForSequenceClassification,
    MiniAlbertForTokenClassification,
    MiniAlbertModel,
)
from biobench.minialbert.loading import load_minialbert

ROUND_TRIPS = [
    ("mlm-adapters-emb16", MiniAlbertForMaskedLM, AutoModelForMaskedLM),
    ("mlm-noadapters-emb32", MiniAlbertForMaskedLM, AutoModelForMaskedLM),
    ("tokcls-adapters-emb16", MiniAlbertForTokenClassification, AutoModelForTokenClassification),
    ("seqcls-adapters-emb16", MiniAlbertForSequenceClassification, AutoModelForSequenceClassification),
    ("mlm-adapters-emb16", MiniAlbertForQuestionAnswering, AutoModelForQuestionAnswering),
    ("mlm-adapters-emb16", MiniAlbertModel, AutoModel),
]


def all_outputs(model, inputs) -> list[torch.Tensor]:
    with torch.no_grad():
        outputs = model(**inputs, output_hidden_states=True, output_attentions=True, return_dict=False)
    return [tensor for output in outputs for tensor in (output if isinstance(output, tuple) else (output,))]


@pytest.mark.parametrize(("name", "task_class", "auto_class"), ROUND_TRIPS)
def test_round_trip_through_auto_classes_is_bit_identical(
    tmp_path, reference_dir, reference_inputs, name, task_class, auto_class
):
    model = load_minialbert(reference_dir / name, task_class).eval()
    model.save_pretrained(tmp_path)

    reloaded, loading_info = auto_class.from_pretrained(tmp_path, output_loading_info=True)
    reloaded.eval()

    assert type(reloaded) is task_class
    assert not loading_info["missing_keys"] and not loading_info["unexpected_keys"]
    expected_outputs, reloaded_outputs = all_outputs(model, reference_inputs), all_outputs(reloaded, reference_inputs)
    assert len(expected_outputs) == len(reloaded_outputs)
    for expected, actual in zip(expected_outputs, reloaded_outputs):
        assert torch.equal(expected, actual)


def test_save_writes_minialbert_type_and_published_key_layout(tmp_path, reference_dir):
    load_minialbert(reference_dir / "mlm-adapters-emb16").save_pretrained(tmp_path)

    saved_config = json.loads((tmp_path / "config.json").read_text())
    with safe_open(tmp_path / "model.safetensors", "pt") as weights:
        saved_keys = set(weights.keys())
    with safe_open(reference_dir / "mlm-adapters-emb16" / "model.safetensors", "pt") as weights:
        published_keys = {key for key in weights.keys() if ".pooler." not in key}

    assert saved_config["model_type"] == "minialbert"
    assert saved_config["use_adapter"] is True and saved_config["reduction_factor"] == 4
    assert saved_keys == published_keys
    assert isinstance(AutoConfig.from_pretrained(tmp_path), MiniAlbertConfig)


def test_head_model_loads_from_a_saved_base_model(tmp_path, reference_dir, reference_inputs):
    base = load_minialbert(reference_dir / "mlm-adapters-emb16", MiniAlbertModel).eval()
    base.save_pretrained(tmp_path)

    tagger, loading_info = MiniAlbertForTokenClassification.from_pretrained(tmp_path, output_loading_info=True)

    assert loading_info["missing_keys"] == {"classifier.weight", "classifier.bias"}
    assert not loading_info["unexpected_keys"]
    with torch.no_grad():
        expected = base(**reference_inputs).last_hidden_state
        actual = tagger.eval()(**reference_inputs, output_hidden_states=True).hidden_states[-1]
    assert torch.equal(expected, actual)


def test_published_config_is_read_as_minialbert(reference_dir):
    config = MiniAlbertConfig.from_checkpoint(reference_dir / "tokcls-adapters-emb16")
    assert config.model_type == "minialbert"
    assert (config.use_adapter, config.reduction_factor, config.embedding_size) == (True, 4, 16)
    assert config.num_labels == 5 and config.recursions is None


def test_non_albert_checkpoint_is_rejected(reference_dir):
    with pytest.raises(ValueError, match="bert"):
        MiniAlbertConfig.from_checkpoint(reference_dir / "distill-teacher-bert6")


def test_registration_is_idempotent(tmp_path, reference_dir):
    importlib.reload(biobench.minialbert)
    biobench.minialbert._register_with_auto_classes()
    load_minialbert(reference_dir / "mlm-adapters-emb16").save_pretrained(tmp_path)
    assert isinstance(AutoModelForMaskedLM.from_pretrained(tmp_path), biobench.minialbert.MiniAlbertForMaskedLM)
