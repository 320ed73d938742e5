"""Adapter tuning as in the MiniALBERT paper: train only the per-recursion adapters and the task head."""

from torch import nn

from .modeling_minialbert import MiniAlbertModel, MiniAlbertPreTrainedModel


def _recursive_encoder(model: MiniAlbertPreTrainedModel) -> MiniAlbertModel:
    """The MiniAlbertModel inside a task model, or the model itself."""
    return model if isinstance(model, MiniAlbertModel) else model.base_model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(trainable, total) number of parameter elements."""
    parameters = list(model.parameters())
    trainable = sum(parameter.numel() for parameter in parameters if parameter.requires_grad)
    return trainable, sum(parameter.numel() for parameter in parameters)


def freeze_all_but_adapters_and_head(model: MiniAlbertPreTrainedModel) -> tuple[int, int]:
    """Freeze embeddings, projector and the shared layer; keep every adapter and the task head trainable.

    Returns the (trainable, total) parameter counts afterwards. A model without adapters
    (`use_adapter=False`) cannot be adapter-tuned and raises ValueError.
    """
    encoder = _recursive_encoder(model)
    if encoder.att_adapters is None:
        raise ValueError("This MiniALBERT has no adapters (use_adapter=False); adapter tuning needs them.")
    adapter_ids = {id(p) for adapters in (encoder.att_adapters, encoder.mlp_adapters) for p in adapters.parameters()}
    encoder_ids = {id(p) for p in encoder.parameters()}
    for parameter in model.parameters():
        parameter.requires_grad_(id(parameter) in adapter_ids or id(parameter) not in encoder_ids)
    return count_parameters(model)
