"""Harness fine-tuning throughput against a plain PyTorch loop: the same model
(MiniLM-L6 + token head), the same batches, the same optimizer and schedule,
in the same process. Also times fp32 against bf16 autocast for both training
and inference steps.

    .venv/bin/python benchmarks/loop_overhead.py [--examples 640]
"""

from __future__ import annotations

import argparse
import copy
import time

import torch
import transformers

from biobench.catalog import load_task, model_cards
from biobench.loop import Prepared, build_trainer
from biobench.models.build import build_task_model
from biobench.models.loading import load_tokenizer
from biobench.setting import TrainingConfig


def build(examples: int):
    task = load_task("ncbi-disease")
    card = model_cards()["minilm-l6"]
    tokenizer = load_tokenizer(card)
    records = {split: task.records(split)[:examples] for split in ("train", "validation", "test")}
    labels = task.family.label_names(task.records("train"), task.spec.labels)
    label_ids = {label: i for i, label in enumerate(labels)}
    features = {s: task.family.featurize(r, tokenizer, 128, label_ids) for s, r in records.items()}
    transformers.set_seed(1)
    model = build_task_model(card, task.family, labels, TrainingConfig(1, 1, 5e-5, 16, 128).variant)
    return task, Prepared(records, labels, tokenizer, features), model


def harness_seconds(task, data, model, config, work_dir) -> tuple[float, list]:
    trainer = build_trainer(task, model, data, config, work_dir)
    trainer.args.eval_strategy = trainer.args.save_strategy = "no"
    trainer.args.load_best_model_at_end = False
    batches = list(trainer.get_train_dataloader())
    start = time.perf_counter()
    trainer.train()
    return time.perf_counter() - start, batches


def plain_seconds(model, batches, config) -> float:
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    schedule = transformers.get_linear_schedule_with_warmup(optimizer, 0, len(batches))
    model.train()
    start = time.perf_counter()
    for batch in batches:
        loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
    return time.perf_counter() - start


def step_seconds(model, batches, precision: str, train: bool) -> float:
    model.train(train)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    start = time.perf_counter()
    for batch in batches:
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"), torch.set_grad_enabled(train):
            output = model(**batch)
        if train:
            output.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    return (time.perf_counter() - start) / len(batches)


def main() -> None:
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=640)
    args = parser.parse_args()
    transformers.logging.set_verbosity_error()
    task, data, model = build(args.examples)
    config = TrainingConfig(seed=1, epochs=1, lr=5e-5, batch_size=16, max_length=128)
    plain_model = copy.deepcopy(model)
    with tempfile.TemporaryDirectory() as work_dir:
        harness, batches = harness_seconds(task, data, model, config, Path(work_dir))
    plain = plain_seconds(plain_model, batches, config)
    print(f"{len(batches)} batches of <= 16 NCBI-disease training windows, MiniLM-L6, fp32")
    print(f"plain PyTorch loop: {plain:.1f} s; harness (Trainer): {harness:.1f} s")
    print(f"harness throughput / plain loop throughput: {plain / harness:.3f}")
    sample = batches[:20]
    for train in (True, False):
        fp32 = step_seconds(plain_model, sample, "fp32", train)
        bf16 = step_seconds(plain_model, sample, "bf16", train)
        kind = "training" if train else "inference"
        print(f"{kind} step: fp32 {fp32 * 1000:.0f} ms, bf16 autocast {bf16 * 1000:.0f} ms, "
              f"bf16 speed-up {fp32 / bf16:.2f}x")


if __name__ == "__main__":
    main()
