"""Task distillation: a student fine-tuned on a task's hard labels and on the soft labels of the teacher
fine-tuned on the same task (Hinton et al. 2015; TinyBERT's prediction-layer stage).

The teacher's outputs on the training features are computed once, from its best epoch, and kept per feature
(token-level outputs trimmed to the feature's real tokens), so a student's epoch costs no teacher pass. The
loss is ``(1 - weight) * hard + weight * soft``, where ``soft`` is, by the family's ``soft_labels``:

- ``softmax``: KL(teacher || student) of the label distributions at ``temperature``, times temperature²
  (token classification over the tokens the hard loss scores; sequence classification; span start and end);
- ``sigmoid``: binary cross-entropy against the teacher's probabilities (multi-label classification);
- ``regression``: mean squared error against the teacher's score (similarity).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from biobench.setting import SOFT_LABEL_DEFAULTS

OUTPUTS = ("logits", "start_logits", "end_logits")
INDEX = "feature_index"  # the column that tells the loss which training feature a batch row is


@dataclass(frozen=True)
class SoftLabels:
    """The teacher's outputs on every training feature, and how the student learns from them."""

    outputs: list[dict[str, torch.Tensor]]  # per feature: output name -> tensor (token-level: real tokens only)
    kind: str  # softmax, sigmoid, regression
    temperature: float = SOFT_LABEL_DEFAULTS["temperature"]
    weight: float = SOFT_LABEL_DEFAULTS["weight"]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        torch.save({"outputs": self.outputs, "kind": self.kind}, temporary)
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path, temperature: float, weight: float) -> "SoftLabels":
        saved = torch.load(path, weights_only=True)
        return cls(saved["outputs"], saved["kind"], temperature, weight)

    def loss(self, outputs, inputs: dict, index: torch.Tensor) -> torch.Tensor:
        """The soft term of one batch: ``outputs`` the student's, ``inputs`` the batch, ``index`` its features."""
        terms = []
        for name in OUTPUTS:
            student = getattr(outputs, name, None)
            if student is None:
                continue
            mask = _scored_tokens(inputs, name) if _token_level(name, student) else None
            for row, feature in enumerate(index.tolist()):
                teacher = self.outputs[feature][name].to(student.device, torch.float32)
                mine = student[row]
                if mask is not None:  # the teacher kept the real tokens only
                    real = inputs["attention_mask"][row].bool()
                    keep = mask[row][real]
                    mine, teacher = mine[real][keep], teacher[keep]
                terms.append(self._term(mine.float(), teacher))
        return torch.stack(terms).mean() if terms else torch.zeros((), device=index.device)

    def _term(self, student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
        if self.kind == "regression":
            return F.mse_loss(student, teacher)
        if self.kind == "sigmoid":
            return F.binary_cross_entropy_with_logits(student, torch.sigmoid(teacher))
        t = self.temperature
        if student.numel() == 0:  # no token of the row is scored
            return student.sum() * 0.0
        return F.kl_div(F.log_softmax(student / t, dim=-1), F.log_softmax(teacher / t, dim=-1), log_target=True,
                        reduction="batchmean" if student.dim() > 1 else "sum") * t * t


def _token_level(name: str, output: torch.Tensor) -> bool:
    """Per-token outputs: token classification logits (batch, tokens, labels); span start and end logits."""
    return output.dim() == 3 if name == "logits" else True


def _scored_tokens(inputs: dict, name: str) -> torch.Tensor:
    """The tokens a token-level output is distilled on: those the hard loss scores (labels not -100) where the
    labels are per token; every real token otherwise (span start and end)."""
    labels = inputs.get("labels")
    if name == "logits" and labels is not None and labels.shape == inputs["input_ids"].shape:
        return labels != -100
    return inputs["attention_mask"].bool()


@torch.no_grad()
def teacher_outputs(model, inputs: list[dict], collator, precision: str, batch_size: int = 32) -> list[dict]:
    """The model's outputs on every feature of ``inputs``, in their order; token-level outputs kept for the real
    tokens only, in float16."""
    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]["input_ids"]))
    kept: list[dict | None] = [None] * len(inputs)
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16")
    for start in range(0, len(order), batch_size):
        chosen = order[start:start + batch_size]
        batch = collator([{k: v for k, v in inputs[i].items() if k not in ("labels", "label")} for i in chosen])
        batch = {key: value.to(device) for key, value in batch.items() if isinstance(value, torch.Tensor)}
        with autocast:
            outputs = model(**batch)
        for row, feature in enumerate(chosen):
            real = batch["attention_mask"][row].bool()
            kept[feature] = {
                name: (value[row][real] if _token_level(name, value) else value[row])
                .detach().to("cpu", torch.float16)
                for name in OUTPUTS if (value := getattr(outputs, name, None)) is not None
            }
    return kept


def indexed_collator(collator):
    """The family's collator, passing each feature's ``feature_index`` through as a batch tensor."""

    def collate(features: list[dict]) -> dict:
        index = [feature[INDEX] for feature in features] if features and INDEX in features[0] else None
        batch = collator([{k: v for k, v in feature.items() if k != INDEX} for feature in features])
        if index is not None:
            batch[INDEX] = torch.tensor(index)
        return batch

    return collate
