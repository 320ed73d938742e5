"""Dropout with a cheaper mask on a CPU, for the hidden states and the attention probabilities.

torch's CPU dropout draws one float Bernoulli per element: for a batch of 16 sentences x 35 tokens x 384 it
takes ~1.4 ms with its backward here, about a seventh of a compact model's training step. The mask here keeps
an element when a 15-bit uniform integer, four of them cut from one 64-bit draw of torch's generator, is at or
above ``round(p * 2**15)``: the same distribution up to p's rounding to 1/32768 (the scale uses the rounded p,
so the expectation is exact), seeded by torch's generator like any dropout, 2.3x faster with its backward
(``benchmarks/training_step.py``). On other devices the native dropout runs.

The attention probabilities are dropped inside transformers' attention functions, so a model using eager or
SDPA attention is switched to the same function registered under another name (``AttentionInterface``), which
drops them with this mask when training on a CPU and is the original otherwise.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import AttentionInterface, PreTrainedModel
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, AttentionMaskInterface
from transformers.models.bert.modeling_bert import eager_attention_forward

BITS = 15
LEVELS = 1 << BITS


def fast_dropout(inputs: torch.Tensor, p: float) -> torch.Tensor:
    """``inputs`` with each element zeroed with probability ~``p`` and the rest scaled by 1 / (1 - p)."""
    threshold = round(p * LEVELS)
    if threshold == 0:
        return inputs
    if threshold >= LEVELS:
        return inputs * 0.0
    count = inputs.numel()
    draws = torch.empty((count + 3) // 4, dtype=torch.int64).random_().view(torch.int16)[:count]
    scale = torch.where((draws & (LEVELS - 1)) >= threshold, LEVELS / (LEVELS - threshold), 0.0)
    return inputs * scale.view(inputs.shape).to(inputs.dtype)


def _drops_on_cpu(training: bool, p: float, inputs: torch.Tensor) -> bool:
    """Whether a dropout of ``p`` applies here with the cheaper mask: training, something to drop, a CPU."""
    return training and p > 0.0 and inputs.device.type == "cpu"


class FastDropout(nn.Dropout):
    """``nn.Dropout`` drawing its mask with :func:`fast_dropout` on a CPU in training."""

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.inplace or not _drops_on_cpu(self.training, self.p, inputs):
            return super().forward(inputs)
        return fast_dropout(inputs, self.p)


def eager_attention(module, query, key, value, attention_mask, scaling=None, dropout=0.0, **kwargs):
    """transformers' eager attention of BERT-style encoders, the probabilities dropped with :func:`fast_dropout`."""
    if not _drops_on_cpu(module.training, dropout, query):
        return eager_attention_forward(module, query, key, value, attention_mask, scaling, dropout, **kwargs)
    if scaling is None:
        scaling = query.size(-1) ** -0.5
    scores = torch.matmul(query, key.transpose(2, 3)) * scaling
    if attention_mask is not None:
        scores = scores + attention_mask
    probabilities = fast_dropout(torch.softmax(scores, dim=-1), dropout)
    return torch.matmul(probabilities, value).transpose(1, 2).contiguous(), probabilities


def sdpa_attention(module, query, key, value, attention_mask, dropout=0.0, scaling=None, **kwargs):
    """SDPA, except in CPU training with attention dropout, where SDPA's own dropout path is eager anyway."""
    if not _drops_on_cpu(module.training, dropout, query):
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout, scaling, **kwargs)
    if attention_mask is not None and attention_mask.dtype == torch.bool:
        attention_mask = torch.zeros(attention_mask.shape, dtype=query.dtype).masked_fill(
            ~attention_mask, torch.finfo(query.dtype).min)
    return eager_attention(module, query, key, value, attention_mask, scaling, dropout, **kwargs)


ATTENTION = {"eager": ("eager_fast_dropout", eager_attention), "sdpa": ("sdpa_fast_dropout", sdpa_attention)}
for _base, (_name, _function) in ATTENTION.items():
    AttentionInterface.register(_name, _function)
    AttentionMaskInterface.register(_name, ALL_MASK_ATTENTION_FUNCTIONS[_base])


def use_fast_dropout(model: nn.Module) -> int:
    """Replace every ``nn.Dropout`` of ``model`` with a :class:`FastDropout` of the same p, and switch eager
    and SDPA attention to their fast-dropout twins; how many dropout modules were replaced."""
    replaced = 0
    for module in model.modules():
        for name, child in module.named_children():
            if type(child) is nn.Dropout:
                setattr(module, name, FastDropout(child.p))
                replaced += 1
        if isinstance(module, PreTrainedModel) and module.config._attn_implementation in ATTENTION:
            module.config._attn_implementation = ATTENTION[module.config._attn_implementation][0]
    return replaced
