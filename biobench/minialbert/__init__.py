"""MiniALBERT for transformers: configuration, models and loading; a model anyone can lift out.

Importing this package registers the `minialbert` model type with the transformers Auto classes, so
`AutoModel*.from_pretrained` reloads our own saves. The folder depends on torch and transformers only.
"""

from transformers import (
    AutoConfig,
    AutoModel,
    AutoModelForMaskedLM,
    AutoModelForQuestionAnswering,
    AutoModelForSequenceClassification,
    AutoModelForTokenClassification,
)

from .configuration_minialbert import MiniAlbertConfig
from .modeling_minialbert import (
    MiniAlbertForMaskedLM,
    MiniAlbertForQuestionAnswering,
    MiniAlbertForSequenceClassification,
    MiniAlbertForTokenClassification,
    MiniAlbertModel,
    MiniAlbertPreTrainedModel,
)


def _register_with_auto_classes() -> None:
    """Map the `minialbert` model type to our classes; `exist_ok` makes re-imports and reloads harmless."""
    AutoConfig.register(MiniAlbertConfig.model_type, MiniAlbertConfig, exist_ok=True)
    for auto_class, model_class in (
        (AutoModel, MiniAlbertModel),
        (AutoModelForMaskedLM, MiniAlbertForMaskedLM),
        (AutoModelForTokenClassification, MiniAlbertForTokenClassification),
        (AutoModelForSequenceClassification, MiniAlbertForSequenceClassification),
        (AutoModelForQuestionAnswering, MiniAlbertForQuestionAnswering),
    ):
        auto_class.register(MiniAlbertConfig, model_class, exist_ok=True)


_register_with_auto_classes()

__all__ = [
    "MiniAlbertConfig",
    "MiniAlbertForMaskedLM",
    "MiniAlbertForQuestionAnswering",
    "MiniAlbertForSequenceClassification",
    "MiniAlbertForTokenClassification",
    "MiniAlbertModel",
    "MiniAlbertPreTrainedModel",
]
