"""What a fine-tuning run trains besides the head: bottleneck adapters (``adapters``)
or LoRA matrices (``lora``, through peft); ``full`` trains everything.

MiniALBERT students bring their own per-recursion adapters. Other (BERT-style)
models get the same bottleneck (down -> GELU -> up with a residual, reduction
factor 16) inserted Houlsby-style after the attention block and after the
feed-forward block of every layer, the backbone frozen. On BERT the bottleneck
feeds the block's own LayerNorm (trained, as in Houlsby et al. 2019) instead of
a second, fresh one, which would distort the pre-trained function at the start
(mean cosine 0.67 to the original hidden states on MiniLM-L6); with the
up-projection zero-initialised the adapted model starts exactly as pre-trained.
"""

from __future__ import annotations

import torch
from torch import nn

from biobench.errors import BiobenchError

REDUCTION_FACTOR = 16


class AdaptedOutput(nn.Module):
    """A BERT output block (dense, dropout, residual LayerNorm) with a bottleneck after its projection."""

    def __init__(self, block: nn.Module, reduction_factor: int):
        super().__init__()
        self.block = block
        hidden_size = block.dense.out_features
        self.adapter = nn.Sequential(
            nn.Linear(hidden_size, hidden_size // reduction_factor),
            nn.GELU(),
            nn.Linear(hidden_size // reduction_factor, hidden_size),
        )
        nn.init.zeros_(self.adapter[2].weight)
        nn.init.zeros_(self.adapter[2].bias)

    def forward(self, hidden_states: torch.Tensor, input_tensor: torch.Tensor) -> torch.Tensor:
        projected = self.block.dropout(self.block.dense(hidden_states))
        return self.block.LayerNorm(projected + self.adapter(projected) + input_tensor)


def insert_houlsby_adapters(model: nn.Module, reduction_factor: int = REDUCTION_FACTOR) -> int:
    """Wrap every BERT-style attention-output and feed-forward-output block and train only adapters,
    LayerNorms and the head; returns how many blocks were wrapped."""
    blocks = [
        (name, module)
        for name, module in model.named_modules()
        if name.endswith("output") and all(hasattr(module, part) for part in ("dense", "dropout", "LayerNorm"))
    ]
    if not blocks:
        raise BiobenchError(
            f"adapter tuning inserts adapters into BERT-style layers; {type(model).__name__} has none (try --peft lora)"
        )
    for name, block in blocks:
        parent_name, _, child = name.rpartition(".")
        setattr(model.get_submodule(parent_name), child, AdaptedOutput(block, reduction_factor))
    _train_only(model, lambda name: any(part in name for part in (".adapter.", ".LayerNorm."))
                or not name.startswith(model.base_model_prefix + "."))
    return len(blocks)


def _train_only(model: nn.Module, trainable) -> None:
    for name, parameter in model.named_parameters():
        parameter.requires_grad_(trainable(name))


def freeze_all_but_minialbert_adapters(model: nn.Module) -> None:
    """MiniALBERT: freeze embeddings, projector and the shared layer; train every per-recursion adapter and the head."""
    encoder = model if hasattr(model, "att_adapters") else model.base_model
    if encoder.att_adapters is None:
        raise BiobenchError("adapter tuning needs the MiniALBERT's adapters; this one has none (use_adapter=False)")
    adapters = {id(p) for block in (encoder.att_adapters, encoder.mlp_adapters) for p in block.parameters()}
    in_encoder = {id(p) for p in encoder.parameters()}
    for parameter in model.parameters():
        parameter.requires_grad_(id(parameter) in adapters or id(parameter) not in in_encoder)


def add_lora(model: nn.Module) -> nn.Module:
    """Rank-8 LoRA matrices on the attention query and value projections; the head trains too."""
    from peft import LoraConfig, get_peft_model

    heads = [name for name in ("classifier", "qa_outputs", "score") if hasattr(model, name)]
    config = LoraConfig(r=8, lora_alpha=16, lora_dropout=0.1, target_modules=["query", "value"], modules_to_save=heads)
    return get_peft_model(model, config)
