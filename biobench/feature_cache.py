"""Tokenised features cached on disk, keyed by everything that shapes them:
the tokenizer (its serialised definition, less the truncation and padding its
last call left behind), the task (name, version, data sha256), the split, the
label set and ``max_length``.

The cache lives in ``$BIOBENCH_CACHE`` (default ``~/.cache/biobench``); a
corrupt or foreign entry is recomputed, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Callable

from biobench.families.base import Features
from biobench.files import write_atomic

FORMAT_VERSION = 2


def cache_root() -> Path:
    return Path(os.environ.get("BIOBENCH_CACHE", Path.home() / ".cache" / "biobench")) / "features"


def feature_key(tokenizer, task, split: str, labels: list[str], max_length: int) -> str:
    identity = {
        "format": FORMAT_VERSION,
        "tokenizer": _tokenizer_hash(tokenizer),
        "tokenizer_class": type(tokenizer).__name__,
        "task": [task.name, task.spec.version, task.spec.format, task.spec.family, task.data_sha256],
        "format_options": task.spec.format_options,
        "split": split,
        "labels": labels,
        "max_length": max_length,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()[:24]


def _tokenizer_hash(tokenizer) -> str:
    """The tokenizer's definition hashed without the truncation and padding that each call resets (as the
    ``datasets`` library fingerprints tokenizers), so the same tokenizer keys the same whatever it did last."""
    return _definition_hash(tokenizer.backend_tokenizer.to_str())


@lru_cache(maxsize=8)
def _definition_hash(serialised: str) -> str:
    """Parsing and re-serialising a 30,000-word vocabulary costs ~70 ms: once per tokenizer, not per split."""
    definition = json.loads(serialised)
    definition.pop("truncation", None)
    definition.pop("padding", None)
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


def cached_features(key: str, compute: Callable[[], Features]) -> Features:
    """The features stored under ``key``, or computed and stored."""
    path = cache_root() / f"{key}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return Features(stored["inputs"], stored["origins"])
    except (OSError, ValueError, KeyError):
        pass
    features = compute()
    try:
        write_atomic(path, json.dumps({"inputs": features.inputs, "origins": features.origins}))
    except OSError:
        pass  # a read-only cache folder only costs speed
    return features
