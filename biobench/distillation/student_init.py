"""A MiniALBERT student shaped after its teacher, initialised from the teacher's weights or at random.

From the teacher (BERT-style): the factorised embeddings come from a truncated SVD of the teacher's
embedding tables (words, positions and token types share the top singular directions), the projector
maps them back and carries the teacher's embedding LayerNorm; the shared layer is a copy of one teacher
layer; each adapter is calibrated to start as (nearly) the identity, so the untrained student already
computes the teacher's embedding and repeated-layer function; the masked-LM decoder starts as the
teacher's word embeddings (BERT ties them).
"""

from __future__ import annotations

import torch
from torch import nn

from biobench.errors import BiobenchError
from biobench.minialbert import MiniAlbertConfig, MiniAlbertForMaskedLM


def student_config(teacher_config, recursions: int, embedding_size: int, adapters: bool, reduction_factor: int):
    """The student's config: the teacher's width, heads, vocabulary and positions, its own depth and embeddings."""
    if recursions > teacher_config.num_hidden_layers:
        raise BiobenchError(
            f"--recursions {recursions} is more than the teacher's {teacher_config.num_hidden_layers} layers"
        )
    return MiniAlbertConfig(
        vocab_size=teacher_config.vocab_size,
        embedding_size=embedding_size,
        hidden_size=teacher_config.hidden_size,
        num_hidden_layers=recursions,
        num_attention_heads=teacher_config.num_attention_heads,
        intermediate_size=teacher_config.intermediate_size,
        hidden_act=teacher_config.hidden_act,
        max_position_embeddings=teacher_config.max_position_embeddings,
        type_vocab_size=teacher_config.type_vocab_size,
        layer_norm_eps=teacher_config.layer_norm_eps,
        pad_token_id=teacher_config.pad_token_id,
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        use_adapter=adapters,
        reduction_factor=reduction_factor,
    )


def random_student(config: MiniAlbertConfig, seed: int) -> MiniAlbertForMaskedLM:
    torch.manual_seed(seed)
    return MiniAlbertForMaskedLM(config)


@torch.no_grad()
def student_from_teacher(
    config: MiniAlbertConfig, teacher: nn.Module, teacher_layer: int, calibration_ids: torch.Tensor, seed: int
) -> MiniAlbertForMaskedLM:
    """A student whose embeddings, shared layer, adapters and decoder start from ``teacher`` (see module doc).

    ``calibration_ids``: a (batch, sequence) tensor of real token ids to calibrate the adapters on.
    """
    student = random_student(config, seed)
    bert = _bert_core(teacher)
    _copy_embeddings(student, bert.embeddings, config.embedding_size)
    _copy_layer(student.albert.albert.encoder.shared_layer, bert.encoder.layer[teacher_layer])
    if config.use_adapter:
        _calibrate_adapters(student, calibration_ids)
    words = bert.embeddings.word_embeddings.weight
    student.vocab_projector.weight.copy_(words)
    student.vocab_projector.bias.zero_()
    student.vocab_transform.weight.copy_(torch.eye(config.hidden_size))
    student.vocab_transform.bias.zero_()
    return student


def _bert_core(teacher: nn.Module) -> nn.Module:
    core = getattr(teacher, teacher.base_model_prefix, teacher)
    if not (hasattr(core, "embeddings") and hasattr(core, "encoder") and hasattr(core.encoder, "layer")):
        raise BiobenchError(
            f"initialising a student from the teacher needs a BERT-style teacher; {type(teacher).__name__} is not "
            "(use --init random)"
        )
    return core


def _copy_embeddings(student: MiniAlbertForMaskedLM, teacher_embeddings: nn.Module, embedding_size: int) -> None:
    """Words, positions and types projected on the top singular directions of their (centred) rows.

    Teacher: LN_H(w + p + t). Student: projector(LN_E(w' + p' + t')) with x' = x V (V: H x E, orthonormal).
    With centred rows and most energy kept, V LN_E(x') * sqrt(H / E) ~ LN_H(x) before its affine part;
    the projector applies V, that scale and the teacher's LayerNorm weight; its bias is the LayerNorm's.
    """
    tables = [
        teacher_embeddings.word_embeddings.weight,
        teacher_embeddings.position_embeddings.weight,
        teacher_embeddings.token_type_embeddings.weight,
    ]
    centred = [table - table.mean(dim=1, keepdim=True) for table in tables]
    # Each table weighs in equally, so the few position and type rows are not lost among the words.
    stacked = torch.cat([table / table.norm() for table in centred])
    directions = torch.linalg.svd(stacked, full_matrices=False).Vh[:embedding_size].T  # (H, E)
    embeddings = student.albert.albert.embeddings
    for target, table in zip(
        (embeddings.word_embeddings, embeddings.position_embeddings, embeddings.token_type_embeddings), centred
    ):
        target.weight.copy_(table[: target.weight.shape[0]] @ directions)
    embeddings.LayerNorm.weight.fill_(1.0)
    embeddings.LayerNorm.bias.zero_()
    hidden_size = directions.shape[0]
    norm = teacher_embeddings.LayerNorm
    projector = student.albert.projector
    projector.weight.copy_(norm.weight[:, None] * directions * (hidden_size / embedding_size) ** 0.5)
    projector.bias.copy_(norm.bias)


def _copy_layer(shared, teacher_layer) -> None:
    """BERT layer -> ALBERT layer, parameter by parameter."""
    pairs = {
        shared.attention.query: teacher_layer.attention.self.query,
        shared.attention.key: teacher_layer.attention.self.key,
        shared.attention.value: teacher_layer.attention.self.value,
        shared.attention.dense: teacher_layer.attention.output.dense,
        shared.attention.LayerNorm: teacher_layer.attention.output.LayerNorm,
        shared.ffn: teacher_layer.intermediate.dense,
        shared.ffn_output: teacher_layer.output.dense,
        shared.full_layer_layer_norm: teacher_layer.output.LayerNorm,
    }
    for target, source in pairs.items():
        target.load_state_dict(source.state_dict())


def _calibrate_adapters(student: MiniAlbertForMaskedLM, input_ids: torch.Tensor) -> None:
    """Zero each adapter's up-projection and set its LayerNorm to undo the normalisation of its inputs.

    An adapter computes LN(x + up(...)); with up = 0 that is (x - mean) / std * weight + bias per token.
    Weight = the typical per-token std and bias = the typical per-token mean of its inputs (measured on
    ``input_ids``, adapters calibrated in order) make it return roughly x.
    """
    model = student.albert
    student.eval()
    for index in range(model.config.num_hidden_layers):
        for adapter in (model.att_adapters[index], model.mlp_adapters[index]):
            nn.init.zeros_(adapter.block[2].weight)
            nn.init.zeros_(adapter.block[2].bias)
            inputs = _adapter_inputs(student, adapter, input_ids)
            adapter.norm.weight.fill_(inputs.std(dim=-1, unbiased=False).mean())
            adapter.norm.bias.fill_(inputs.mean())
    student.train()


def _adapter_inputs(student: MiniAlbertForMaskedLM, adapter: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    captured = []
    handle = adapter.register_forward_pre_hook(lambda module, args: captured.append(args[0]))
    try:
        student.albert(input_ids=input_ids)
    finally:
        handle.remove()
    return captured[0]
