"""The one place a model for a run is assembled: card + family + labels + variant -> a model to train."""

from __future__ import annotations

from torch import nn

from biobench.models.cards import ModelCard
from biobench.models.heads import HEAD_CLASSES
from biobench.models.variant import Variant
from biobench.registry import MODEL_KINDS


def build_task_model(card: ModelCard, family, labels: list[str], variant: Variant) -> nn.Module:
    """The card's encoder under the family's head (or the variant's), tuned as the variant says.

    ``variant`` must be resolved for this model and family (``Variant.resolved``).
    Returns the module to train: peft wraps the model for LoRA.
    """
    from biobench.models.tuning import add_lora

    variant.check_model(card)
    kind = MODEL_KINDS.get(card.kind)
    head_options = family.head_options(labels)
    if variant.head in HEAD_CLASSES:
        model = HEAD_CLASSES[variant.head](kind.load_encoder(card, variant.recursions).train(), head_options)
    else:
        model = kind.load_task_model(card, family.auto_class, head_options, variant.recursions)
    if variant.tuning == "adapters":
        kind.prepare_adapter_tuning(model)
    elif variant.tuning == "lora":
        model = add_lora(model)
    return model


def load_encoder(card: ModelCard, recursions: int | None = None) -> nn.Module:
    """The card's bare encoder (no head) in float32 and eval mode, e.g. to profile or export it."""
    Variant(recursions=recursions).check_model(card)
    return MODEL_KINDS.get(card.kind).load_encoder(card, recursions)
