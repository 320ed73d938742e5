"""Shared fixtures: tiny random models built here, and small plugins cut from real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import SPECIALS, TASKS, first_sentences, write_plugin


@pytest.fixture(autouse=True, scope="session")
def feature_cache(tmp_path_factory):
    """Keep the tests' tokenised-feature cache out of the user's cache folder."""
    import os

    os.environ["BIOBENCH_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def ncbi_slice(tmp_path) -> Path:
    """A plugin folder holding the first sentences of each real NCBI-disease split."""
    source = TASKS / "ncbi-disease" / "data"
    files = {split: first_sentences(source / f"{split}.tsv", 48) for split in ("train", "validation", "test")}
    return write_plugin(tmp_path / "tasks" / "ncbi-slice", "ncbi-slice", files, labels=["Disease"])


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory) -> Path:
    """A 2-layer, 32-wide random BERT whose WordPiece vocabulary covers NCBI words."""
    from transformers import BertConfig, BertForMaskedLM, BertTokenizer

    folder = tmp_path_factory.mktemp("tiny-bert")
    words = set()
    for line in (TASKS / "ncbi-disease" / "data" / "train.tsv").read_text(encoding="utf-8").splitlines()[:4000]:
        if line.strip():
            words.add(line.split("\t")[0].lower())
    vocab = SPECIALS + sorted(words) + [f"##{c}" for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer(vocab={token: i for i, token in enumerate(vocab)}, do_lower_case=True)
    tokenizer.save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128,
    )
    import torch

    torch.manual_seed(0)
    BertForMaskedLM(config).save_pretrained(folder)
    return folder
