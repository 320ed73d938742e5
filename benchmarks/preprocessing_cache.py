"""Cached re-run of preprocessing against the first run: NCBI-disease, all three
splits, MiniLM-L6 tokenizer, in a fresh temporary cache.

    .venv/bin/python benchmarks/preprocessing_cache.py
"""

from __future__ import annotations

import os
import tempfile
import time

from biobench.models.loading import load_tokenizer
from biobench.catalog import load_task, model_cards
from biobench.feature_cache import cached_features, feature_key


def preprocess(task, tokenizer, labels) -> float:
    start = time.perf_counter()
    for split in ("train", "validation", "test"):
        key = feature_key(tokenizer, task, split, labels, task.spec.max_length)
        cached_features(key, lambda: task.family.featurize(
            task.records(split), tokenizer, task.spec.max_length, {label: i for i, label in enumerate(labels)}))
    return time.perf_counter() - start


def main() -> None:
    task = load_task("ncbi-disease")
    tokenizer = load_tokenizer(model_cards()["minilm-l6"])
    labels = task.family.label_names(task.records("train"), task.spec.labels)
    with tempfile.TemporaryDirectory() as cache:
        os.environ["BIOBENCH_CACHE"] = cache
        first = preprocess(task, tokenizer, labels)
        cached = min(preprocess(task, tokenizer, labels) for _ in range(3))
    print(f"first run (tokenise + store): {first * 1000:.0f} ms")
    print(f"cached re-run (best of 3):    {cached * 1000:.0f} ms")
    print(f"speed-up: {first / cached:.1f}x")


if __name__ == "__main__":
    main()
