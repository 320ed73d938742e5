"""PyTorch MiniALBERT: a recursive ALBERT student with per-recursion bottleneck adapters.

MiniALBERT (Nouriborji et al., 2022, nlpie-research/MiniALBERT) applies ONE shared ALBERT layer
`num_hidden_layers` times. Recursion i may wrap the shared attention with its own adapters:
`att_adapters[i]` before the attention and `mlp_adapters[i]` after it, then the shared feed-forward runs.

The state-dict layout is the one of the published nlpie checkpoints, so they load without conversion:

    albert.albert.embeddings.*                                      ALBERT embeddings (embedding_size)
    albert.albert.encoder.albert_layer_groups.0.albert_layers.0.*   the shared layer
    albert.projector.*                                              embedding_size -> hidden_size, if they differ
    albert.{att,mlp}_adapters.{i}.{block.0,block.2,norm}.*          adapters of recursion i
    vocab_transform, vocab_layer_norm, vocab_projector              masked-LM head
    classifier | qa_outputs                                         task heads

The published checkpoints also carry ALBERT's `pooler`, which MiniALBERT never uses; it is ignored on load.
ALBERT's embeddings, attention and feed-forward come from transformers; only the recursion loop, the
adapters and the heads are written here. Attention is eager-only: distillation needs the attention maps.
"""

import torch
from torch import nn
from torch.nn import CrossEntropyLoss
from transformers import PreTrainedModel
from transformers import initialization as init
from transformers.loss.loss_utils import ForSequenceClassificationLoss
from transformers.masking_utils import create_bidirectional_mask
from transformers.modeling_outputs import (
    BaseModelOutput,
    MaskedLMOutput,
    QuestionAnsweringModelOutput,
    SequenceClassifierOutput,
    TokenClassifierOutput,
)
from transformers.models.albert.modeling_albert import AlbertEmbeddings, AlbertLayer, AlbertLayerGroup
from transformers.utils.generic import can_return_tuple

from .configuration_minialbert import MiniAlbertConfig

# The reference hard-codes this epsilon for the adapters and the masked-LM head, whatever layer_norm_eps says.
REFERENCE_LAYER_NORM_EPS = 1e-12


class MiniAlbertAdapter(nn.Module):
    """Bottleneck adapter of one recursion: LayerNorm(x + up(GELU(down(x)))), with exact GELU."""

    def __init__(self, config: MiniAlbertConfig):
        super().__init__()
        bottleneck_size = config.hidden_size // config.reduction_factor
        self.block = nn.Sequential(
            nn.Linear(config.hidden_size, bottleneck_size),  # block.0: down-projection
            nn.GELU(),
            nn.Linear(bottleneck_size, config.hidden_size),  # block.2: up-projection
        )
        self.norm = nn.LayerNorm(config.hidden_size, eps=REFERENCE_LAYER_NORM_EPS)

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        return self.norm(hidden_states + self.block(hidden_states))


class MiniAlbertEncoder(nn.Module):
    """The single shared ALBERT layer, stored at ALBERT's key path `albert_layer_groups.0.albert_layers.0`."""

    def __init__(self, config: MiniAlbertConfig):
        super().__init__()
        self.albert_layer_groups = nn.ModuleList([AlbertLayerGroup(config)])

    @property
    def shared_layer(self) -> AlbertLayer:
        return self.albert_layer_groups[0].albert_layers[0]


class MiniAlbertCore(nn.Module):
    """ALBERT's embeddings and encoder under `AlbertModel`'s key names, minus the unused pooler."""

    def __init__(self, config: MiniAlbertConfig):
        super().__init__()
        self.embeddings = AlbertEmbeddings(config)
        self.encoder = MiniAlbertEncoder(config)


class MiniAlbertPreTrainedModel(PreTrainedModel):
    """Shared loading, saving and weight initialisation of the MiniALBERT models."""

    config: MiniAlbertConfig
    base_model_prefix = "albert"
    _keys_to_ignore_on_load_unexpected = [r"pooler\."]

    @torch.no_grad()
    def _init_weights(self, module):
        """Default init for linear, embedding and norm layers, plus the ALBERT embeddings' index buffers."""
        super()._init_weights(module)
        if isinstance(module, AlbertEmbeddings):
            init.copy_(module.position_ids, torch.arange(module.position_ids.shape[-1]).expand((1, -1)))
            init.zeros_(module.token_type_ids)


