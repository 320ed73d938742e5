"""Task heads the model wing puts on an encoder where the model's own head is not the one wanted.

``mean``: sentence-embedding models (all-MiniLM-L6-v2 and the other
sentence-transformers) were trained to be read by mean pooling; their ``[CLS]``
vector and pooler carry little. ``MeanPooledClassifier`` puts a fresh linear
head (dropout first) on the attention-masked mean of the encoder's last hidden
states, with transformers' own sequence-classification loss (cross-entropy, BCE
or MSE by ``problem_type``).

``entity-start``: relations read off the concatenated vectors of the two entities'
opening markers (Baldini Soares et al. 2019, "Matching the Blanks": entity start),
whose positions the relation family's features carry (``e1_start``, ``e2_start``).

``document-entities`` (``document_relation_head``): every candidate pair of a document
from its entities' pooled mention vectors, the document encoded once.

A new head is a class here, a value in ``Variant``'s ``HEADS`` and a line in ``HEAD_CLASSES``.
"""

from __future__ import annotations

import torch
from torch import nn

from biobench.models.document_relation_head import DocumentRelationClassifier
from biobench.models.encoder_head import EncoderHead


class MeanPooledClassifier(EncoderHead):
    """``encoder`` (an ``AutoModel``) -> masked mean of its last hidden states -> dropout -> linear."""

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None, **_):
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self._hidden(input_ids, attention_mask, token_type_ids)
        return self._output(masked_mean(hidden, attention_mask), labels)


class EntityStartClassifier(EncoderHead):
    """``encoder`` -> its last hidden states at the two entities' opening markers, concatenated -> dropout ->
    linear."""

    def __init__(self, encoder: nn.Module, head_options: dict):
        super().__init__(encoder, head_options, width=2)

    def forward(self, input_ids, e1_start, e2_start, attention_mask=None, token_type_ids=None, labels=None):
        hidden = self._hidden(input_ids, attention_mask, token_type_ids)
        rows = torch.arange(hidden.shape[0], device=hidden.device)
        return self._output(torch.cat([hidden[rows, e1_start], hidden[rows, e2_start]], dim=-1), labels)


def masked_mean(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """The mean over the positions where ``attention_mask`` is 1 (batch x length x width -> batch x width)."""
    weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


# Heads built on the bare encoder; the family's own head (``cls`` and single-head families) is the model's,
# unless the family names one of these as its ``head_class``.
HEAD_CLASSES = {
    "mean": MeanPooledClassifier,
    "entity-start": EntityStartClassifier,
    "document-entities": DocumentRelationClassifier,
}
