"""Padding waste (pad tokens / tokens processed) on a task's training batches: random batches (the reference
recipe) against length-grouped ones, grouped as transformers' sampler does by ``len(input_ids)`` and as the
loop does by tokens (the two differ for document-level relations, whose inputs are lists of windows padded to
the batch's longest window), each padded to its longest input and, as the loop pads, to a multiple of
PAD_MULTIPLE tokens.

    .venv/bin/python benchmarks/padding_waste.py [--task ncbi-disease] [--batch-size 16]
"""

from __future__ import annotations

import argparse

import torch
from transformers.trainer_pt_utils import LengthGroupedSampler

from biobench.catalog import load_task, model_cards
from biobench.families.base import PAD_MULTIPLE
from biobench.models.build import load_task_tokenizer


def waste(windows: list[list[int]], order: list[int], batch_size: int, multiple: int = 1) -> float:
    """Pad tokens over tokens processed, each batch's windows padded to its longest (rounded up to ``multiple``)."""
    padded = real = 0
    for start in range(0, len(order), batch_size):
        batch = [length for i in order[start : start + batch_size] for length in windows[i]]
        padded += -(-max(batch) // multiple) * multiple * len(batch)
        real += sum(batch)
    return 1 - real / padded


def seeded() -> torch.Generator:
    """The same random draws for every order."""
    return torch.Generator().manual_seed(42)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", default="ncbi-disease")
    parser.add_argument("--batch-size", type=int, help="default: the task's own")
    args = parser.parse_args()
    task = load_task(args.task)
    batch_size = args.batch_size or task.spec.hyperparameters.batch_size
    records = task.records("train")
    tokenizer = load_task_tokenizer(model_cards()["minilm-l6"], task.family, records)
    labels = task.family.label_names(records, task.spec.labels)
    features = task.family.featurize(records, tokenizer, task.spec.max_length, {k: i for i, k in enumerate(labels)})
    features = getattr(task.family, "training_features", lambda f: f)(features)
    nested = [f["input_ids"] if f["input_ids"] and isinstance(f["input_ids"][0], list) else [f["input_ids"]]
              for f in features.inputs]
    windows = [[len(window) for window in document] for document in nested]
    orders = {
        "random batches (reference recipe)": torch.randperm(len(windows), generator=seeded()).tolist(),
        "grouped by len(input_ids) (transformers)": list(LengthGroupedSampler(
            batch_size, lengths=[len(f["input_ids"]) for f in features.inputs], generator=seeded())),
        "grouped by tokens (the loop)": list(LengthGroupedSampler(
            batch_size, lengths=features.token_counts(), generator=seeded())),
    }
    print(f"{args.task}: {len(windows)} training inputs, {sum(map(len, windows))} windows, batch size {batch_size}")
    print(f"{'':44s} {'waste':>7s} {'padded to ' + str(PAD_MULTIPLE) + 'x':>13s} {'tokens vs random':>17s}")
    random_real = 1 - waste(windows, orders["random batches (reference recipe)"], batch_size)
    for name, order in orders.items():
        exact = waste(windows, order, batch_size)
        print(f"{name:44s} {exact:7.1%} {waste(windows, order, batch_size, PAD_MULTIPLE):13.1%} "
              f"{random_real / (1 - exact):17.3f}")


if __name__ == "__main__":
    main()
