"""The MiniALBERT reference distillation loss terms, as pure functions of student and teacher outputs.

A student with N recursions learns from a masked-LM teacher through: its own masked-LM loss; the
attention maps and hidden states of each recursion against one teacher layer each (`layer_map`); and
the teacher's output distribution at the masked positions. Inputs are model outputs as transformers
returns them: `hidden_states[0]` is the embedding output and `hidden_states[i + 1]` the output of layer
(recursion) i; `attentions[i]` is layer i's (batch, heads, query, key) map; `attention_mask` is the
(batch, sequence) padding mask with 1 for real tokens; `labels` holds -100 except at masked positions.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch.nn import functional as F
from transformers.utils import ModelOutput

# Added to both attention maps before the KL divergence, so that log(0) never occurs.
ATTENTION_EPS = 1e-12


@dataclass(frozen=True)
class LossWeights:
    """Weights of the total loss; the defaults are the reference's 1 * mlm + 3 * (att + hidden) + 5 * output.

    The embedding term was used only in the paper's ablations (with weight 3.0).
    """

    mlm: float = 1.0
    attention: float = 3.0
    hidden: float = 3.0
    output: float = 5.0
    embedding: float = 0.0


@dataclass(frozen=True)
class DistillationLosses:
    """Every loss term of one batch, and their weighted total."""

    mlm: torch.Tensor
    attention: torch.Tensor
    hidden: torch.Tensor
    output: torch.Tensor
    embedding: torch.Tensor
    total: torch.Tensor


def layer_map(student_layers: int, teacher_layers: int) -> list[int]:
    """The teacher layer (0-based) each student recursion is matched to.

    Each recursion takes the last layer of its share of the teacher: (i + 1) * T // S - 1, which is the
    reference's i -> 2i + 1 when the teacher has twice as many layers, and proportional otherwise.
    """
    if not 1 <= student_layers <= teacher_layers:
        raise ValueError(f"Need 1 <= student layers <= teacher layers, got {student_layers} and {teacher_layers}.")
    return [(i + 1) * teacher_layers // student_layers - 1 for i in range(student_layers)]


def attention_kl_loss(
    student_attentions: Sequence[torch.Tensor],
    teacher_attentions: Sequence[torch.Tensor],
    attention_mask: torch.Tensor,
    teacher_layers: Sequence[int],
) -> torch.Tensor:
    """Sum over recursions of KL(teacher map || student map), averaged over every element of the rows of real
    query tokens (reduction "mean", not per batch), both maps shifted by ATTENTION_EPS."""
    real_queries = attention_mask.bool()
    total = 0
    for student_map, teacher_layer in zip(student_attentions, teacher_layers, strict=True):
        # (batch, heads, query, key) -> (real queries, heads, key)
        student_rows = student_map.transpose(1, 2)[real_queries] + ATTENTION_EPS
        teacher_rows = teacher_attentions[teacher_layer].transpose(1, 2)[real_queries] + ATTENTION_EPS
        # Elementwise then .mean(): torch's reduction="mean", spelled out because torch deprecates that name.
        total = total + F.kl_div(torch.log(student_rows), teacher_rows, reduction="none").mean()
    return total


def _cosine_loss_at_real_tokens(student: torch.Tensor, teacher: torch.Tensor, attention_mask: torch.Tensor):
    """Cosine embedding loss (target 1, mean) between two (batch, sequence, hidden) tensors at real tokens."""
    real_tokens = attention_mask.bool()
    student_vectors, teacher_vectors = student[real_tokens], teacher[real_tokens]
    target = student_vectors.new_ones(student_vectors.size(0))
    return F.cosine_embedding_loss(student_vectors, teacher_vectors, target, reduction="mean")


def hidden_cosine_loss(
    student_hidden_states: Sequence[torch.Tensor],
    teacher_hidden_states: Sequence[torch.Tensor],
    attention_mask: torch.Tensor,
    teacher_layers: Sequence[int],
) -> torch.Tensor:
    """Sum over recursions of the cosine loss between the recursion's output and its teacher layer's output."""
    total = 0
    for student_output, teacher_layer in zip(student_hidden_states[1:], teacher_layers, strict=True):
        teacher_output = teacher_hidden_states[teacher_layer + 1]
        total = total + _cosine_loss_at_real_tokens(student_output, teacher_output, attention_mask)
    return total


def embedding_cosine_loss(
    student_hidden_states: Sequence[torch.Tensor],
    teacher_hidden_states: Sequence[torch.Tensor],
    attention_mask: torch.Tensor,
) -> torch.Tensor:
    """Cosine loss between the student's (projected) and the teacher's embedding outputs; ablations only."""
    return _cosine_loss_at_real_tokens(student_hidden_states[0], teacher_hidden_states[0], attention_mask)


def output_kl_loss(
    student_logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor, temperature: float = 1.0
) -> torch.Tensor:
    """KL(batchmean) between the tempered teacher and student vocabulary distributions at masked positions,
    times temperature squared."""
    masked = labels >= 0
    student_log_probs = F.log_softmax(student_logits[masked] / temperature, dim=-1)
    teacher_probs = F.softmax(teacher_logits[masked] / temperature, dim=-1)
    return F.kl_div(student_log_probs, teacher_probs, reduction="batchmean") * temperature**2


def distillation_losses(
    student_outputs: ModelOutput,
    teacher_outputs: ModelOutput,
    attention_mask: torch.Tensor,
    labels: torch.Tensor,
    temperature: float = 1.0,
    weights: LossWeights = LossWeights(),
) -> DistillationLosses:
    """All terms for one batch and their weighted total.

    `student_outputs` comes from a masked-LM student called with `labels`, `output_hidden_states=True` and
    `output_attentions=True` (its `loss` is the MLM term); `teacher_outputs` from the teacher on the same
    inputs with hidden states and attentions (computed without gradient by the caller).
    """
    teacher_layers = layer_map(len(student_outputs.attentions), len(teacher_outputs.attentions))
    attention = attention_kl_loss(
        student_outputs.attentions, teacher_outputs.attentions, attention_mask, teacher_layers
    )
    hidden = hidden_cosine_loss(
        student_outputs.hidden_states, teacher_outputs.hidden_states, attention_mask, teacher_layers
    )
    output = output_kl_loss(student_outputs.logits, teacher_outputs.logits, labels, temperature)
    embedding = embedding_cosine_loss(student_outputs.hidden_states, teacher_outputs.hidden_states, attention_mask)
    total = (
        weights.mlm * student_outputs.loss
        + weights.attention * attention
        + weights.hidden * hidden
        + weights.output * output
        + weights.embedding * embedding
    )
    return DistillationLosses(
        mlm=student_outputs.loss, attention=attention, hidden=hidden, output=output, embedding=embedding, total=total
    )
