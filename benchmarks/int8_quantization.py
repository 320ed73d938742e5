"""int8 quantisation against fp32 inference, same fine-tuned model, same test
batches, same process: test strict F1, agreement with fp32's tags and
throughput on NCBI-disease, for each way of making the model int8:

- ``torch.ao``: ``torch.ao.quantization.quantize_dynamic`` (deprecated; per-tensor weights),
- ``torchao``: torchao's ``quantize_`` with ``Int8DynamicActivationInt8WeightConfig``
  (per-channel weights, per-token activations), run eagerly,
- ``torchao compiled``: the same under ``torch.compile(dynamic=True)`` (compile time reported apart).

Throughput is the best of ``--rounds`` passes over the test batches, the
variants interleaved; batch-1 latency the median over 50 test sentences.

    .venv/bin/python benchmarks/int8_quantization.py [--epochs 1] [--skip-compiled]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
import transformers
from datasets import Dataset

from biobench.catalog import load_task, model_cards
from biobench.loop import build_trainer, prepare
from biobench.models.build import build_task_model
from biobench.profiling import compiled_int8, quantize_int8, quiet_torchao
from biobench.setting import TrainingConfig


def torch_ao(model: torch.nn.Module) -> torch.nn.Module:
    return torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), {torch.nn.Linear}, dtype=torch.qint8)


def torchao(model: torch.nn.Module) -> torch.nn.Module:
    return quantize_int8(copy.deepcopy(model))


def predict(model, loader) -> tuple[np.ndarray, float]:
    """Arg-max label ids per feature (padded with -100) and the seconds it took."""
    rows, start = [], time.perf_counter()
    with torch.inference_mode():
        for batch in loader:
            batch = {key: value for key, value in batch.items() if key != "labels"}
            rows.extend(model(**batch).logits.argmax(dim=-1).tolist())
    seconds = time.perf_counter() - start
    width = max(len(row) for row in rows)
    return np.array([row + [-100] * (width - len(row)) for row in rows]), seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=float, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="Timed passes over the test set per variant.")
    parser.add_argument("--skip-compiled", action="store_true", help="Leave out torchao under torch.compile.")
    args = parser.parse_args()
    quiet_torchao()
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    task, card = load_task("ncbi-disease"), model_cards()["minilm-l6"]
    config = TrainingConfig(seed=1, epochs=args.epochs, lr=5e-5, batch_size=16, max_length=128)
    data = prepare(task, card, config)
    records, labels, features = data.records, data.labels, data.features
    transformers.set_seed(1)
    model = build_task_model(card, task.family, labels, config.variant)
    with tempfile.TemporaryDirectory() as work_dir:
        trainer = build_trainer(task, model, data, config, Path(work_dir))
        trainer.train()
        loader = list(trainer.get_test_dataloader(Dataset.from_list(features["test"].inputs)))
    model = trainer.model.eval()
    variants = {"fp32": lambda: model, "torch.ao": lambda: torch_ao(model), "torchao": lambda: torchao(model)}
    if not args.skip_compiled:
        variants["torchao compiled"] = lambda: compiled_int8(torchao(model))  # what biobench profile times
    built, warm_ups = {}, {}
    for name, make in variants.items():
        start = time.perf_counter()
        built[name] = make()
        predict(built[name], loader[:2])  # warm-up (and, compiled, the compilation)
        warm_ups[name] = time.perf_counter() - start
    singles = [{key: value[row:row + 1] for key, value in batch.items()}
               for batch in loader[::max(1, len(loader) // 10)] for row in range(5)]
    seconds, latency, predictions = defaultdict(list), defaultdict(list), {}
    for _ in range(args.rounds):  # variants interleaved, best round kept: a shared machine's load hits all alike
        for name, model_variant in built.items():
            predictions[name], elapsed = predict(model_variant, loader)
            seconds[name].append(elapsed)
            latency[name].append(statistics.median(predict(model_variant, [one])[1] for one in singles))
    reference = predictions["fp32"]
    words = reference != -100
    print(f"MiniLM-L6 fine-tuned {args.epochs:g} epochs on NCBI-disease; test set {len(records['test'])} sentences, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}; best of {args.rounds} interleaved rounds")
    f1_32 = speed_32 = None
    for name in built:
        decoded = task.family.decode(predictions[name], features["test"], records["test"], labels)
        f1 = task.family.score(records["test"], decoded)["f1"]
        speed = len(records["test"]) / min(seconds[name])
        f1_32, speed_32 = f1_32 or f1, speed_32 or speed
        agreement = float((predictions[name][words] == reference[words]).mean())
        print(f"{name:>16}: strict F1 {f1:.4f} ({100 * (f1 - f1_32):+.2f} points), {speed:.0f} sentences/s "
              f"({speed / speed_32:.2f}x fp32), batch-1 p50 {1000 * min(latency[name]):.1f} ms, "
              f"{100 * agreement:.2f}% of sub-word tags as fp32, warm-up {warm_ups[name]:.1f} s")


if __name__ == "__main__":
    main()
