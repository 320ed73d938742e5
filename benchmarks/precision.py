"""fp32 against bf16 autocast on this CPU, the evidence behind `--precision auto`: training steps and test
inference of a model card on NCBI-disease's length-grouped batches as the loop builds them (padded to a
multiple of 8), both precisions in one process from the same weights.

Each training setting runs the batches twice and times the second pass (the first warms oneDNN's kernel
cache, which is what a multi-epoch run sees); inference scores the test split twice and times the second.

    .venv/bin/python benchmarks/precision.py [--examples 800] [--model minilm-l6] [--model minialbert-minilm-l6]
"""

from __future__ import annotations

import argparse
import time

import torch
import transformers
from training_step import BATCH_SIZE, batches, seconds_per_step
from transformers import DataCollatorForTokenClassification

from biobench.catalog import load_task, model_cards
from biobench.families.base import PAD_MULTIPLE
from biobench.hardware import cpu_flags, resolve_precision
from biobench.models.build import build_task_model
from biobench.models.loading import load_tokenizer
from biobench.setting import TrainingConfig

PRECISIONS = ("fp32", "bf16")
EVAL_BATCH = 32


def test_batches(task, labels: list[str], tokenizer) -> list[dict]:
    """The test split in batches of EVAL_BATCH as the loop scores it (sorted by length, padded to PAD_MULTIPLE)."""
    features = task.family.featurize(task.records("test"), tokenizer, 128,
                                     {label: i for i, label in enumerate(labels)}).inputs
    features = sorted(features, key=lambda f: len(f["input_ids"]))
    collate = DataCollatorForTokenClassification(tokenizer, pad_to_multiple_of=PAD_MULTIPLE)
    return [collate(features[start:start + EVAL_BATCH]) for start in range(0, len(features), EVAL_BATCH)]


def inference_seconds(model: torch.nn.Module, data: list[dict], precision: str) -> float:
    """The second of two passes over ``data`` in evaluation mode, in seconds."""
    model.eval()
    for timed in (False, True):
        start = time.perf_counter()
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
            for batch in data:
                model(**{key: value for key, value in batch.items() if key != "labels"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=800, help="training sentences (16 a batch)")
    parser.add_argument("--model", action="append", help="model card (repeatable; default: minilm-l6)")
    args = parser.parse_args()
    transformers.logging.set_verbosity_error()
    flags = sorted(cpu_flags() & {"avx512_bf16", "amx_bf16", "amx_tile"}) or ["none"]
    print(f"{torch.get_num_threads()} threads, bf16 instructions: {', '.join(flags)}; "
          f"`--precision auto` here: {resolve_precision('auto')}")
    task = load_task("ncbi-disease")
    labels = task.family.label_names(task.records("train"), task.spec.labels)
    for name in args.model or ["minilm-l6"]:
        card = model_cards()[name]
        tokenizer = load_tokenizer(card)
        transformers.set_seed(1)
        model = build_task_model(card, task.family, labels, TrainingConfig(1, 1, 5e-5, BATCH_SIZE, 128).variant)
        train = batches(task, labels, tokenizer, args.examples)[PAD_MULTIPLE]
        test = test_batches(task, labels, tokenizer)
        step = {p: seconds_per_step(model, train, p) for p in PRECISIONS}
        scoring = {p: inference_seconds(model, test, p) for p in PRECISIONS}
        print(f"{name}: training step ({len(train)} batches of {BATCH_SIZE}) fp32 {step['fp32'] * 1e3:.1f} ms, "
              f"bf16 {step['bf16'] * 1e3:.1f} ms: bf16 {step['fp32'] / step['bf16']:.2f}x")
        print(f"{name}: test inference ({len(test)} batches of {EVAL_BATCH}) fp32 {scoring['fp32']:.2f} s, "
              f"bf16 {scoring['bf16']:.2f} s: bf16 {scoring['fp32'] / scoring['bf16']:.2f}x")


if __name__ == "__main__":
    main()
