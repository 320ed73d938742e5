"""Task heads the model wing puts on an encoder where the model's own head is not the one wanted.

``mean``: sentence-embedding models (all-MiniLM-L6-v2 and the other
sentence-transformers) were trained to be read by mean pooling; their ``[CLS]``
vector and pooler carry little. ``MeanPooledClassifier`` puts a fresh linear
head (dropout first) on the attention-masked mean of the encoder's last hidden
states, with transformers' own sequence-classification loss (cross-entropy, BCE
or MSE by ``problem_type``).

A new head is a class here, a value in ``Variant``'s ``HEADS`` and a line in ``HEAD_CLASSES``.
"""

from __future__ import annotations

import torch
from torch import nn


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


# Heads built on the bare encoder; the family's own head (``cls`` and single-head families) is the model's.
HEAD_CLASSES = {"mean": MeanPooledClassifier}
