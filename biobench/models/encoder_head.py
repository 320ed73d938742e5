"""The base of the heads the model wing puts on a bare encoder: a fresh linear layer, dropout first."""

from __future__ import annotations

import torch
from torch import nn


class EncoderHead(nn.Module):
    """A fresh linear head (dropout first) over ``width`` times the encoder's hidden size; ``head_options``
    (``num_labels``, ``id2label``, ``problem_type``, ...) go into the encoder's config."""

    base_model_prefix = "encoder"

    def __init__(self, encoder: nn.Module, head_options: dict, width: int = 1):
        super().__init__()
        self.encoder = encoder
        self.config = encoder.config
        for key, value in head_options.items():  # num_labels first: it resets id2label
            setattr(self.config, key, value)
        dropout = getattr(self.config, "classifier_dropout", None)
        self.dropout = nn.Dropout(dropout if dropout is not None else self.config.hidden_dropout_prob)
        self.classifier = nn.Linear(width * self.config.hidden_size, self.config.num_labels)
        nn.init.normal_(self.classifier.weight, std=self.config.initializer_range)
        nn.init.zeros_(self.classifier.bias)

    @property
    def base_model(self) -> nn.Module:
        return self.encoder

    def _hidden(self, input_ids, attention_mask, token_type_ids) -> torch.Tensor:
        return self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state

    def _output(self, pooled: torch.Tensor, labels):
        from transformers.loss.loss_utils import ForSequenceClassificationLoss
        from transformers.modeling_outputs import SequenceClassifierOutput

        logits = self.classifier(self.dropout(pooled))
        loss = ForSequenceClassificationLoss(labels, logits, self.config) if labels is not None else None
        return SequenceClassifierOutput(loss=loss, logits=logits)
