"""Where a run's training step spends its time: torch.profiler over a window of training steps of each model
a `biobench run` command trains, the top operators by self CPU time, and the median step.

    .venv/bin/python benchmarks/profile_steps.py [--first 30] [--steps 30] [--top 12] -- run ARGS...

e.g. the default run's two models on a slice (the teacher, then the student distilled from it):

    .venv/bin/python benchmarks/profile_steps.py -- run -m minialbert-minilm-l6 -t ncbi-disease \\
        --teacher minilm-l6 --max-train-examples 960 --epochs 1.5 -o /tmp/profile-run
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import transformers
from torch.profiler import ProfilerActivity, profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", type=int, default=30, help="training steps before the window (warm-up)")
    parser.add_argument("--steps", type=int, default=30, help="training steps profiled")
    parser.add_argument("--top", type=int, default=12, help="operators listed")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the biobench command after --")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    training_step = transformers.Trainer.training_step
    profiler = None
    seconds: dict[int, list[float]] = {}  # per Trainer (model trained), its steps' times

    def profiled_step(trainer, *step_args, **step_kwargs):
        nonlocal profiler
        times = seconds.setdefault(id(trainer), [])
        if len(times) == args.first:
            profiler = profile(activities=[ProfilerActivity.CPU])
            profiler.__enter__()
        start = time.perf_counter()
        loss = training_step(trainer, *step_args, **step_kwargs)
        times.append(time.perf_counter() - start)
        if len(times) == args.first + args.steps:
            profiler.__exit__(None, None, None)
            window = times[args.first:]
            print(f"{type(trainer.model).__name__}, steps {args.first + 1}-{args.first + args.steps}: "
                  f"median {statistics.median(window) * 1e3:.1f} ms, mean {statistics.mean(window) * 1e3:.1f} ms",
                  file=sys.stderr)
            print(profiler.key_averages().table(sort_by="self_cpu_time_total", row_limit=args.top), file=sys.stderr)
        return loss

    transformers.Trainer.training_step = profiled_step
    from biobench.cli import app

    app(args=command, prog_name="biobench")


if __name__ == "__main__":
    main()
