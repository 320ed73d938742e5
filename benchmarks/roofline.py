"""MiniLM-L6 fine-tuning against this machine's matmul roofline: the peak FLOP/s
of torch.mm (square matrices and MiniLM-L6's own GEMM shapes, fp32 and bf16,
best of several repeats), and the FLOP/s biobench's loop achieves in training
steps and test inference on real NCBI-disease batches, in fp32 and under bf16
autocast, in the same process.

    .venv/bin/python benchmarks/roofline.py [--threads 2] [--repeats 5] [--train-steps 40] [--test-repeats 2]

FLOPs are counted from the model's shapes and the batches' padded token counts
(what the matmuls process): per layer and forward pass 2*T*(4*d*d + 2*d*ffn)
for the projections and feed-forward, 4*T*L*d for attention scores and mixing
(T tokens, L the padded length), plus the classifier; a training step is 3x its
forward pass. Training steps are timed between the ends of consecutive steps of
`Trainer.train` (collation, forward, backward, clipping, AdamW), after
`--warmup-steps`; inference is the whole test split through `Trainer.predict`,
as `biobench.loop.score` runs it.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import torch
import transformers
from datasets import Dataset

from biobench.catalog import load_task, model_cards
from biobench.hardware import resolve_precision
from biobench.loop import build_trainer, prepare
from biobench.models.build import build_task_model
from biobench.models.variant import Variant
from biobench.setting import TrainingConfig

PRECISIONS = ("fp32", "bf16")
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}


def mm_flops(m: int, k: int, n: int, dtype: torch.dtype, repeats: int) -> float:
    """Best FLOP/s of (m x k) @ (k x n) over ``repeats`` timings of at least ~50 ms each."""
    a, b = torch.randn(m, k).to(dtype), torch.randn(k, n).to(dtype)
    out = torch.empty(m, n, dtype=dtype)
    torch.mm(a, b, out=out)
    clock = time.perf_counter()
    torch.mm(a, b, out=out)
    inner = max(1, math.ceil(0.05 / (time.perf_counter() - clock)))
    best = math.inf
    for _ in range(repeats):
        clock = time.perf_counter()
        for _ in range(inner):
            torch.mm(a, b, out=out)
        best = min(best, (time.perf_counter() - clock) / inner)
    return 2 * m * n * k / best


def gemm_shapes(d: int, ffn: int, tokens_per_sequence: int) -> dict[str, tuple[int, int, int]]:
    """(m, k, n) of square matrices and of MiniLM-L6's projections at training and inference batch sizes."""
    shapes = {f"{s} x {s} @ {s} x {s}": (s, s, s) for s in (1024, 2048, 4096)}
    for batch in (16, 32, 64):
        t = batch * tokens_per_sequence
        for k, n in ((d, d), (d, ffn), (ffn, d)):
            shapes[f"{t} x {k} @ {k} x {n} ({batch} x {tokens_per_sequence} tokens)"] = (t, k, n)
    return shapes


def forward_flops(shape: torch.Size, config, num_labels: int) -> float:
    batch, length = shape
    t, d, ffn = batch * length, config.hidden_size, config.intermediate_size
    per_layer = 2 * t * (4 * d * d + 2 * d * ffn) + 4 * t * length * d
    return config.num_hidden_layers * per_layer + 2 * t * d * num_labels


class StepClock(transformers.TrainerCallback):
    """The time at the end of every optimizer step."""

    def __init__(self):
        self.ends: list[float] = []

    def on_step_end(self, args, state, control, **kwargs):
        self.ends.append(time.perf_counter())


