"""The student starts from the teacher: copied layer, identity-like adapters, lower losses than random init."""

import torch
from transformers import AutoTokenizer, BertForMaskedLM

from biobench.models.loading import count_parameters
from biobench.distillation.student_init import random_student, student_config, student_from_teacher
from biobench.distillation.trainer import pack_passages
from biobench.distillation.losses import hidden_cosine_loss, layer_map
from builders import TASKS


def _setup(tiny_bert, adapters=True):
    teacher = BertForMaskedLM.from_pretrained(tiny_bert, attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    words = (TASKS / "ncbi-disease" / "data" / "train.tsv").read_text(encoding="utf-8").split("\n\n")[:60]
    passages = [" ".join(line.split("\t")[0] for line in block.splitlines()) for block in words]
    sequences = pack_passages(tokenizer, passages, 32)
    config = student_config(teacher.config, recursions=2, embedding_size=16, adapters=adapters, reduction_factor=4)
    return teacher, sequences, config


def test_student_shape_and_parameter_count(tiny_bert):
    teacher, sequences, config = _setup(tiny_bert)
    student = student_from_teacher(config, teacher, 1, sequences[:4], seed=0)
    vocab, hidden, embedding = teacher.config.vocab_size, 32, 16
    embeddings = (vocab + 128 + 2) * embedding + 2 * embedding + embedding * hidden + hidden
    layer = 4 * (hidden * hidden + hidden) + 2 * hidden + (hidden * 64 + 64) + (64 * hidden + hidden) + 2 * hidden
    adapters = 2 * 2 * (hidden * 8 + 8 + 8 * hidden + hidden + 2 * hidden)
    assert count_parameters(student.albert).unique == embeddings + layer + adapters


def test_shared_layer_is_a_copy_of_the_chosen_teacher_layer(tiny_bert):
    teacher, sequences, config = _setup(tiny_bert)
    student = student_from_teacher(config, teacher, 1, sequences[:4], seed=0)
    shared, source = student.albert.albert.encoder.shared_layer, teacher.bert.encoder.layer[1]
    assert torch.equal(shared.attention.query.weight, source.attention.self.query.weight)
    assert torch.equal(shared.ffn_output.weight, source.output.dense.weight)
    assert torch.equal(shared.full_layer_layer_norm.bias, source.output.LayerNorm.bias)


def test_calibrated_adapters_start_close_to_the_identity(tiny_bert):
    teacher, sequences, config = _setup(tiny_bert)
    with_adapters = student_from_teacher(config, teacher, 1, sequences[:4], seed=0).eval()
    plain_config = student_config(teacher.config, 2, 16, adapters=False, reduction_factor=4)
    plain = student_from_teacher(plain_config, teacher, 1, sequences[:4], seed=0).eval()
    with torch.no_grad():
        a = with_adapters.albert(input_ids=sequences[4:8]).last_hidden_state
        b = plain.albert(input_ids=sequences[4:8]).last_hidden_state
    assert torch.nn.functional.cosine_similarity(a, b, dim=-1).mean() > 0.95


def test_teacher_initialisation_starts_closer_to_the_teacher_than_random(tiny_bert):
    teacher, sequences, config = _setup(tiny_bert)
    ids = sequences[4:12]
    mask = torch.ones_like(ids)
    with torch.no_grad():
        target = teacher(input_ids=ids, output_hidden_states=True).hidden_states
        losses = {}
        for name, student in [("teacher", student_from_teacher(config, teacher, 1, sequences[:4], seed=0)),
                              ("random", random_student(config, seed=0))]:
            states = student.eval().albert(input_ids=ids, output_hidden_states=True).hidden_states
            losses[name] = float(hidden_cosine_loss(states, target, mask, layer_map(2, 2)))
    assert losses["teacher"] < 0.5 * losses["random"]
