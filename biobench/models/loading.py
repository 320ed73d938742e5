"""Tokenizers, parameter counts and encoder export: what every kind of model shares."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from biobench.errors import BiobenchError
from biobench.models.cards import ModelCard


@dataclass(frozen=True)
class ParameterCounts:
    total: int
    unique: int  # shared tensors (tied or recursive layers) counted once
    trainable: int


def load_tokenizer(card: ModelCard):
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(
            card.tokenizer_location(), revision=card.revision, trust_remote_code=card.trust_remote_code
        )
    except OSError as error:
        raise BiobenchError(f"cannot load the tokenizer of model {card.name!r}: {error}") from None
    if not tokenizer.is_fast:
        raise BiobenchError(f"model {card.name!r}: a fast tokenizer is needed to align words and sub-words")
    return tokenizer


def count_parameters(model: torch.nn.Module) -> ParameterCounts:
    """Total (shared tensors counted at each use), unique and trainable parameter elements."""
    seen: set[int] = set()
    total = unique = trainable = 0
    for _, parameter in model.named_parameters(remove_duplicate=False):
        total += parameter.numel()
        if parameter.data_ptr() not in seen:
            seen.add(parameter.data_ptr())
            unique += parameter.numel()
            trainable += parameter.numel() if parameter.requires_grad else 0
    return ParameterCounts(total, unique, trainable)
