"""The CPU dropout the loop trains with: the same distribution as torch's, the same models in evaluation, and
attention that matches transformers' own when nothing is dropped."""

import copy
from pathlib import Path

import pytest
import torch
from torch import nn
from transformers import AutoModelForTokenClassification

from biobench.minialbert.modeling_minialbert import MiniAlbertForTokenClassification
from biobench.models.dropout import LEVELS, FastDropout, eager_attention, fast_dropout, use_fast_dropout

MINIALBERT_TOKEN_CLASSIFIER = Path(__file__).parent / "fixtures" / "minialbert" / "tokcls-adapters-emb16"


def test_each_element_is_dropped_with_probability_p_and_the_rest_scaled():
    torch.manual_seed(0)
    p = 0.1
    out = fast_dropout(torch.ones(4, 250_000), p)
    kept = round(p * LEVELS)
    assert out.unique().tolist() == [0.0, pytest.approx(LEVELS / (LEVELS - kept), rel=1e-7)]
    # every one of the four elements cut from one 64-bit draw is dropped at rate p (binomial sd 0.0006 here)
    for lane in range(4):
        assert (out.view(-1, 4)[:, lane] == 0).float().mean().item() == pytest.approx(p, abs=0.004)
    assert out.mean().item() == pytest.approx(1.0, abs=0.005)


def test_the_mask_follows_torch_s_seed_and_the_gradient_is_the_mask():
    torch.manual_seed(3)
    first = fast_dropout(torch.ones(1000), 0.5)
    torch.manual_seed(3)
    inputs = torch.ones(1000, requires_grad=True)
    second = fast_dropout(inputs, 0.5)
    second.sum().backward()
    assert torch.equal(first, second) and torch.equal(inputs.grad, second.detach())
    assert torch.equal(fast_dropout(inputs, 0.0), inputs)


def test_evaluation_is_the_identity():
    layer = FastDropout(0.3).eval()
    inputs = torch.randn(5, 7)
    assert torch.equal(layer(inputs), inputs)


def _bert(tiny_bert, dropout: float):
    torch.manual_seed(0)
    return AutoModelForTokenClassification.from_pretrained(
        tiny_bert, num_labels=3, hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout)


def _minialbert(dropout: float):
    torch.manual_seed(0)
    return MiniAlbertForTokenClassification.from_pretrained(
        MINIALBERT_TOKEN_CLASSIFIER, hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout)


@pytest.mark.parametrize("kind", ["bert", "minialbert"])
def test_models_are_unchanged_except_for_the_dropout_mask(tiny_bert, kind):
    """Every dropout module and the attention function are swapped; with nothing dropped, training-mode outputs
    (padded batch: the attention mask path) match the original's, and evaluation outputs are identical."""
    for dropout in (0.0, 0.1):
        original = _bert(tiny_bert, dropout) if kind == "bert" else _minialbert(dropout)
        fast = copy.deepcopy(original)
        assert use_fast_dropout(fast) > 0
        assert not any(type(module) is nn.Dropout for module in fast.modules())
        assert fast.config._attn_implementation.endswith("_fast_dropout")
        inputs = {"input_ids": torch.randint(5, 100, (3, 9)), "attention_mask": torch.ones(3, 9, dtype=torch.long)}
        inputs["attention_mask"][0, 5:] = 0
        original.eval(), fast.eval()
        assert torch.equal(original(**inputs).logits, fast(**inputs).logits)
        if dropout == 0.0:
            original.train(), fast.train()
            torch.testing.assert_close(fast(**inputs).logits, original(**inputs).logits)


def test_attention_probabilities_are_dropped_in_training():
    module = nn.Module().train()
    torch.manual_seed(0)
    query, key, value = (torch.randn(4, 2, 64, 8) for _ in range(3))
    _, probabilities = eager_attention(module, query, key, value, None, dropout=0.25)
    assert (probabilities == 0).float().mean().item() == pytest.approx(0.25, abs=0.02)
    assert probabilities.sum(-1).mean().item() == pytest.approx(1.0, abs=0.02)


def test_sdpa_models_drop_as_eager_ones_do(tiny_bert):
    """In training, an SDPA model (boolean padding mask) computes what the eager one (additive mask) does, the
    same elements dropped from the same seed."""
    inputs = {"input_ids": torch.randint(5, 100, (3, 9)), "attention_mask": torch.ones(3, 9, dtype=torch.long)}
    inputs["attention_mask"][0, 5:] = 0
    logits = []
    for implementation in ("sdpa", "eager"):
        torch.manual_seed(0)
        model = AutoModelForTokenClassification.from_pretrained(tiny_bert, num_labels=3,
                                                                attn_implementation=implementation)
        use_fast_dropout(model)
        torch.manual_seed(1)
        logits.append(model.train()(**inputs).logits)
    torch.testing.assert_close(logits[0], logits[1])