def achieved(task, card, data, precision: str, steps: int, warmup: int, test_repeats: int) -> dict:
    """FLOP/s of training steps and of test inference in biobench's loop at ``precision``."""
    variant = Variant(head=None, precision=precision)
    config = TrainingConfig(seed=1, epochs=1, lr=5e-5, batch_size=16, max_length=128, variant=variant)
    transformers.set_seed(1)
    model = build_task_model(card, task.family, data.labels, variant)
    shapes, dtypes = [], set()
    model.register_forward_pre_hook(lambda _, args, kwargs: shapes.append(kwargs["input_ids"].shape),
                                    with_kwargs=True)
    model.classifier.register_forward_hook(lambda _, args, output: dtypes.add(output.dtype))
    clock = StepClock()
    with tempfile.TemporaryDirectory() as work_dir:
        trainer = build_trainer(task, model, data, config, Path(work_dir))
        trainer.args.eval_strategy = trainer.args.save_strategy = "no"
        trainer.args.load_best_model_at_end = False
        trainer.args.max_steps = warmup + steps
        trainer.add_callback(clock)
        trainer.train()
    train_flops = sum(3 * forward_flops(shape, model.config, len(data.labels)) for shape in shapes[warmup + 1:])
    train_seconds = clock.ends[-1] - clock.ends[warmup]
    train_tokens = [batch * length for batch, length in shapes[warmup + 1:]]
    train_dtypes = set(dtypes)

    test = Dataset.from_list(data.features["test"].inputs)
    trainer.compute_metrics = None  # as biobench.loop.score predicts: the model's pass, decoding apart
    best = math.inf
    for _ in range(test_repeats):
        shapes.clear()
        dtypes.clear()
        start = time.perf_counter()
        trainer.predict(test)
        best = min(best, time.perf_counter() - start)
    test_flops = sum(forward_flops(shape, model.config, len(data.labels)) for shape in shapes)
    return {
        "train": train_flops / train_seconds, "train_step_ms": 1000 * train_seconds / steps,
        "train_tokens": sum(train_tokens) / len(train_tokens), "train_dtypes": train_dtypes,
        "test": test_flops / best, "test_seconds": best, "test_batches": len(shapes), "test_dtypes": set(dtypes),
        "test_tokens": sum(b * n for b, n in shapes) / len(shapes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5, help="timings per GEMM shape; the best counts")
    parser.add_argument("--tokens-per-sequence", type=int, default=40, help="padded length of the GEMM shapes")
    parser.add_argument("--train-steps", type=int, default=40, help="timed training steps (batches of 16)")
    parser.add_argument("--warmup-steps", type=int, default=3)
    parser.add_argument("--test-repeats", type=int, default=2, help="passes over the test split; the best counts")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()

    task, card = load_task("ncbi-disease"), model_cards()["minilm-l6"]
    model_config = transformers.AutoConfig.from_pretrained(card.location())
    d, ffn = model_config.hidden_size, model_config.intermediate_size
    print(f"{torch.get_num_threads()} threads, torch {torch.__version__}; `--precision auto` here: "
          f"{resolve_precision('auto')}")
    print(f"torch.mm, best of {args.repeats}, GFLOP/s (2*M*N*K per mm):")
    print(f"{'shape':<48} {'fp32':>8} {'bf16':>8}")
    peaks = {p: 0.0 for p in PRECISIONS}
    model_peaks = {p: 0.0 for p in PRECISIONS}
    for name, (m, k, n) in gemm_shapes(d, ffn, args.tokens_per_sequence).items():
        row = {p: mm_flops(m, k, n, DTYPES[p], args.repeats) for p in PRECISIONS}
        for p in PRECISIONS:
            peaks[p] = max(peaks[p], row[p])
            if m != k or k != n:
                model_peaks[p] = max(model_peaks[p], row[p])
        print(f"{name:<48} {row['fp32'] / 1e9:>8.1f} {row['bf16'] / 1e9:>8.1f}")
    print(f"{'peak (all shapes)':<48} {peaks['fp32'] / 1e9:>8.1f} {peaks['bf16'] / 1e9:>8.1f}")
    print(f"{'peak (MiniLM-L6 shapes)':<48} {model_peaks['fp32'] / 1e9:>8.1f} {model_peaks['bf16'] / 1e9:>8.1f}")

    data = prepare(task, card, TrainingConfig(seed=1, epochs=1, lr=5e-5, batch_size=16, max_length=128))
    print()
    print(f"MiniLM-L6 (d {d}, ffn {ffn}, {model_config.num_hidden_layers} layers) in biobench's loop on NCBI-disease: "
          f"{args.train_steps} training steps of 16 length-grouped windows, the test split "
          f"({len(data.features['test'].inputs)} windows) through Trainer.predict")
    for precision in PRECISIONS:
        result = achieved(task, card, data, precision, args.train_steps, args.warmup_steps, args.test_repeats)
        mode = "fp32" if precision == "fp32" else "bf16 autocast"
        dtypes = ", ".join(sorted(str(dtype).removeprefix("torch.") for dtype in result["test_dtypes"]))
        print(f"{mode}: training {result['train'] / 1e9:.1f} GFLOP/s ({result['train_step_ms']:.0f} ms a step, "
              f"{result['train_tokens']:.0f} padded tokens a batch) = {result['train'] / peaks[precision]:.2f} of "
              f"the {precision} peak, {result['train'] / model_peaks[precision]:.2f} of its MiniLM-L6 shapes' peak")
        print(f"{mode}: inference {result['test'] / 1e9:.1f} GFLOP/s ({result['test_seconds']:.2f} s for "
              f"{result['test_batches']} batches, {result['test_tokens']:.0f} padded tokens a batch, logits {dtypes}) "
              f"= {result['test'] / peaks[precision]:.2f} of the {precision} peak, "
              f"{result['test'] / model_peaks[precision]:.2f} of its MiniLM-L6 shapes' peak")


if __name__ == "__main__":
    main()
