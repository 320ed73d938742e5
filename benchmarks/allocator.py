"""Training steps with glibc's default allocation thresholds against `biobench.hardware.keep_freed_memory`
(the loop's: freed blocks of up to 512 MiB kept for reuse), on a Linux CPU. glibc returns every block above
32 MiB to the kernel when it is freed, so MiniLM-L6's 47 MB embedding gradient is page-faulted in afresh each
step. NCBI-disease's length-grouped batches as the loop pads them, bf16 autocast as `auto` picks it (fp32
where it does not), AdamW and clipping as the Trainer does.

An allocator setting holds for a whole process, so each side runs in its own process, the two alternating
`--pairs` times; each process trains twice over the batches and times the second pass. Prints each pair,
the median speed-up and each side's peak resident memory.

    .venv/bin/python benchmarks/allocator.py [--model minilm-l6] [--examples 800] [--pairs 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time


def zeroing_ms(size: tuple[int, int] = (30522, 384), repeats: int = 50) -> float:
    """One ``torch.zeros`` of the embedding gradient's size, allocated and freed, in ms."""
    import torch

    for _ in range(5):
        torch.zeros(size)
    start = time.perf_counter()
    for _ in range(repeats):
        torch.zeros(size)
    return (time.perf_counter() - start) / repeats * 1e3


def child(model_name: str, examples: int, keep: bool) -> dict:
    import transformers
    from training_step import batches, seconds_per_step

    from biobench.catalog import load_task, model_cards
    from biobench.families.base import PAD_MULTIPLE
    from biobench.hardware import keep_freed_memory, resolve_precision
    from biobench.models.build import build_task_model
    from biobench.models.loading import load_tokenizer
    from biobench.setting import TrainingConfig

    if keep:
        keep_freed_memory()
    transformers.logging.set_verbosity_error()
    precision = resolve_precision("auto")
    card, task = model_cards()[model_name], load_task("ncbi-disease")
    labels = task.family.label_names(task.records("train"), task.spec.labels)
    transformers.set_seed(1)
    model = build_task_model(card, task.family, labels, TrainingConfig(1, 1, 5e-5, 16, 128).variant)
    data = batches(task, labels, load_tokenizer(card), examples)[PAD_MULTIPLE]
    return {"ms": seconds_per_step(model, data, precision) * 1e3, "steps": len(data), "precision": precision,
            "zeros_ms": zeroing_ms(),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="minilm-l6", help="model card")
    parser.add_argument("--examples", type=int, default=800, help="training sentences (16 a batch)")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--child", choices=("default", "keep"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.model, args.examples, args.child == "keep")))
        return

    def side(name: str) -> dict:
        command = [sys.executable, __file__, "--child", name, "--model", args.model, "--examples", str(args.examples)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return json.loads(output.strip().splitlines()[-1])

    ratios, runs = [], {"default": [], "keep": []}
    for pair in range(1, args.pairs + 1):
        default, keep = side("default"), side("keep")
        runs["default"].append(default)
        runs["keep"].append(keep)
        ratios.append(default["ms"] / keep["ms"])
        print(f"pair {pair}: glibc's thresholds {default['ms']:.1f} ms a step, freed memory kept "
              f"{keep['ms']:.1f} ms: {ratios[-1]:.2f}x", flush=True)
    first = runs["default"][0]
    print(f"{args.model}, {first['steps']} steps, {first['precision']}: median speed-up "
          f"{statistics.median(ratios):.2f}x; peak RSS {max(r['peak_mb'] for r in runs['default']):.0f} MB -> "
          f"{max(r['peak_mb'] for r in runs['keep']):.0f} MB; a 30,522 x 384 torch.zeros "
          f"{statistics.median(r['zeros_ms'] for r in runs['default']):.1f} ms -> "
          f"{statistics.median(r['zeros_ms'] for r in runs['keep']):.1f} ms")


if __name__ == "__main__":
    main()
