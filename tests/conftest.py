"""Shared fixtures: tiny random models built here, and small plugins cut from real data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TASKS = ROOT / "tasks"
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def first_sentences(source: Path, count: int) -> str:
    """The first ``count`` blank-line separated sentences of a CoNLL file."""
    blocks = source.read_text(encoding="utf-8").split("\n\n")
    return "\n\n".join(blocks[:count]) + "\n"


def write_plugin(folder: Path, name: str, files: dict[str, str], **fields) -> Path:
    """A task plugin folder with the given split texts and matching checksums."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    splits, checksums = {}, {}
    for split, text in files.items():
        relative = f"data/{split}.tsv"
        (folder / relative).write_text(text, encoding="utf-8")
        splits[split], checksums[relative] = relative, sha256(folder / relative)
    spec = {
        "name": name,
        "version": "1.0",
        "family": "ner",
        "format": "conll",
        "description": "test plugin",
        "splits": splits,
        "sha256": checksums,
        "max_length": 32,
        "hyperparameters": {"epochs": 1, "lr": 1e-3, "batch_size": 8},
        **fields,
    }
    (folder / "task.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return folder


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
