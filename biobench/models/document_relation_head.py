"""The document-level relation head: every candidate pair of a document from one encoding of it.

A batch holds whole documents: their windows (a document longer than the encoder's window is cut into
overlapping ones), where each mention's opening marker sits (window, position), which entity each
mention is of, and the candidate pairs of each document (head and tail entity). An entity's vector is
the log-sum-exp of its mention vectors, as in ATLOP (Zhou et al. 2021), taken across all of the
document's windows; a pair is read off its two entity vectors, concatenated, by a linear layer. The
logits are (documents, pairs, labels), padded pairs labelled -100 (no loss, dropped when decoding).
"""

from __future__ import annotations

import torch
from torch import nn

from biobench.models.encoder_head import EncoderHead


class DocumentRelationClassifier(EncoderHead):
    """``encoder`` over every window -> mention vectors at their opening markers -> log-sum-exp per entity ->
    [head; tail] per candidate pair -> dropout -> linear."""

    def __init__(self, encoder: nn.Module, head_options: dict):
        super().__init__(encoder, head_options, width=2)

    def forward(self, input_ids, attention_mask, mention_window, mention_position, mention_entity, pair_head,
                pair_tail, labels=None):
        from transformers.modeling_outputs import SequenceClassifierOutput

        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        entities = pooled_by_entity(hidden[mention_window, mention_position], mention_entity)
        pairs = torch.cat([entities[pair_head], entities[pair_tail]], dim=-1)
        logits = self.classifier(self.dropout(pairs))
        loss = None
        if labels is not None:
            loss = nn.functional.cross_entropy(logits.flatten(0, 1).float(), labels.flatten(), ignore_index=-100)
        return SequenceClassifierOutput(loss=loss, logits=logits)


def pooled_by_entity(mentions: torch.Tensor, entity: torch.Tensor) -> torch.Tensor:
    """Per entity, the log-sum-exp over its mentions' vectors, dimension by dimension (mentions x width ->
    entities x width; entity ``k`` is ``mentions[entity == k]``)."""
    count, index = int(entity.max()) + 1, entity.unsqueeze(-1).expand_as(mentions)
    maxima = torch.full((count, mentions.shape[-1]), -torch.inf, dtype=mentions.dtype, device=mentions.device)
    maxima = maxima.scatter_reduce(0, index, mentions, reduce="amax").detach()  # any shift gives the same value
    sums = torch.zeros_like(maxima).index_add(0, entity, (mentions - maxima[entity]).exp())
    return maxima + sums.log()
