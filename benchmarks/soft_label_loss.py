"""What task distillation's soft-label term adds to a student's training step: steps on the model's own
(hard) loss against steps on ``(1 - weight) * hard + weight * soft`` as the loop trains a task-distilled
student, on NCBI-disease's length-grouped batches padded as the loop pads them, the precision `auto` picks,
in one process from the same weights (second pass of each timed; the sides alternate
`--rounds` times and the medians are compared).

The soft labels are the student's own outputs at the start, kept per feature as the teacher's are
(`biobench.distillation.soft_labels.teacher_outputs`): their values do not change the time.

    .venv/bin/python benchmarks/soft_label_loss.py [--examples 800] [--rounds 3] [--model minialbert-minilm-l6]
"""

from __future__ import annotations

import argparse
import statistics

import torch
import transformers
from training_step import BATCH_SIZE, batches, seconds_per_step

from biobench.catalog import load_task, model_cards
from biobench.distillation.soft_labels import SoftLabels
from biobench.families.base import PAD_MULTIPLE
from biobench.hardware import resolve_precision
from biobench.models.build import build_task_model
from biobench.models.loading import load_tokenizer
from biobench.setting import TrainingConfig


def soft_labels_of(model, data: list[dict]) -> tuple[SoftLabels, list[torch.Tensor]]:
    """Soft labels from ``model``'s outputs on each batch (real tokens, float16), and each batch's indices."""
    model.eval()
    outputs, indices = [], []
    with torch.no_grad():
        for batch in data:
            logits = model(**batch).logits
            indices.append(torch.arange(len(outputs), len(outputs) + len(logits)))
            outputs += [{"logits": row[mask.bool()].half()} for row, mask in zip(logits, batch["attention_mask"])]
    return SoftLabels(outputs, "softmax"), indices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="minialbert-minilm-l6", help="model card")
    parser.add_argument("--examples", type=int, default=800, help="training sentences (16 a batch)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both sides, alternating; medians")
    args = parser.parse_args()
    transformers.logging.set_verbosity_error()
    precision = resolve_precision("auto")
    card, task = model_cards()[args.model], load_task("ncbi-disease")
    labels = task.family.label_names(task.records("train"), task.spec.labels)
    transformers.set_seed(1)
    model = build_task_model(card, task.family, labels, TrainingConfig(1, 1, 5e-5, 16, 128).variant)
    data = batches(task, labels, load_tokenizer(card), args.examples)[PAD_MULTIPLE]
    soft, indices = soft_labels_of(model, data)

    def distilled(outputs, number):
        loss = soft.loss(outputs, data[number], indices[number])
        return (1 - soft.weight) * outputs.loss + soft.weight * loss

    rounds = [(seconds_per_step(model, data, precision), seconds_per_step(model, data, precision, distilled))
              for _ in range(args.rounds)]
    for number, (hard, both) in enumerate(rounds, 1):
        print(f"round {number}: hard loss {hard * 1e3:.1f} ms a step, with the soft-label term {both * 1e3:.1f} ms")
    hard, both = (statistics.median(side) for side in zip(*rounds))
    print(f"{args.model}, {len(data)} steps of {BATCH_SIZE} sentences, {precision}: "
          f"hard loss {hard * 1e3:.1f} ms a step, with the soft-label term "
          f"{both * 1e3:.1f} ms: the term costs {(both - hard) * 1e3:.1f} ms ({both / hard:.3f}x the step)")


if __name__ == "__main__":
    main()
