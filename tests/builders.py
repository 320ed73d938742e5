"""Builders for test inputs: plugin folders cut from the real data."""

from __future__ import annotations

import hashlib
from pathlib import Path

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


def result_file(output: Path, model: str, task: str, seed: int = 1, label: str | None = "defaults") -> Path:
    """The one result file of ``model`` on ``task`` whose setting folder is named by ``label`` (None: any)."""
    found = [path for path in Path(output, model, task).rglob(f"seed-{seed}.json")
             if label is None or path.parent.name.rsplit(".", 1)[0] == label]
    assert len(found) == 1, f"expected one {label} result of {model} on {task}, seed {seed}; found {found}"
    return found[0]
