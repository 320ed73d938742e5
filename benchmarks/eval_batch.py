"""Evaluation batches: a fixed number of inputs (the loop: 32) against batches sized by tokens, on
NCBI-disease's test split sorted by length and padded to a multiple of 8 as the loop scores it, MiniLM-L6,
the precision `auto` picks here, in one process (each batching scored twice, the second timed).

    .venv/bin/python benchmarks/eval_batch.py
"""

from __future__ import annotations

import argparse

import torch
import transformers
from precision import inference_seconds
from transformers import DataCollatorForTokenClassification

from biobench.catalog import load_task, model_cards
from biobench.families.base import PAD_MULTIPLE
from biobench.hardware import resolve_precision
from biobench.models.build import build_task_model
from biobench.models.loading import load_tokenizer
from biobench.setting import TrainingConfig


def by_count(lengths: list[int], size: int) -> list[range]:
    return [range(start, min(start + size, len(lengths))) for start in range(0, len(lengths), size)]


def by_tokens(lengths: list[int], budget: int) -> list[range]:
    """Consecutive inputs while (inputs x the longest, padded) stays within ``budget`` tokens."""
    batches, start = [], 0
    for end in range(1, len(lengths) + 1):
        if end - start > 1 and (end - start) * -(-lengths[end - 1] // PAD_MULTIPLE) * PAD_MULTIPLE > budget:
            batches.append(range(start, end - 1))
            start = end - 1
    return batches + [range(start, len(lengths))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 32, 64, 128],
                        help="sentences a batch (32 is the loop's; it must be among them)")
    parser.add_argument("--budgets", type=int, nargs="+", default=[1024, 2048, 4096], help="tokens a batch")
    args = parser.parse_args()
    transformers.logging.set_verbosity_error()
    precision = resolve_precision("auto")
    card, task = model_cards()["minilm-l6"], load_task("ncbi-disease")
    labels = task.family.label_names(task.records("train"), task.spec.labels)
    tokenizer = load_tokenizer(card)
    features = task.family.featurize(task.records("test"), tokenizer, 128, {k: i for i, k in enumerate(labels)})
    inputs = sorted(features.inputs, key=lambda f: len(f["input_ids"]))
    lengths = [len(f["input_ids"]) for f in inputs]
    transformers.set_seed(1)
    model = build_task_model(card, task.family, labels, TrainingConfig(1, 1, 5e-5, 16, 128).variant)
    collate = DataCollatorForTokenClassification(tokenizer, pad_to_multiple_of=PAD_MULTIPLE)
    print(f"{len(inputs)} test sentences, {precision}, {torch.get_num_threads()} threads")
    batchings = {f"{size} sentences a batch": by_count(lengths, size) for size in args.sizes}
    batchings |= {f"<= {budget} tokens a batch": by_tokens(lengths, budget) for budget in args.budgets}
    seconds = {name: inference_seconds(model, [collate([inputs[i] for i in batch]) for batch in batches], precision)
               for name, batches in batchings.items()}
    loop = seconds["32 sentences a batch"]
    for name, batches in batchings.items():
        print(f"{name:26s} {len(batches):4d} batches {seconds[name]:6.2f} s  {loop / seconds[name]:.2f}x the loop's")

if __name__ == "__main__":
    main()
