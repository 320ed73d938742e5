"""Training-step time on a CPU: the two levers of the loop's batches and dropout, each against the plain
setting, in one process, on NCBI-disease's length-grouped training batches, bf16 autocast as `auto` picks
on a CPU with AMX (fp32 elsewhere).

- batches padded to their longest input (the plain collator) against padded to a multiple of 8 tokens
  (`PAD_MULTIPLE`): oneDNN compiles a kernel per matmul shape and caches 1,024, which every length of a
  length-grouped epoch overflows;
- torch's dropout against `biobench.models.dropout` (hidden states and attention probabilities).

Each setting runs the batches twice and the second pass is timed (the first warms the kernel cache, which is
what a multi-epoch run sees); the models start from the same weights.

    .venv/bin/python benchmarks/training_step.py [--examples 1600] [--model minialbert-minilm-l6]
"""

from __future__ import annotations

import argparse
import copy
import time

import torch
import transformers
from torch import nn
from transformers import DataCollatorForTokenClassification
from transformers.trainer_pt_utils import LengthGroupedSampler

from biobench.catalog import load_task, model_cards
from biobench.families.base import PAD_MULTIPLE
from biobench.hardware import resolve_precision
from biobench.models.build import build_task_model
from biobench.models.dropout import ATTENTION, FastDropout, fast_dropout
from biobench.models.loading import load_tokenizer
from biobench.setting import TrainingConfig

BATCH_SIZE = 16


def batches(task, labels: list[str], tokenizer, examples: int) -> dict[int | None, list[dict]]:
    """The length-grouped training batches, padded to their longest input (key None) and to PAD_MULTIPLE."""
    features = task.family.featurize(task.records("train")[:examples], tokenizer, 128,
                                     {label: i for i, label in enumerate(labels)}).inputs
    order = list(LengthGroupedSampler(BATCH_SIZE, lengths=[len(f["input_ids"]) for f in features],
                                      generator=torch.Generator().manual_seed(1)))
    groups = [[features[i] for i in order[start:start + BATCH_SIZE]] for start in range(0, len(order), BATCH_SIZE)]
    return {multiple: [DataCollatorForTokenClassification(tokenizer, pad_to_multiple_of=multiple)(group)
                       for group in groups] for multiple in (None, PAD_MULTIPLE)}


def plain_dropout(model: nn.Module) -> nn.Module:
    """A copy of ``model`` with torch's dropout and the original attention functions back."""
    model = copy.deepcopy(model)
    originals = {name: base for base, (name, _) in ATTENTION.items()}
    for module in model.modules():
        for name, child in module.named_children():
            if isinstance(child, FastDropout):
                setattr(module, name, nn.Dropout(child.p))
        config = getattr(module, "config", None)
        if isinstance(module, transformers.PreTrainedModel) and config._attn_implementation in originals:
            config._attn_implementation = originals[config._attn_implementation]
    return model


def seconds_per_step(model: nn.Module, data: list[dict], precision: str, loss_of=None) -> float:
    """Train on ``data`` twice (AdamW, gradient clipping as the Trainer does); the second pass's mean step.

    ``loss_of(outputs, batch_number)`` is the loss trained on; the model's own loss by default."""
    model = copy.deepcopy(model).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=True)
    torch.manual_seed(1)
    for timed in (False, True):
        start = time.perf_counter()
        for number, batch in enumerate(data):
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
                outputs = model(**batch)
                loss = outputs.loss if loss_of is None else loss_of(outputs, number)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad()
    return (time.perf_counter() - start) / len(data) if timed else 0.0


def dropout_ms(shape: tuple[int, ...], dtype: torch.dtype, function, repeats: int = 300) -> float:
    """Forward and backward of one dropout of ``shape``, in ms."""
    inputs = torch.randn(shape, dtype=dtype, requires_grad=True)
    gradient = torch.ones(shape, dtype=dtype)
    for _ in range(10):
        function(inputs).backward(gradient)
    start = time.perf_counter()
    for _ in range(repeats):
        function(inputs).backward(gradient)
    return (time.perf_counter() - start) / repeats * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=1600, help="training sentences (16 a batch)")
    parser.add_argument("--model", default="minialbert-minilm-l6", help="model card")
    args = parser.parse_args()
    precision = resolve_precision("auto")
    print(f"{args.model}, {args.examples} NCBI-disease training sentences, batch {BATCH_SIZE}, {precision}, "
          f"{torch.get_num_threads()} threads")

    for shape, dtype, what in (((16, 35, 384), torch.bfloat16, "hidden states, bf16"),
                               ((16, 12, 35, 35), torch.float32, "attention probabilities, fp32")):
        plain = dropout_ms(shape, dtype, lambda x: nn.functional.dropout(x, 0.1, True))
        fast = dropout_ms(shape, dtype, lambda x: fast_dropout(x, 0.1))
        print(f"dropout p=0.1 of {what} {shape}, forward+backward: torch {plain:.3f} ms, "
              f"biobench {fast:.3f} ms: {plain / fast:.2f}x")

    card = model_cards()[args.model]
    task = load_task("ncbi-disease")
    labels = task.family.label_names(task.records("train"), task.spec.labels)
    transformers.set_seed(1)
    fast_model = build_task_model(card, task.family, labels, TrainingConfig(1, 1, 5e-5, BATCH_SIZE, 128).variant)
    plain_model = plain_dropout(fast_model)
    collated = batches(task, labels, load_tokenizer(card), args.examples)
    exact, padded = collated[None], collated[PAD_MULTIPLE]
    tokens = sum(b["input_ids"].numel() for b in padded) / sum(b["input_ids"].numel() for b in exact)
    print(f"tokens processed, padded to a multiple of {PAD_MULTIPLE} / to the longest input: {tokens:.3f}")

    baseline = seconds_per_step(plain_model, exact, precision)
    multiple = f"padded to a multiple of {PAD_MULTIPLE}"
    rows = [("padded to the longest input, torch dropout (plain)", baseline),
            (f"{multiple}, torch dropout", seconds_per_step(plain_model, padded, precision)),
            (f"{multiple}, biobench dropout (the loop)", seconds_per_step(fast_model, padded, precision))]
    for name, seconds in rows:
        print(f"{name:66s} {seconds * 1e3:7.1f} ms a step  {baseline / seconds:.2f}x")


if __name__ == "__main__":
    main()
