"""torch.compile against eager for MiniLM-L6 + token head on NCBI-disease batches, in one process: the
compile time (first passes over the batches' shapes), the steady-state training and inference step times,
and after how many steps compiling pays. The batches are the harness's own (length-grouped, dynamic
padding), so shapes vary as they do in a run.

    .venv/bin/python benchmarks/compile.py [--examples 640] [--precision bf16] [--threads 2]
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from pathlib import Path

import torch
import transformers

from loop_overhead import build  # beside this script
from biobench.loop import build_trainer
from biobench.setting import TrainingConfig


def seconds_per_pass(model, batches, precision: str, train: bool) -> float:
    """Seconds of one pass over ``batches`` (training steps with AdamW, or inference)."""
    model.train(train)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5) if train else None
    start = time.perf_counter()
    for batch in batches:
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"), torch.set_grad_enabled(train):
            output = model(**batch)
        if train:
            output.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=640)
    parser.add_argument("--precision", default="bf16", choices=("fp32", "bf16"))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    transformers.logging.set_verbosity_error()
    task, data, model = build(args.examples)
    config = TrainingConfig(seed=1, epochs=1, lr=5e-5, batch_size=16, max_length=128)
    with tempfile.TemporaryDirectory() as work_dir:
        batches = list(build_trainer(task, model, data, config, Path(work_dir)).get_train_dataloader())
    shapes = len({tuple(batch["input_ids"].shape) for batch in batches})
    print(f"{len(batches)} batches ({shapes} shapes) of <= 16 NCBI-disease windows, MiniLM-L6, {args.precision}, "
          f"{args.threads} threads")
    for train in (True, False):
        kind = "training" if train else "inference"
        eager_model = copy.deepcopy(model)
        seconds_per_pass(eager_model, batches[:5], args.precision, train)  # warm the allocator
        eager = seconds_per_pass(eager_model, batches, args.precision, train)
        compiled_model = torch.compile(copy.deepcopy(model), dynamic=True)
        first = seconds_per_pass(compiled_model, batches, args.precision, train)  # compiles every new shape
        steady = seconds_per_pass(compiled_model, batches, args.precision, train)
        step, compiled_step = eager / len(batches), steady / len(batches)
        saved = step - compiled_step
        paying = f"pays after {max(first - steady, 0) / saved:,.0f} steps" if saved > 0 else "never pays"
        print(f"{kind}: eager {1000 * step:.1f} ms/step; compiled {1000 * compiled_step:.1f} ms/step "
              f"(speed-up {step / compiled_step:.2f}x), first pass {first:.1f} s against {eager:.1f} s eager: "
              f"{paying}")


if __name__ == "__main__":
    main()
