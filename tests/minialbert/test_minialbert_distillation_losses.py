"""The distillation loss terms reproduce the reference values of distill-losses.json."""

import json

import pytest
import torch
from transformers import BertForMaskedLM

from biobench.distillation.losses import (
    LossWeights,
    attention_kl_loss,
    distillation_losses,
    embedding_cosine_loss,
    hidden_cosine_loss,
    layer_map,
    output_kl_loss,
)
from biobench.minialbert.loading import load_minialbert


@pytest.fixture(scope="module")
def golden(reference_dir):
    return json.loads((reference_dir / "distill-losses.json").read_text())


@pytest.fixture(scope="module")
def batch(golden):
    return {
        "input_ids": torch.tensor(golden["masked_input_ids"]),
        "attention_mask": torch.tensor(golden["attention_mask"]),
        "labels": torch.tensor(golden["labels"]),
    }


@pytest.fixture(scope="module")
def student_and_teacher_outputs(reference_dir, golden, batch):
    student = load_minialbert(reference_dir / golden["student_checkpoint"]).eval()
    teacher = BertForMaskedLM.from_pretrained(
        reference_dir / golden["teacher_checkpoint"], attn_implementation="eager"
    ).eval()
    with torch.no_grad():
        student_outputs = student(**batch, output_hidden_states=True, output_attentions=True)
        teacher_outputs = teacher(
            input_ids=batch["input_ids"],
            attention_mask=batch["attention_mask"],
            output_hidden_states=True,
            output_attentions=True,
        )
    return student_outputs, teacher_outputs


def assert_matches_golden(value: torch.Tensor, expected: float):
    assert value.item() == pytest.approx(expected, rel=1e-4, abs=1e-6)


def test_each_term_matches_reference(golden, batch, student_and_teacher_outputs):
    student, teacher = student_and_teacher_outputs
    mask, labels = batch["attention_mask"], batch["labels"]
    teacher_layers = layer_map(3, 6)

    assert_matches_golden(student.loss, golden["loss_mlm"])
    assert_matches_golden(
        attention_kl_loss(student.attentions, teacher.attentions, mask, teacher_layers), golden["loss_attention_kl"]
    )
    assert_matches_golden(
        hidden_cosine_loss(student.hidden_states, teacher.hidden_states, mask, teacher_layers),
        golden["loss_hidden_cosine"],
    )
    assert_matches_golden(
        output_kl_loss(student.logits, teacher.logits, labels, golden["temperature"]), golden["loss_output_kl"]
    )
    assert_matches_golden(
        embedding_cosine_loss(student.hidden_states, teacher.hidden_states, mask), golden["loss_embedding_cosine"]
    )


def test_total_matches_reference(golden, batch, student_and_teacher_outputs):
    student, teacher = student_and_teacher_outputs
    weights = LossWeights(**golden["total_weights"])
    assert weights == LossWeights()

    losses = distillation_losses(
        student, teacher, batch["attention_mask"], batch["labels"], golden["temperature"], weights
    )

    assert_matches_golden(losses.total, golden["loss_total"])
    assert_matches_golden(losses.attention, golden["loss_attention_kl"])
    assert_matches_golden(losses.embedding, golden["loss_embedding_cosine"])


def test_ablation_weights_add_the_embedding_term(golden, batch, student_and_teacher_outputs):
    student, teacher = student_and_teacher_outputs
    losses = distillation_losses(
        student, teacher, batch["attention_mask"], batch["labels"], weights=LossWeights(embedding=3.0)
    )
    expected = golden["loss_total"] + 3.0 * golden["loss_embedding_cosine"]
    assert losses.total.item() == pytest.approx(expected, rel=1e-4)


def test_loss_terms_carry_gradients_to_the_student(reference_dir, golden, batch, student_and_teacher_outputs):
    _, teacher = student_and_teacher_outputs
    student = load_minialbert(reference_dir / golden["student_checkpoint"])
    outputs = student(**batch, output_hidden_states=True, output_attentions=True)
    distillation_losses(outputs, teacher, batch["attention_mask"], batch["labels"]).total.backward()
    assert student.albert.att_adapters[0].block[0].weight.grad.abs().sum() > 0


@pytest.mark.parametrize(
    ("student_layers", "teacher_layers", "expected"),
    [
        (3, 6, [1, 3, 5]),  # the reference: i -> 2i + 1
        (6, 12, [1, 3, 5, 7, 9, 11]),
        (4, 12, [2, 5, 8, 11]),
        (4, 6, [0, 2, 3, 5]),
        (3, 3, [0, 1, 2]),
    ],
)
def test_layer_map(student_layers, teacher_layers, expected):
    assert layer_map(student_layers, teacher_layers) == expected


@pytest.mark.parametrize(("student_layers", "teacher_layers"), [(0, 6), (7, 6)])
def test_layer_map_rejects_impossible_sizes(student_layers, teacher_layers):
    with pytest.raises(ValueError):
        layer_map(student_layers, teacher_layers)
