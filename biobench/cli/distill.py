"""``biobench distill``: build a MiniALBERT student from a teacher by layer-to-layer distillation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from biobench.cli.app import TasksDirs, Tracker, app, choices
from biobench.cli.console import console, user_errors

DistillPrecision = choices("DistillPrecision", ["fp32", "bf16"])


@app.command()
def distill(
    teacher: Annotated[str, typer.Option(help="Teacher: model card name, Hub id or local directory.")] = "minilm-l6",
    corpus: Annotated[Optional[list[str]], typer.Option(
        help="Plain-text (one passage per line), PubTator or BioC XML file, or a task name (repeatable). Default: the "
        "training splits of the built-in tasks.",
    )] = None,
    output: Annotated[Path, typer.Option(
        "--output", "-o",
        help="Folder for the student, its card and checkpoints.",
    )] = Path("runs/student"),
    recursions: Annotated[int, typer.Option(help="Recursions of the shared layer (at most the teacher's layers).")] = 6,
    embedding_size: Annotated[int, typer.Option(help="Factorised embedding size.")] = 128,
    adapters: Annotated[bool, typer.Option(
        "--adapters/--no-adapters",
        help="Per-recursion bottleneck adapters.",
    )] = True,
    reduction_factor: Annotated[int, typer.Option(help="Adapter bottleneck = hidden size / this.")] = 16,
    init: Annotated[str, typer.Option(
        help="teacher (SVD embeddings, a copied teacher layer, identity adapters) | random.",
    )] = "teacher",
    init_layer: Annotated[Optional[int], typer.Option(
        help="Teacher layer (0-based) copied into the shared layer. Default: the middle one.",
    )] = None,
    steps: Annotated[int, typer.Option(help="Optimisation steps (the learning-rate schedule spans them).")] = 1000,
    max_minutes: Annotated[Optional[float], typer.Option(
        help="Stop (with a checkpoint) after this many minutes of this invocation.",
    )] = None,
    batch_size: Annotated[int, typer.Option(help="Packed sequences per step.")] = 32,
    sequence_length: Annotated[int, typer.Option(help="Tokens per packed sequence.")] = 128,
    lr: Annotated[float, typer.Option(help="Peak learning rate (linear warmup and decay).")] = 5e-4,
    mlm_weight: Annotated[float, typer.Option(
        help="Weight of the student's own masked-LM loss beside the teacher terms (attention and hidden states, "
        "3 each; output KL 5 where the teacher has a masked-LM head). 0 leaves it out: a teacher without a "
        "masked-LM head gives no target for it.", min=0.0)] = 1.0,
    precision: Annotated[DistillPrecision, typer.Option(help="Autocast precision of the steps.")] = "fp32",
    seed: Annotated[int, typer.Option(help="Seed of initialisation, batch order and masking.")] = 42,
    checkpoint_every: Annotated[int, typer.Option(help="Save a resumable checkpoint every this many steps.")] = 200,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from OUTPUT/checkpoint.")] = False,
    tasks_dir: TasksDirs = None,
    report_to: Annotated[Tracker, typer.Option(
        help="Log the loss terms to none | tensorboard (beside OUTPUT: tensorboard/<name>) | wandb | mlflow | trackio.",
    )] = "none",
    run_name: Annotated[Optional[str], typer.Option(help="Prefix of the run's name in the tracker.")] = None,
) -> None:
    """Distil a MiniALBERT student: masked LM, attention KL, hidden cosine (and output KL when the teacher has an MLM
    head), layer to layer.

    Example: biobench distill --teacher minilm-l6 --recursions 6 --steps 520 --precision bf16 -o runs/students/s1
    """
    with user_errors():
        from biobench.catalog import model_cards
        from biobench.cli.console import RichProgress
        from biobench.distillation.corpus import build_corpus
        from biobench.distillation.recipe import StudentShape, distill as run_distillation
        from biobench.distillation.trainer import DistillationSettings
        from biobench.models.cards import resolve_model
        from biobench.tracking import Tracking

        teacher_card = resolve_model(teacher, model_cards())
        text = build_corpus(corpus or [], tasks_dir or [])
        console.print(f"corpus: {len(text.passages):,} passages from {len(text.sources)} source(s)")
        settings = DistillationSettings(
            steps=steps, batch_size=batch_size, sequence_length=sequence_length, lr=lr, precision=precision.value,
            seed=seed, checkpoint_every=checkpoint_every, mlm_weight=mlm_weight,
        )
        shape = StudentShape(recursions, embedding_size, adapters, reduction_factor)
        with RichProgress(console) as progress:
            card = run_distillation(
                teacher_card, text, output, shape, settings, init, init_layer, resume,
                None if max_minutes is None else max_minutes * 60, progress,
                Tracking(report_to.value, run_name, output.parent),
            )
        last = card["losses"].get("last_steps", {})
        console.print(
            f"student: {output} ({card['student']['parameters_without_mlm_head']:,} parameters, "
            f"{card['student']['fraction_of_teacher']:.1%} of the teacher's); {card['run']['steps_done']} steps in "
            f"{card['run']['seconds']:.0f} s; last losses " + ", ".join(f"{k} {v:.3f}" for k, v in last.items())
        )
        for note in card["run"]["notes"]:
            console.print(f"note: {note}")
