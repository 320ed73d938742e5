"""Padding waste (pad tokens / tokens processed) on NCBI-disease training batches:
length-grouped batches (the harness) against random batches (the reference recipe), each padded to its
longest input and, as the loop pads, to a multiple of PAD_MULTIPLE tokens.

    .venv/bin/python benchmarks/padding_waste.py
"""

from __future__ import annotations

import torch
from transformers.trainer_pt_utils import LengthGroupedSampler

from biobench.models.loading import load_tokenizer
from biobench.catalog import load_task, model_cards
from biobench.families.base import PAD_MULTIPLE

BATCH_SIZE = 16


def waste(lengths: list[int], order: list[int], multiple: int = 1) -> float:
    padded = real = 0
    for start in range(0, len(order), BATCH_SIZE):
        batch = [lengths[i] for i in order[start : start + BATCH_SIZE]]
        padded += -(-max(batch) // multiple) * multiple * len(batch)
        real += sum(batch)
    return 1 - real / padded


def main() -> None:
    task = load_task("ncbi-disease")
    tokenizer = load_tokenizer(model_cards()["minilm-l6"])
    labels = task.family.label_names(task.records("train"), task.spec.labels)
    label_ids = {label: i for i, label in enumerate(labels)}
    features = task.family.featurize(task.records("train"), tokenizer, task.spec.max_length, label_ids)
    lengths = [len(f["input_ids"]) for f in features.inputs]
    generator = torch.Generator().manual_seed(42)
    random_order = torch.randperm(len(lengths), generator=generator).tolist()
    grouped_order = list(LengthGroupedSampler(BATCH_SIZE, lengths=lengths, generator=generator))
    random_waste, grouped_waste = waste(lengths, random_order), waste(lengths, grouped_order)
    print(f"features: {len(lengths)}, batch size {BATCH_SIZE}")
    print(f"padding waste, random batches:         {random_waste:.1%}")
    print(f"padding waste, length-grouped batches: {grouped_waste:.1%}")
    print(f"tokens processed, grouped / random:    {(1 - random_waste) / (1 - grouped_waste):.3f}")
    loop_waste = waste(lengths, grouped_order, PAD_MULTIPLE)
    print(f"padding waste, length-grouped batches padded to a multiple of {PAD_MULTIPLE} (the loop): {loop_waste:.1%}")
    print(f"tokens processed, the loop / grouped:  {(1 - grouped_waste) / (1 - loop_waste):.3f}")


if __name__ == "__main__":
    main()
