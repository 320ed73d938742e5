"""Task heads compute the losses transformers' heads compute, and accept the usual transformers inputs."""

import pytest
import torch
from torch.nn import functional as F

from biobench.minialbert import (
    MiniAlbertForMaskedLM,
    MiniAlbertForQuestionAnswering,
    MiniAlbertForSequenceClassification,
    MiniAlbertForTokenClassification,
    MiniAlbertModel,
)
from biobench.minialbert.loading import load_minialbert

BACKBONE = "mlm-adapters-emb16"


def test_masked_lm_loss_is_cross_entropy_over_labelled_tokens(reference_dir, reference_inputs):
    model = load_minialbert(reference_dir / BACKBONE).eval()
    labels = torch.full_like(reference_inputs["input_ids"], -100)
    labels[0, 2], labels[1, 3] = 45, 110

    outputs = model(**reference_inputs, labels=labels)

    expected = F.cross_entropy(outputs.logits[[0, 1], [2, 3]], torch.tensor([45, 110]))
    torch.testing.assert_close(outputs.loss, expected)


def test_token_classification_loss_ignores_padding_labels(reference_dir, reference_inputs):
    model = load_minialbert(reference_dir / "tokcls-adapters-emb16", MiniAlbertForTokenClassification).eval()
    labels = torch.where(reference_inputs["attention_mask"].bool(), 1, -100)

    outputs = model(**reference_inputs, labels=labels)

    real = reference_inputs["attention_mask"].bool()
    torch.testing.assert_close(outputs.loss, F.cross_entropy(outputs.logits[real], labels[real]))


def test_sequence_classification_pools_position_zero(reference_dir, reference_inputs):
    model = load_minialbert(reference_dir / "seqcls-adapters-emb16", MiniAlbertForSequenceClassification).eval()
    outputs = model(**reference_inputs, output_hidden_states=True)
    torch.testing.assert_close(outputs.logits, model.classifier(outputs.hidden_states[-1][:, 0]))


@pytest.mark.parametrize(
    ("num_labels", "problem_type", "labels", "loss_function"),
    [
        (3, None, torch.tensor([2, 0]), F.cross_entropy),
        (1, None, torch.tensor([0.5, -1.0]), lambda logits, labels: F.mse_loss(logits.squeeze(), labels)),
        (3, None, torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), F.binary_cross_entropy_with_logits),
        (3, "multi_label_classification", torch.tensor([[1.0, 0, 1], [0, 1, 0]]), F.binary_cross_entropy_with_logits),
        (2, "regression", torch.tensor([[0.1, 0.2], [0.3, 0.4]]), F.mse_loss),
    ],
)
def test_sequence_classification_problem_types(
    reference_dir, reference_inputs, num_labels, problem_type, labels, loss_function
):
    model = load_minialbert(reference_dir / BACKBONE, MiniAlbertForSequenceClassification, num_labels=num_labels)
    model.config.problem_type = problem_type

    outputs = model.eval()(**reference_inputs, labels=labels)

    assert outputs.logits.shape == (2, num_labels)
    torch.testing.assert_close(outputs.loss, loss_function(outputs.logits, labels))


def test_question_answering_span_loss(reference_dir, reference_inputs):
    model = load_minialbert(reference_dir / BACKBONE, MiniAlbertForQuestionAnswering).eval()
    start_positions, end_positions = torch.tensor([1, 2]), torch.tensor([3, 99])  # 99: outside, ignored

    outputs = model(**reference_inputs, start_positions=start_positions, end_positions=end_positions)

    assert outputs.start_logits.shape == outputs.end_logits.shape == (2, 10)
    expected_end = F.cross_entropy(outputs.end_logits[:1], end_positions[:1])
    expected = (F.cross_entropy(outputs.start_logits, start_positions) + expected_end) / 2
    torch.testing.assert_close(outputs.loss, expected)


def test_tuple_outputs_and_config_defaults(reference_dir, reference_inputs):
    model = load_minialbert(reference_dir / BACKBONE, MiniAlbertModel).eval()
    assert model(**reference_inputs).hidden_states is None
    assert model(**reference_inputs).attentions is None

    model.config.output_hidden_states = True
    last_hidden_state, hidden_states = model(**reference_inputs, return_dict=False)
    assert torch.equal(last_hidden_state, hidden_states[-1])


def test_inputs_embeds_match_input_ids(reference_dir, reference_inputs):
    model = load_minialbert(reference_dir / BACKBONE, MiniAlbertForMaskedLM).eval()
    word_embeddings = model.get_input_embeddings()(reference_inputs["input_ids"])
    from_embeddings = model(inputs_embeds=word_embeddings, attention_mask=reference_inputs["attention_mask"])
    torch.testing.assert_close(from_embeddings.logits, model(**reference_inputs).logits)
