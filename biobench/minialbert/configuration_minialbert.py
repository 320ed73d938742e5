"""MiniALBERT configuration: ALBERT's fields plus the recursive student's adapter and depth settings."""

import os

from huggingface_hub.dataclasses import strict
from transformers import AlbertConfig

# Published nlpie checkpoints declare themselves as plain ALBERT; our own saves use "minialbert".
_COMPATIBLE_MODEL_TYPES = ("albert", "minialbert")


@strict
class MiniAlbertConfig(AlbertConfig):
    r"""
    Configuration of a MiniALBERT student: one shared ALBERT layer applied `num_hidden_layers` times.

    use_adapter (`bool`, *optional*, defaults to `True`):
        Whether each recursion has its own pair of bottleneck adapters (before and after the attention).
    reduction_factor (`int`, *optional*, defaults to 16):
        Adapter bottleneck width is `hidden_size // reduction_factor`.
    recursions (`int`, *optional*):
        Depth-adaptive inference: run only the first `recursions` recursions (with the first adapters).
        `None` runs all `num_hidden_layers`.
    classifier_dropout (`float`, *optional*):
        Dropout before the classification heads; `None` falls back to `hidden_dropout_prob`, as in the
        reference implementation (which ignores ALBERT's `classifier_dropout_prob`).
    """

    model_type = "minialbert"

    use_adapter: bool = True
    reduction_factor: int = 16
    recursions: int | None = None
    classifier_dropout: float | int | None = None
    # The masked-LM decoder (`vocab_projector`) is its own matrix, never tied to the word embeddings.
    tie_word_embeddings: bool = False

    def __post_init__(self, **kwargs):
        # A published config's `model_type: "albert"` must not shadow ours as an instance attribute.
        kwargs.pop("model_type", None)
        super().__post_init__(**kwargs)

    def validate_single_shared_layer(self):
        """MiniALBERT shares exactly one layer; ALBERT's grouping options would change the key layout."""
        if self.num_hidden_groups != 1 or self.inner_group_num != 1:
            raise ValueError(
                "MiniALBERT has one shared layer: num_hidden_groups and inner_group_num must be 1, "
                f"got {self.num_hidden_groups} and {self.inner_group_num}."
            )

    def validate_recursions(self):
        """Depth-adaptive inference can only drop recursions, never add them."""
        if self.recursions is not None and not 1 <= self.recursions <= self.num_hidden_layers:
            raise ValueError(f"recursions must be in [1, {self.num_hidden_layers}], got {self.recursions}.")

    @classmethod
    def from_checkpoint(cls, pretrained_model_name_or_path: str | os.PathLike, **kwargs) -> "MiniAlbertConfig":
        """Read the config of a published nlpie checkpoint (`model_type: "albert"`) or of our own saves.

        `pretrained_model_name_or_path` is a local folder, a `config.json` path or a Hub id; `kwargs` override
        config fields (e.g. `recursions=2`, `num_labels=5`) or go to the Hub download (e.g. `revision`).
        """
        config_dict, kwargs = cls.get_config_dict(pretrained_model_name_or_path, **kwargs)
        model_type = config_dict.pop("model_type", None)
        if model_type not in _COMPATIBLE_MODEL_TYPES:
            raise ValueError(
                f"{pretrained_model_name_or_path} is a {model_type!r} checkpoint, not a MiniALBERT "
                f"(expected model_type in {_COMPATIBLE_MODEL_TYPES})."
            )
        config = cls.from_dict(config_dict, **kwargs)
        config.validate()  # overrides are set after construction, so check them again
        return config


__all__ = ["MiniAlbertConfig"]
