"""How a model is trained for a run, beyond the task's hyperparameters: a ``Variant``.

A variant is the tuning mode, the depth (MiniALBERT recursions), the head of a
sentence-level task and the numeric precision. It owns every rule about them:
which values exist (the API and the CLI refuse the same things), what ``auto``
becomes for a given model and family, the default learning rate, what enters
the config hash, and the words a leaderboard shows for it. No torch here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from biobench.errors import BiobenchError

TUNINGS = ("full", "adapters", "lora")
HEADS = ("auto", "cls", "mean", "entity-start")  # "auto": the head the family and the model call for
SENTENCE_HEADS = ("cls", "mean")  # heads reading a whole text, as a model may declare it is read
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
PARAMETER_EFFICIENT_LR = 1e-3  # adapters and LoRA train a few fresh weights: they want a larger step


@dataclass(frozen=True)
class Variant:
    """Tuning mode, depth, head and precision of a run; checked when made."""

    tuning: str = "full"
    recursions: int | None = None  # models with depth (MiniALBERT): run only the first k recursions
    head: str | None = "auto"  # None: the family has one head only (tokens, spans)
    precision: str = "auto"

    def __post_init__(self):
        _check_choice("tuning", self.tuning, TUNINGS)
        _check_choice("pooling", self.head, (*HEADS, None))
        _check_choice("precision", self.precision, PRECISIONS)
        if self.recursions is not None and (not isinstance(self.recursions, int) or self.recursions < 1):
            raise BiobenchError(f"--recursions {self.recursions!r}: must be a whole number of at least 1")

    def check_model(self, card) -> None:
        """Refuse what the card's kind of model cannot do (e.g. recursions on a model without depth)."""
        from biobench.registry import MODEL_KINDS

        if self.recursions is not None and not MODEL_KINDS.get(card.kind).has_depth:
            raise BiobenchError(
                f"--recursions applies to models with recursions (MiniALBERT); {card.name!r} is of kind {card.kind!r}"
            )

    def resolved(self, card, family) -> "Variant":
        """This variant for one model and family: ``auto`` head and precision made concrete.

        The head: ``None`` where the family has a single head; else the one asked
        for where the family offers it (``entity-start`` is the relation family's), or
        ``default_head`` (``auto``, or a head the family does not offer).
        """
        from biobench.hardware import resolve_precision

        chosen = self.head != "auto" and self.head in getattr(family, "heads", ())
        head = self.head if chosen else default_head(card, family)
        return replace(self, head=head, precision=resolve_precision(self.precision))

    def default_lr(self, task_lr: float) -> float:
        """The task's rate for full fine-tuning; a larger one for adapters and LoRA."""
        return task_lr if self.tuning == "full" else PARAMETER_EFFICIENT_LR

    def identity(self) -> dict[str, Any]:
        """What enters the config hash (``pooling`` only when not the ``[CLS]`` head: older results keep their hash)."""
        fields = {"precision": self.precision, "tuning": self.tuning, "recursions": self.recursions}
        if self.head not in (None, "cls"):
            fields["pooling"] = self.head
        return fields

    def marks(self, default: str | None = "cls") -> list[str]:
        """How the run differs from full fine-tuning of the whole model with its default head, in words.

        The head is named only where it differs from ``default``, the head
        ``auto`` picks for the model and family (``default_head``): a head chosen.
        """
        marks = [self.tuning] if self.tuning != "full" else []
        if self.recursions:
            marks.append(f"{self.recursions} recursions")
        if self.head is not None and self.head != (default or "cls"):
            marks.append(f"{self.head} pooling")
        return marks

    def record(self) -> dict[str, Any]:
        """The variant as written into a result file."""
        return asdict(self)

    @classmethod
    def from_hyperparameters(cls, hyperparameters: dict[str, Any]) -> "Variant":
        """The variant of a result file's recorded hyperparameters (results written before variants were recorded)."""
        return cls(
            tuning=hyperparameters.get("tuning", "full"),
            recursions=hyperparameters.get("recursions"),
            head=hyperparameters.get("pooling") or "cls",
            precision=hyperparameters.get("precision", "fp32"),
        )


def default_head(card, family) -> str | None:
    """The head ``auto`` picks: ``None`` where the family has a single head; else the pooling the model
    declares when the family offers it and reads a whole text by default (a sentence-transformers model
    pooled by the mean), else the family's first head (relations: ``entity-start``)."""
    from biobench.registry import MODEL_KINDS

    heads = getattr(family, "heads", ())
    if not heads:
        return None
    declared = MODEL_KINDS.get(card.kind).declared_pooling(card)
    return declared if declared in heads and heads[0] in SENTENCE_HEADS else heads[0]


def _check_choice(option: str, value, choices: tuple) -> None:
    if value not in choices:
        named = ", ".join(choice for choice in choices if choice is not None)
        raise BiobenchError(f"--{option} {value!r}: choose one of {named}")
