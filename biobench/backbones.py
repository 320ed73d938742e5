"""Loading a model card's tokenizer and model with the head a family needs."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from biobench.errors import BiobenchError
from biobench.model_cards import ModelCard


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


def load_model(card: ModelCard, auto_class: str, head_options: dict):
    """The card's weights under a fresh task head of ``auto_class`` (``head_options``: num_labels, ...).

    Weights are loaded in float32 whatever their stored dtype (a half-precision
    checkpoint is fine-tuned in full precision; ``--precision bf16`` autocasts).
    """
    import transformers

    options = dict(
        head_options, revision=card.revision, trust_remote_code=card.trust_remote_code, dtype=torch.float32
    )
    try:
        if card.kind == "minialbert":
            return _load_minialbert(card, auto_class, options)
        return getattr(transformers, auto_class).from_pretrained(card.location(), **options)
    except OSError as error:
        raise BiobenchError(f"cannot load model {card.name!r} from {card.location()!r}: {error}") from None


def _load_minialbert(card: ModelCard, auto_class: str, options: dict):
    """Published nlpie checkpoints (``model_type: albert``) and our own saves alike."""
    import biobench.minialbert as minialbert
    from biobench.minialbert.loading import load_minialbert

    # AutoModel -> MiniAlbertModel, AutoModelForX -> MiniAlbertForX
    task_class = getattr(minialbert, auto_class.replace("AutoModelFor", "MiniAlbertFor").replace("AutoModel", "MiniAlbertModel"))
    options.pop("trust_remote_code")
    return load_minialbert(card.location(), task_class, **options)


def count_parameters(model: torch.nn.Module) -> ParameterCounts:
    seen: set[int] = set()
    total = unique = trainable = 0
    for _, parameter in model.named_parameters(remove_duplicate=False):
        total += parameter.numel()
        if parameter.data_ptr() not in seen:
            seen.add(parameter.data_ptr())
            unique += parameter.numel()
            trainable += parameter.numel() if parameter.requires_grad else 0
    return ParameterCounts(total, unique, trainable)


def export_encoder(card: ModelCard, output_dir, dtype: str = "float32") -> ParameterCounts:
    """Save the card's encoder alone (no pre-training head) with its tokenizer, e.g. to ship a student."""
    if dtype not in ("float32", "float16", "bfloat16"):
        raise BiobenchError(f"unknown dtype {dtype!r}: float32, float16 or bfloat16")
    model = load_model(card, "AutoModel", {})
    model.to(getattr(torch, dtype)).save_pretrained(output_dir)
    load_tokenizer(card).save_pretrained(output_dir)
    return count_parameters(model)
