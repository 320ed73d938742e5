"""int8 dynamic quantisation against fp32 inference, same fine-tuned model, same
test batches, same process: test strict F1 and throughput on NCBI-disease.

    .venv/bin/python benchmarks/int8_quantization.py [--epochs 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import transformers
from datasets import Dataset

from biobench.catalog import load_task, model_cards
from biobench.loop import build_trainer, prepare
from biobench.models.build import build_task_model
from biobench.profiling import quantize_int8
from biobench.setting import TrainingConfig


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
    parser.add_argument("--epochs", type=float, default=3)
    args = parser.parse_args()
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
    scores = {}
    for name, variant in (("fp32", model), ("int8", quantize_int8(model))):
        predictions, seconds = predict(variant, loader)
        decoded = task.family.decode(predictions, features["test"], records["test"], labels)
        scores[name] = (task.family.score(records["test"], decoded)["f1"], len(records["test"]) / seconds)
    (f1_32, speed_32), (f1_8, speed_8) = scores["fp32"], scores["int8"]
    print(f"MiniLM-L6 fine-tuned {args.epochs:g} epochs on NCBI-disease; test set {len(records['test'])} sentences")
    print(f"fp32: strict F1 {f1_32:.4f}, {speed_32:.0f} sentences/s")
    print(f"int8: strict F1 {f1_8:.4f}, {speed_8:.0f} sentences/s")
    print(f"int8 throughput / fp32: {speed_8 / speed_32:.2f}x; F1 change {100 * (f1_8 - f1_32):+.2f} points")


if __name__ == "__main__":
    main()
