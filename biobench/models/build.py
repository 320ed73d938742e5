"""The one place a model for a run is assembled: card + family + labels + variant -> a model to train;
and the tokenizer that goes with it, holding the tokens the family's inputs add (entity markers)."""

from __future__ import annotations

import torch
from torch import nn

from biobench.errors import BiobenchError
from biobench.models.cards import ModelCard
from biobench.models.dropout import use_fast_dropout
from biobench.models.heads import HEAD_CLASSES
from biobench.models.loading import ParameterCounts, count_parameters, load_tokenizer
from biobench.models.variant import Variant
from biobench.registry import MODEL_KINDS


def load_task_tokenizer(card: ModelCard, family, records: list[dict]):
    """The card's tokenizer with the special tokens the family's inputs of ``records`` use (``special_tokens``;
    entity markers), added in sorted order: the same records give the same tokenizer, hence the same feature
    cache keys, for every seed."""
    tokenizer = load_tokenizer(card)
    tokens = family.special_tokens(records) if hasattr(family, "special_tokens") else []
    if tokens:
        tokenizer.add_tokens(sorted(tokens), special_tokens=True)
    return tokenizer


def build_task_model(card: ModelCard, family, labels: list[str], variant: Variant, tokenizer=None) -> nn.Module:
    """The card's encoder under the family's head (or the variant's), tuned as the variant says.

    ``variant`` must be resolved for this model and family (``Variant.resolved``).
    ``tokenizer``: the run's (``load_task_tokenizer``); the embeddings grow to hold the tokens it added,
    the new rows drawn around the mean of the pre-trained ones. Returns the module to train: peft wraps the
    model for LoRA.
    """
    from biobench.models.tuning import add_lora

    variant.check_model(card)
    kind = MODEL_KINDS.get(card.kind)
    head_options = family.head_options(labels)
    head = variant.head if variant.head in HEAD_CLASSES else getattr(family, "head_class", None)
    if head is not None:
        encoder = _fitted(kind.load_encoder(card, variant.recursions).train(), tokenizer)
        model = HEAD_CLASSES[head](encoder, head_options)
    else:
        model = _fitted(kind.load_task_model(card, family.auto_class, head_options, variant.recursions), tokenizer)
    if variant.tuning == "adapters":
        kind.prepare_adapter_tuning(model)
    elif variant.tuning == "lora":
        model = add_lora(model)
    use_fast_dropout(model)
    return model


def _fitted(model: nn.Module, tokenizer) -> nn.Module:
    """``model`` with an embedding row for every token of ``tokenizer``."""
    if tokenizer is not None and len(tokenizer) > model.get_input_embeddings().num_embeddings:
        model.resize_token_embeddings(len(tokenizer))
    return model


def load_encoder(card: ModelCard, recursions: int | None = None) -> nn.Module:
    """The card's bare encoder (no head) in float32 and eval mode, e.g. to profile or export it."""
    Variant(recursions=recursions).check_model(card)
    return MODEL_KINDS.get(card.kind).load_encoder(card, recursions)


def export_encoder(card: ModelCard, output_dir, dtype: str = "float32") -> ParameterCounts:
    """Save the card's encoder alone (no pre-training head) with its tokenizer, e.g. to ship a student."""
    if dtype not in ("float32", "float16", "bfloat16"):
        raise BiobenchError(f"unknown dtype {dtype!r}: float32, float16 or bfloat16")
    model = load_encoder(card)
    model.to(getattr(torch, dtype)).save_pretrained(output_dir)
    load_tokenizer(card).save_pretrained(output_dir)
    return count_parameters(model)
