"""A sentence-level head on the mean of the token vectors instead of the ``[CLS]`` pooler.

Sentence-embedding models (all-MiniLM-L6-v2 and the other sentence-transformers)
were trained to be read by mean pooling; their ``[CLS]`` vector and pooler carry
little. ``--pooling mean`` puts a fresh linear head (dropout first) on the
attention-masked mean of the encoder's last hidden states, with transformers'
own sequence-classification loss (cross-entropy, BCE or MSE by ``problem_type``).
``--pooling auto`` (the default) reads a model's own pooling from its
sentence-transformers files (``modules.json`` -> the Pooling module's config).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

POOLINGS = ("auto", "cls", "mean")
SENTENCE_TRANSFORMERS_POOLING = "sentence_transformers.models.Pooling"


class MeanPooledClassifier(nn.Module):
    """``encoder`` (an ``AutoModel``) -> masked mean of its last hidden states -> dropout -> linear."""

    base_model_prefix = "encoder"

    def __init__(self, encoder: nn.Module, head_options: dict):
        super().__init__()
        self.encoder = encoder
        self.config = encoder.config
        for key, value in head_options.items():  # num_labels first: it resets id2label
            setattr(self.config, key, value)
        dropout = getattr(self.config, "classifier_dropout", None)
        self.dropout = nn.Dropout(dropout if dropout is not None else self.config.hidden_dropout_prob)
        self.classifier = nn.Linear(self.config.hidden_size, self.config.num_labels)
        nn.init.normal_(self.classifier.weight, std=self.config.initializer_range)
        nn.init.zeros_(self.classifier.bias)

    @property
    def base_model(self) -> nn.Module:
        return self.encoder

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None, **_):
        from transformers.loss.loss_utils import ForSequenceClassificationLoss
        from transformers.modeling_outputs import SequenceClassifierOutput

        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        logits = self.classifier(self.dropout(masked_mean(hidden, attention_mask)))
        loss = ForSequenceClassificationLoss(labels, logits, self.config) if labels is not None else None
        return SequenceClassifierOutput(loss=loss, logits=logits)


def masked_mean(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """The mean over the positions where ``attention_mask`` is 1 (batch x length x width -> batch x width)."""
    weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


def declared_pooling(location: str, revision: str | None = None) -> str:
    """``mean`` where the model is a sentence-transformers model pooled by the mean of its tokens, else ``cls``."""
    modules = _read_json(location, "modules.json", revision)
    for module in modules or []:
        if module.get("type") == SENTENCE_TRANSFORMERS_POOLING:
            config = _read_json(location, f"{module['path']}/config.json", revision) or {}
            return "mean" if config.get("pooling_mode_mean_tokens") else "cls"
    return "cls"


def _read_json(location: str, name: str, revision: str | None):
    """A JSON file of a local model folder or a Hub repository; ``None`` where there is none."""
    path = Path(location) / name
    if not Path(location).is_dir():
        try:
            from huggingface_hub import hf_hub_download

            path = Path(hf_hub_download(location, name, revision=revision))
        except Exception:  # no such file, no network, gated repository: the model's own head then
            return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
