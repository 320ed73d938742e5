"""One distillation run from start to saved student: teacher, corpus, student, loop, card.

The saved folder is a MiniALBERT masked-LM checkpoint with the teacher's tokenizer, so
``biobench run --model FOLDER`` fine-tunes it like any other model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from biobench.models.loading import count_parameters
from biobench.distillation.card import loss_summary, write_card
from biobench.distillation.corpus import Corpus
from biobench.distillation.student_init import random_student, student_config, student_from_teacher
from biobench.distillation.trainer import CHECKPOINT, DistillationSettings, Distiller, pack_passages
from biobench.errors import BiobenchError
from biobench.models.cards import ModelCard
from biobench.progress import Progress, Silent
from biobench.tracking import StepLogger, Tracking

INITIALISATIONS = ("teacher", "random")
# Packed sequences the adapters are calibrated on when the student starts from the teacher.
CALIBRATION_SEQUENCES = 16


@dataclass(frozen=True)
class StudentShape:
    recursions: int = 6
    embedding_size: int = 128
    adapters: bool = True
    reduction_factor: int = 16


def load_teacher(card: ModelCard):
    """The teacher with eager attention (attention maps are a loss term); its masked-LM head if it has one."""
    import transformers

    config = transformers.AutoConfig.from_pretrained(card.location(), revision=card.revision)
    has_mlm_head = any(name.endswith(("ForMaskedLM", "ForPreTraining")) for name in config.architectures or ())
    auto_class = transformers.AutoModelForMaskedLM if has_mlm_head else transformers.AutoModel
    try:
        teacher = auto_class.from_pretrained(
            card.location(), revision=card.revision, attn_implementation="eager",
            trust_remote_code=card.trust_remote_code,
        )
    except OSError as error:
        raise BiobenchError(f"cannot load teacher {card.name!r}: {error}") from None
    return teacher.requires_grad_(False).eval(), has_mlm_head


def distill(
    teacher_card: ModelCard,
    corpus: Corpus,
    output_dir: Path,
    shape: StudentShape = StudentShape(),
    settings: DistillationSettings = DistillationSettings(),
    initialisation: str = "teacher",
    teacher_layer: int | None = None,
    resume: bool = False,
    max_seconds: float | None = None,
    progress: Progress = Silent(),
    tracking: Tracking = Tracking(),
) -> dict:
    """Distil, save the student and its card into ``output_dir``; returns the card."""
    from biobench.models.loading import load_tokenizer

    checkpoint = output_dir / CHECKPOINT
    if checkpoint.exists() and not resume:
        raise BiobenchError(f"{output_dir} holds a distillation checkpoint: pass --resume, or choose another folder")
    if initialisation not in INITIALISATIONS:
        raise BiobenchError(f"--init must be one of {', '.join(INITIALISATIONS)}, got {initialisation!r}")
    teacher, has_mlm_head = load_teacher(teacher_card)
    tokenizer = load_tokenizer(teacher_card)
    sequences = pack_passages(tokenizer, corpus.passages, settings.sequence_length)
    config = student_config(teacher.config, shape.recursions, shape.embedding_size, shape.adapters,
                            shape.reduction_factor)
    layers = teacher.config.num_hidden_layers
    teacher_layer = layers // 2 if teacher_layer is None else teacher_layer
    if not 0 <= teacher_layer < layers:
        raise BiobenchError(f"--init-layer must be in [0, {layers - 1}], got {teacher_layer}")
    if initialisation == "teacher":
        student = student_from_teacher(config, teacher, teacher_layer, sequences[:CALIBRATION_SEQUENCES], settings.seed)
    else:
        student = random_student(config, settings.seed)
    distiller = Distiller(teacher, student, tokenizer, sequences, settings, output_term=has_mlm_head)
    if resume and checkpoint.exists():
        distiller.load_checkpoint(checkpoint)
    output_dir.mkdir(parents=True, exist_ok=True)
    logger = StepLogger(tracking.named(output_dir.name), asdict(settings) | asdict(shape))
    try:
        distiller.run(output_dir, progress, max_seconds, logger.log)
    finally:
        logger.close()
    student.save_pretrained(output_dir)
    tokenizer.save_pretrained(output_dir)
    card = _card(teacher_card, teacher, student, corpus, sequences, settings, distiller, initialisation, teacher_layer)
    write_card(output_dir, card)
    return card


def _card(teacher_card, teacher, student, corpus, sequences, settings, distiller, initialisation, teacher_layer):
    from biobench import __version__

    state = distiller.state
    backbone = count_parameters(student.albert).unique
    teacher_parameters = count_parameters(getattr(teacher, teacher.base_model_prefix, teacher)).unique
    notes = [] if distiller.output_term else [
        "the teacher has no masked-LM head, so the output-distribution (logit KL) term was left out"
    ]
    if state.step < settings.steps:
        notes.append(f"stopped by the time budget after {state.step} of {settings.steps} steps")
    init_text = (
        f"from the teacher (SVD embeddings, shared layer = teacher layer {teacher_layer} (0-based), "
        "identity-calibrated adapters)" if initialisation == "teacher" else "random"
    )
    config = student.config
    return {
        "biobench_version": __version__,
        "student": {
            "recursions": config.num_hidden_layers, "embedding_size": config.embedding_size,
            "hidden_size": config.hidden_size, "adapters": config.use_adapter,
            "reduction_factor": config.reduction_factor, "initialisation": init_text,
            "parameters_without_mlm_head": backbone, "fraction_of_teacher": backbone / teacher_parameters,
        },
        "teacher": {"name": teacher_card.name, "source": teacher_card.source, "parameters": teacher_parameters,
                    "masked_lm_head": distiller.output_term},
        "corpus": {"sources": corpus.sources, "passages": len(corpus.passages), "sequences": len(sequences)},
        "run": {
            "settings": asdict(settings), "steps_done": state.step, "seconds": round(state.seconds, 1),
            "layer_map": distiller.teacher_layers, "loss_weights": asdict(distiller.weights),
            "loss_terms": list(state.losses[0]) if state.losses else [], "notes": notes,
            "threads": torch.get_num_threads(),
        },
        "losses": loss_summary(state.losses),
    }
