"""Batches are padded to a multiple of PAD_MULTIPLE tokens, so a CPU run compiles a matmul kernel for a few
widths instead of one per length."""

import pytest
from transformers import BertTokenizer

from biobench.families.base import PAD_MULTIPLE
from biobench.registry import FAMILIES


@pytest.mark.parametrize("name", [name for name in FAMILIES.names() if name != "document-relation"])
def test_token_batches_are_padded_to_the_multiple(tiny_bert, name):
    collate = FAMILIES.get(name).collator(BertTokenizer.from_pretrained(tiny_bert))
    batch = collate([{"input_ids": [2] * length, "attention_mask": [1] * length} for length in (3, 11)])
    assert batch["input_ids"].shape[1] == 16 == 2 * PAD_MULTIPLE
    assert batch["attention_mask"].sum(1).tolist() == [3, 11]
