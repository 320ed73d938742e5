"""A run's setting: everything that changes its number except the seed.

The setting is the model (name, kind, source, revision), the task (name,
version, data digest, fold) and the training configuration (every
hyperparameter, the training budget, the validation subset the epoch is chosen
on, and the variant: tuning, depth, head, precision). Results of one setting
over several seeds form one leaderboard cell; results of different settings
never mix. Its ``label`` says in words how it differs from the task's defaults
(``2,000 train examples``, ``lr 1e-3``, ``adapters``); the head a model and
family call for by default (``auto``) is no difference, so it is not named.
No torch here: the leaderboard reads settings from result files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from biobench.models.variant import Variant

HASH_VERSION = 1  # the identity's digest scheme; results written since version 1 keep their hashes
SOFT_LABEL_DEFAULTS = {"temperature": 2.0, "weight": 0.5}  # task distillation's (``--teacher``)


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that shapes one fine-tuning run besides the model and task."""

    seed: int
    epochs: float
    lr: float
    batch_size: int
    max_length: int
    scheduler: str = "linear"
    warmup_ratio: float = 0.0
    weight_decay: float = 0.0
    max_train_examples: int | None = None
    max_eval_examples: int | None = None  # choose the epoch on a fixed subset of validation (None: all of it)
    variant: Variant = field(default_factory=lambda: Variant(head=None, precision="fp32"))
    teacher: dict[str, Any] | None = None  # task distillation: model, setting (id), temperature, weight
    lr_grid: tuple[float, ...] | None = None  # choose the learning rate among these on validation (``lr`` unused)
    epochs_grid: tuple[float, ...] | None = None  # choose the epochs among these on validation (``epochs`` unused)

    @property
    def grid(self) -> dict[str, tuple[float, ...]]:
        """The values a run tries: each grid, or the one configured value."""
        return {"lr": self.lr_grid or (self.lr,), "epochs": self.epochs_grid or (self.epochs,)}

    @property
    def candidates(self) -> list[tuple[float, float]]:
        """The (lr, epochs) pairs a run trains: the grid's product."""
        return [(lr, epochs) for lr in self.grid["lr"] for epochs in self.grid["epochs"]]

    @property
    def precision(self) -> str:
        return self.variant.precision

    def as_dict(self) -> dict[str, Any]:
        """The hyperparameters as results record them (the variant's fields inline, as before variants existed;
        ``max_eval_examples``, ``teacher`` and the grids only when set, so results of runs without them keep their
        hash; with a grid, not the value it chooses)."""
        fields = asdict(self)
        del fields["variant"]
        for optional in ("max_eval_examples", "teacher", "lr_grid", "epochs_grid"):
            if fields[optional] is None:
                del fields[optional]
        for name in ("lr", "epochs"):
            if fields.get(f"{name}_grid"):  # the value is chosen in the run, not part of the setting
                del fields[name]
                fields[f"{name}_grid"] = list(fields[f"{name}_grid"])
        return fields | self.variant.identity()


def run_identity(model: dict, task: dict, hyperparameters: dict) -> dict:
    """What determines a run's outcome, from the fields result files record."""
    return {
        "model": {key: model.get(key) for key in ("name", "kind", "source", "revision")},
        "task": {key: task[key] for key in ("name", "version", "data_sha256")}
        | ({"fold": task["fold"]} if task.get("fold") is not None else {}),
        "config": hyperparameters,
    }


def digest(identity: dict[str, Any]) -> str:
    """A stable digest of an identity (key order does not matter)."""
    canonical = json.dumps({"schema_version": HASH_VERSION, **identity}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def config_hash(identity: dict) -> str:
    """The digest of one run: its setting and its seed."""
    return digest(identity)


def setting_id(identity: dict) -> str:
    """The digest of a run's setting: its identity without the seed."""
    config = {key: value for key, value in identity["config"].items() if key != "seed"}
    return digest(identity | {"config": config})


def setting_label(hyperparameters: dict[str, Any], defaults: dict[str, Any] | None) -> list[str]:
    """How a setting differs from the task's defaults, in words; the variant's marks first.

    ``defaults`` are the task's hyperparameters for this variant, with ``pooling``
    the head ``auto`` picks for the model and family (``None``: not recorded, as
    in result files of schema 1; then only what is visible without them, and a
    head other than ``[CLS]`` is named, as it was chosen then).
    """
    variant = Variant.from_hyperparameters(hyperparameters)
    words = variant.marks((defaults or {}).get("pooling", "cls"))
    if hyperparameters.get("teacher"):
        teacher = hyperparameters["teacher"]
        words.append(f"distilled from {teacher['model']}")
        words += [f"{name} {short_value(teacher[key])}"
                  for key, name in (("temperature", "temperature"), ("weight", "soft weight"))
                  if teacher.get(key) != SOFT_LABEL_DEFAULTS[key]]
    if hyperparameters.get("precision", "fp32") != "fp32":
        words.append(hyperparameters["precision"])
    if hyperparameters.get("max_train_examples"):
        words.append(f"{hyperparameters['max_train_examples']:,} train examples")
    evaluated, default_evaluated = hyperparameters.get("max_eval_examples"), (defaults or {}).get("max_eval_examples")
    if evaluated != default_evaluated:
        words.append(f"{evaluated:,} validation examples" if evaluated else "all validation examples")
    for key in ("lr", "epochs"):
        if grid := hyperparameters.get(f"{key}_grid"):
            words.append(f"{key} chosen from " + ", ".join(short_value(float(value)) for value in grid))
    for key, name in WORDS.items():
        if f"{key}_grid" in hyperparameters:
            continue
        if defaults is not None and key in defaults and hyperparameters.get(key) != defaults[key]:
            words.append(f"{name} {short_value(hyperparameters.get(key))}")
    return words


WORDS = {
    "epochs": "epochs",
    "lr": "lr",
    "batch_size": "batch",
    "max_length": "max length",
    "scheduler": "scheduler",
    "warmup_ratio": "warmup",
    "weight_decay": "weight decay",
}


def short_value(value) -> str:
    """``1e-3`` for 0.001, ``3`` for 3.0, as people write hyperparameters."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        if abs(value) < 1e-2:
            mantissa, exponent = f"{value:e}".split("e")
            return f"{float(mantissa):g}e{int(exponent)}"
        return f"{value:g}"
    return str(value)
