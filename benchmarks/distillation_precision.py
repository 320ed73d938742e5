"""Seconds per distillation step (MiniLM-L6 teacher, E=128 6-recursion student with adapters) in fp32 and
under bf16 autocast, on the same packed NCBI-disease batches, in one process; prints the bf16 speed-up.

    .venv/bin/python benchmarks/distillation_precision.py [--steps 3] [--batch-size 16]
"""

from __future__ import annotations

import argparse
import time

from biobench.models.loading import load_tokenizer
from biobench.catalog import load_task, model_cards
from biobench.distillation.corpus import tasks_corpus
from biobench.distillation.recipe import load_teacher
from biobench.distillation.student_init import student_config, student_from_teacher
from biobench.distillation.trainer import DistillationSettings, Distiller, pack_passages


def seconds_per_step(teacher, tokenizer, sequences, precision: str, steps: int, batch_size: int) -> float:
    config = student_config(teacher.config, 6, 128, True, 16)
    student = student_from_teacher(config, teacher, 3, sequences[:16], seed=0)
    settings = DistillationSettings(batch_size=batch_size, precision=precision, steps=steps + 1)
    distiller = Distiller(teacher, student, tokenizer, sequences, settings, output_term=False)
    distiller.train_step(0)  # warm-up
    start = time.perf_counter()
    for step in range(1, steps + 1):
        distiller.train_step(step)
    return (time.perf_counter() - start) / steps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    card = model_cards()["minilm-l6"]
    teacher, _ = load_teacher(card)
    tokenizer = load_tokenizer(card)
    sequences = pack_passages(tokenizer, tasks_corpus([load_task("ncbi-disease")]).passages, 128)
    timings = {
        precision: seconds_per_step(teacher, tokenizer, sequences, precision, args.steps, args.batch_size)
        for precision in ("fp32", "bf16")
    }
    tokens = args.batch_size * 128
    for precision, seconds in timings.items():
        print(f"{precision}: {seconds:.2f} s/step, {tokens / seconds:.0f} tokens/s")
    print(f"bf16 speed-up: {timings['fp32'] / timings['bf16']:.2f}x")


if __name__ == "__main__":
    main()
