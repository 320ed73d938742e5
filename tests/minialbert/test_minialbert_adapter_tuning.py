"""Adapter tuning leaves exactly the adapters and the task head trainable."""

import pytest

from biobench.minialbert import MiniAlbertForSequenceClassification, MiniAlbertForTokenClassification
from biobench.errors import BiobenchError
from biobench.minialbert.loading import load_minialbert
from biobench.models.loading import count_parameters
from biobench.models.tuning import freeze_all_but_minialbert_adapters

# Fixture sizes: hidden 32, adapter bottleneck 32 / 4 = 8, 3 recursions, embedding 16, vocab 120,
# max positions 64, 2 token types, intermediate 64.
ADAPTER = (32 * 8 + 8) + (8 * 32 + 32) + (32 + 32)  # down, up, LayerNorm = 616
ALL_ADAPTERS = 2 * 3 * ADAPTER  # an attention and an MLP adapter per recursion = 3696
EMBEDDINGS = (120 + 64 + 2) * 16 + 2 * 16  # word, position, token type, LayerNorm = 3008
PROJECTOR = 16 * 32 + 32
SHARED_LAYER = 4 * (32 * 32 + 32) + 2 * 32 + (32 * 64 + 64) + (64 * 32 + 32) + 2 * 32  # attention, ffn, norms


@pytest.mark.parametrize(
    ("name", "task_class", "head"),
    [
        ("tokcls-adapters-emb16", MiniAlbertForTokenClassification, 32 * 5 + 5),
        ("seqcls-adapters-emb16", MiniAlbertForSequenceClassification, 32 * 3 + 3),
    ],
)
def test_only_adapters_and_head_stay_trainable(reference_dir, name, task_class, head):
    model = load_minialbert(reference_dir / name, task_class)

    freeze_all_but_minialbert_adapters(model)

    counts = count_parameters(model)
    assert counts.trainable == ALL_ADAPTERS + head
    assert counts.unique == EMBEDDINGS + PROJECTOR + SHARED_LAYER + ALL_ADAPTERS + head
    for parameter_name, parameter in model.named_parameters():
        expected = parameter_name.startswith(("albert.att_adapters.", "albert.mlp_adapters.", "classifier."))
        assert parameter.requires_grad == expected, parameter_name


def test_model_without_adapters_cannot_be_adapter_tuned(reference_dir):
    model = load_minialbert(reference_dir / "mlm-noadapters-emb32", MiniAlbertForTokenClassification, num_labels=5)
    with pytest.raises(BiobenchError, match="has none"):
        freeze_all_but_minialbert_adapters(model)