class MiniAlbertModel(MiniAlbertPreTrainedModel):
    """The recursive encoder; `hidden_states` are the projected embeddings, then one entry per recursion."""

    def __init__(self, config: MiniAlbertConfig):
        super().__init__(config)
        # The published layout nests ALBERT's weights one level down (albert.albert.* in a head model), so here
        # `albert` is the inner core; as a consequence `base_model` of a bare MiniAlbertModel is that core.
        self.albert = MiniAlbertCore(config)
        self.projector = (
            nn.Linear(config.embedding_size, config.hidden_size)
            if config.embedding_size != config.hidden_size
            else None
        )
        if config.use_adapter:
            self.att_adapters = nn.ModuleList(MiniAlbertAdapter(config) for _ in range(config.num_hidden_layers))
            self.mlp_adapters = nn.ModuleList(MiniAlbertAdapter(config) for _ in range(config.num_hidden_layers))
        else:
            self.att_adapters = None
            self.mlp_adapters = None
        self.post_init()

    def get_input_embeddings(self) -> nn.Embedding:
        return self.albert.embeddings.word_embeddings

    def set_input_embeddings(self, value: nn.Embedding) -> None:
        self.albert.embeddings.word_embeddings = value

    def resolve_recursions(self, recursions: int | None = None) -> int:
        """How many recursions to run: the forward argument, else `config.recursions`, else all of them."""
        if recursions is None:
            recursions = self.config.recursions
        if recursions is None:
            return self.config.num_hidden_layers
        if not 1 <= recursions <= self.config.num_hidden_layers:
            raise ValueError(f"recursions must be in [1, {self.config.num_hidden_layers}], got {recursions}.")
        return recursions

    def _run_recursion(
        self, hidden_states: torch.Tensor, attention_mask: torch.Tensor | None, index: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Apply the shared layer once, wrapped by the adapters of recursion `index` when the model has them."""
        layer = self.albert.encoder.shared_layer
        if self.att_adapters is not None:
            hidden_states = self.att_adapters[index](hidden_states)
        # ALBERT attention includes its own residual connection and LayerNorm.
        attention_output, attention_probs = layer.attention(hidden_states, attention_mask)
        if self.mlp_adapters is not None:
            attention_output = self.mlp_adapters[index](attention_output)
        ffn_output = layer.dropout(layer.ff_chunk(attention_output))
        hidden_states = layer.full_layer_layer_norm(attention_output + ffn_output)
        return hidden_states, attention_probs

    @can_return_tuple
    def forward(
        self,
        input_ids: torch.LongTensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.LongTensor | None = None,
        position_ids: torch.LongTensor | None = None,
        inputs_embeds: torch.Tensor | None = None,
        recursions: int | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
    ) -> BaseModelOutput:
        r"""
        inputs_embeds (`torch.Tensor` of shape `(batch_size, sequence_length, embedding_size)`, *optional*):
            Word embeddings to use instead of looking up `input_ids` (before the projector).
        recursions (`int`, *optional*):
            Run only the first `recursions` recursions (overrides `config.recursions`).
        """
        if (input_ids is None) == (inputs_embeds is None):
            raise ValueError("Pass exactly one of input_ids or inputs_embeds.")
        if output_attentions is None:
            output_attentions = self.config.output_attentions
        if output_hidden_states is None:
            output_hidden_states = self.config.output_hidden_states

        hidden_states = self.albert.embeddings(
            input_ids, token_type_ids=token_type_ids, position_ids=position_ids, inputs_embeds=inputs_embeds
        )
        if self.projector is not None:
            hidden_states = self.projector(hidden_states)
        attention_mask = create_bidirectional_mask(
            config=self.config, inputs_embeds=hidden_states, attention_mask=attention_mask
        )

        all_hidden_states = [hidden_states]
        all_attentions = []
        for index in range(self.resolve_recursions(recursions)):
            hidden_states, attention_probs = self._run_recursion(hidden_states, attention_mask, index)
            all_hidden_states.append(hidden_states)
            all_attentions.append(attention_probs)

        return BaseModelOutput(
            last_hidden_state=hidden_states,
            hidden_states=tuple(all_hidden_states) if output_hidden_states else None,
            attentions=tuple(all_attentions) if output_attentions else None,
        )


class MiniAlbertForMaskedLM(MiniAlbertPreTrainedModel):
    """MiniALBERT with the DistilBERT-style masked-LM head it is distilled and published with."""

    def __init__(self, config: MiniAlbertConfig):
        super().__init__(config)
        self.albert = MiniAlbertModel(config)
        self.vocab_transform = nn.Linear(config.hidden_size, config.hidden_size)
        self.vocab_layer_norm = nn.LayerNorm(config.hidden_size, eps=REFERENCE_LAYER_NORM_EPS)
        self.vocab_projector = nn.Linear(config.hidden_size, config.vocab_size)
        self.post_init()

    def get_output_embeddings(self) -> nn.Linear:
        return self.vocab_projector

    def set_output_embeddings(self, new_embeddings: nn.Linear) -> None:
        self.vocab_projector = new_embeddings

    @can_return_tuple
    def forward(
        self,
        input_ids: torch.LongTensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.LongTensor | None = None,
        position_ids: torch.LongTensor | None = None,
        inputs_embeds: torch.Tensor | None = None,
        labels: torch.LongTensor | None = None,
        recursions: int | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
        positions: torch.BoolTensor | None = None,
    ) -> MaskedLMOutput:
        r"""
        labels (`torch.LongTensor` of shape `(batch_size, sequence_length)`, *optional*):
            Token ids to predict; -100 marks positions that do not count in the loss.
        positions (`torch.BoolTensor` of shape `(batch_size, sequence_length)`, *optional*):
            Compute vocabulary logits only where True (e.g. the masked tokens): `logits` is then
            `(n_positions, vocab_size)` and the loss is taken against `labels[positions]`.
        """
        outputs = self.albert(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=token_type_ids,
            position_ids=position_ids,
            inputs_embeds=inputs_embeds,
            recursions=recursions,
            output_attentions=output_attentions,
            output_hidden_states=output_hidden_states,
            return_dict=True,
        )
        hidden = outputs.last_hidden_state if positions is None else outputs.last_hidden_state[positions]
        transformed = nn.functional.gelu(self.vocab_transform(hidden))
        logits = self.vocab_projector(self.vocab_layer_norm(transformed))

        loss = None
        if labels is not None:
            targets = labels if positions is None else labels[positions]
            loss = CrossEntropyLoss()(logits.view(-1, self.config.vocab_size), targets.view(-1))

        return MaskedLMOutput(
            loss=loss, logits=logits, hidden_states=outputs.hidden_states, attentions=outputs.attentions
        )


def _classifier_dropout(config: MiniAlbertConfig) -> nn.Dropout:
    """Dropout before a classifier, as the reference sets it (BERT's rule, not ALBERT's)."""
    probability = config.classifier_dropout
    return nn.Dropout(config.hidden_dropout_prob if probability is None else probability)


class MiniAlbertForTokenClassification(MiniAlbertPreTrainedModel):
    """MiniALBERT with a linear classifier on every token state (e.g. NER tagging)."""

    def __init__(self, config: MiniAlbertConfig):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.albert = MiniAlbertModel(config)
        self.dropout = _classifier_dropout(config)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    @can_return_tuple
    def forward(
        self,
        input_ids: torch.LongTensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.LongTensor | None = None,
        position_ids: torch.LongTensor | None = None,
        inputs_embeds: torch.Tensor | None = None,
        labels: torch.LongTensor | None = None,
        recursions: int | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
    ) -> TokenClassifierOutput:
        r"""
        labels (`torch.LongTensor` of shape `(batch_size, sequence_length)`, *optional*):
            Label index per token; -100 marks positions that do not count in the loss.
        """
        outputs = self.albert(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=token_type_ids,
            position_ids=position_ids,
            inputs_embeds=inputs_embeds,
            recursions=recursions,
            output_attentions=output_attentions,
            output_hidden_states=output_hidden_states,
            return_dict=True,
        )
        logits = self.classifier(self.dropout(outputs.last_hidden_state))

        loss = None
        if labels is not None:
            loss = CrossEntropyLoss()(logits.view(-1, self.num_labels), labels.view(-1))

        return TokenClassifierOutput(
            loss=loss, logits=logits, hidden_states=outputs.hidden_states, attentions=outputs.attentions
        )


class MiniAlbertForSequenceClassification(MiniAlbertPreTrainedModel):
    """MiniALBERT with a linear classifier on the state at position 0 (CLS); no pooler, as in the reference."""

    def __init__(self, config: MiniAlbertConfig):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.albert = MiniAlbertModel(config)
        self.dropout = _classifier_dropout(config)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    @can_return_tuple
    def forward(
        self,
        input_ids: torch.LongTensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.LongTensor | None = None,
        position_ids: torch.LongTensor | None = None,
        inputs_embeds: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        recursions: int | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
    ) -> SequenceClassifierOutput:
        r"""
        labels (`torch.Tensor` of shape `(batch_size,)` or `(batch_size, num_labels)`, *optional*):
            Class indices (single-label), floats (regression when num_labels == 1) or multi-hot floats
            (multi-label); `config.problem_type` fixes the choice when set.
        """
        outputs = self.albert(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=token_type_ids,
            position_ids=position_ids,
            inputs_embeds=inputs_embeds,
            recursions=recursions,
            output_attentions=output_attentions,
            output_hidden_states=output_hidden_states,
            return_dict=True,
        )
        logits = self.classifier(self.dropout(outputs.last_hidden_state[:, 0]))

        loss = None
        if labels is not None:
            loss = ForSequenceClassificationLoss(labels, logits, self.config)

        return SequenceClassifierOutput(
            loss=loss, logits=logits, hidden_states=outputs.hidden_states, attentions=outputs.attentions
        )


class MiniAlbertForQuestionAnswering(MiniAlbertPreTrainedModel):
    """MiniALBERT with a start/end span head (`qa_outputs`) for extractive question answering."""

    def __init__(self, config: MiniAlbertConfig):
        super().__init__(config)
        self.albert = MiniAlbertModel(config)
        self.qa_outputs = nn.Linear(config.hidden_size, 2)
        self.post_init()

    @can_return_tuple
    def forward(
        self,
        input_ids: torch.LongTensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.LongTensor | None = None,
        position_ids: torch.LongTensor | None = None,
        inputs_embeds: torch.Tensor | None = None,
        start_positions: torch.LongTensor | None = None,
        end_positions: torch.LongTensor | None = None,
        recursions: int | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
    ) -> QuestionAnsweringModelOutput:
        r"""
        start_positions, end_positions (`torch.LongTensor` of shape `(batch_size,)`, *optional*):
            Token index of the answer span's first and last token; positions outside the sequence are ignored.
        """
        outputs = self.albert(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=token_type_ids,
            position_ids=position_ids,
            inputs_embeds=inputs_embeds,
            recursions=recursions,
            output_attentions=output_attentions,
            output_hidden_states=output_hidden_states,
            return_dict=True,
        )
        start_logits, end_logits = self.qa_outputs(outputs.last_hidden_state).unbind(dim=-1)

        loss = None
        if start_positions is not None and end_positions is not None:
            ignored_index = start_logits.size(1)
            loss_fct = CrossEntropyLoss(ignore_index=ignored_index)
            start_loss = loss_fct(start_logits, start_positions.view(-1).clamp(0, ignored_index))
            end_loss = loss_fct(end_logits, end_positions.view(-1).clamp(0, ignored_index))
            loss = (start_loss + end_loss) / 2

        return QuestionAnsweringModelOutput(
            loss=loss,
            start_logits=start_logits.contiguous(),
            end_logits=end_logits.contiguous(),
            hidden_states=outputs.hidden_states,
            attentions=outputs.attentions,
        )


__all__ = [
    "MiniAlbertAdapter",
    "MiniAlbertForMaskedLM",
    "MiniAlbertForQuestionAnswering",
    "MiniAlbertForSequenceClassification",
    "MiniAlbertForTokenClassification",
    "MiniAlbertModel",
    "MiniAlbertPreTrainedModel",
]
