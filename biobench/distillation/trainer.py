"""The layer-to-layer distillation loop: packed masked text in, a trained MiniALBERT student out.

Each step masks 15% of the tokens of a batch of packed sequences, runs the teacher (no gradient) and
the student on it, and minimises the reference terms of ``biobench.distillation.losses``:
the student's own masked-LM loss, attention KL and hidden-state cosine per recursion against its teacher
layer (``layer_map``), and the output KL when the teacher has a masked-LM head. The step is seeded by
its number (masking, batch order), so a run resumed from a checkpoint equals an uninterrupted one. The
student trains without dropout: over a few hundred steps it only adds noise to the maps it must match
(its config keeps dropout for fine-tuning).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch.nn import functional as F

from biobench.errors import BiobenchError
from biobench.minialbert import MiniAlbertForMaskedLM
from biobench.distillation.losses import (
    LossWeights,
    attention_kl_loss,
    hidden_cosine_loss,
    layer_map,
    output_kl_loss,
)
from biobench.progress import Progress, Silent

CHECKPOINT = "checkpoint"


@dataclass(frozen=True)
class DistillationSettings:
    """What a distillation run does; a resumed run must use the same settings."""

    steps: int = 1000
    batch_size: int = 32
    sequence_length: int = 128
    lr: float = 5e-4
    warmup_ratio: float = 0.05
    weight_decay: float = 0.01
    mlm_probability: float = 0.15
    precision: str = "fp32"
    seed: int = 42
    checkpoint_every: int = 200
    mlm_weight: float = 1.0  # of the student's own masked-LM term (the reference's 1; 0 leaves it out)


@dataclass
class DistillationState:
    """Progress of a run, saved with each checkpoint: steps done, seconds spent, loss terms per step."""

    step: int = 0
    seconds: float = 0.0
    losses: list[dict[str, float]] = field(default_factory=list)


class Distiller:
    """Distils ``teacher`` into ``student`` on ``sequences`` (packed token ids, see ``pack_passages``)."""

    def __init__(
        self,
        teacher: torch.nn.Module,
        student: MiniAlbertForMaskedLM,
        tokenizer,
        sequences: torch.Tensor,
        settings: DistillationSettings,
        output_term: bool,
    ):
        from transformers import DataCollatorForLanguageModeling, get_linear_schedule_with_warmup

        self.teacher, self.student, self.tokenizer = teacher.eval(), student.eval(), tokenizer
        self.sequences, self.settings, self.output_term = sequences, settings, output_term
        self.weights = LossWeights(mlm=settings.mlm_weight)
        self.masker = DataCollatorForLanguageModeling(tokenizer, mlm_probability=settings.mlm_probability)
        self.masker.generator = torch.Generator()  # reseeded every step
        self.special_ids = torch.tensor(sorted(tokenizer.all_special_ids))
        self.teacher_layers = layer_map(student.config.num_hidden_layers, teacher.config.num_hidden_layers)
        self.optimizer = torch.optim.AdamW(student.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
        self.scheduler = get_linear_schedule_with_warmup(
            self.optimizer, int(settings.warmup_ratio * settings.steps), settings.steps
        )
        self.state = DistillationState()

    def run(
        self, output_dir: Path, progress: Progress = Silent(), max_seconds: float | None = None, log=None
    ) -> DistillationState:
        """Train until ``settings.steps`` (or ``max_seconds`` more), checkpointing into ``output_dir``;
        ``log(step, losses)`` receives each step's loss terms (an experiment tracker)."""
        progress.start("distilling", total=self.settings.steps)
        progress.advance(self.state.step)
        started = time.perf_counter() - self.state.seconds
        budget_end = None if max_seconds is None else time.perf_counter() + max_seconds
        while self.state.step < self.settings.steps:
            losses = self.train_step(self.state.step)
            self.state.step += 1
            self.state.seconds = time.perf_counter() - started
            self.state.losses.append(losses)
            progress.advance(1, **{name: f"{value:.3f}" for name, value in losses.items()})
            if log is not None:
                log(self.state.step, losses)
            if self.state.step % self.settings.checkpoint_every == 0 or self.state.step == self.settings.steps:
                self.save_checkpoint(output_dir / CHECKPOINT)
            if budget_end is not None and time.perf_counter() >= budget_end:
                self.save_checkpoint(output_dir / CHECKPOINT)
                break
        progress.finish()
        return self.state

    def train_step(self, step: int) -> dict[str, float]:
        input_ids, attention_mask = self.batch(step)
        input_ids, labels = self.mask(input_ids, attention_mask, step)
        with self._autocast():
            terms = self.losses(input_ids, attention_mask, labels)
        total = sum(getattr(self.weights, name) * value for name, value in terms.items())
        total.backward()
        total = total.detach()
        torch.nn.utils.clip_grad_norm_(self.student.parameters(), 1.0)
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        return {"total": float(total)} | {name: float(value.detach()) for name, value in terms.items()}

    def batch(self, step: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Rows of the epoch-wise shuffled sequences for ``step``; each epoch has its own seeded order."""
        count, size = len(self.sequences), self.settings.batch_size
        positions = range(step * size, (step + 1) * size)
        orders: dict[int, torch.Tensor] = {}
        rows = []
        for position in positions:
            epoch = position // count
            if epoch not in orders:
                generator = torch.Generator().manual_seed(self.settings.seed + epoch)
                orders[epoch] = torch.randperm(count, generator=generator)
            rows.append(orders[epoch][position % count])
        input_ids = self.sequences[torch.stack(rows)]
        return input_ids, (input_ids != self.tokenizer.pad_token_id).long()

    def mask(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, step: int):
        """BERT masking (80% [MASK], 10% random, 10% kept) of ``mlm_probability`` of the real tokens."""
        self.masker.generator.manual_seed(self.settings.seed * 1_000_003 + step)
        special = torch.isin(input_ids, self.special_ids) | ~attention_mask.bool()
        return self.masker.torch_mask_tokens(input_ids.clone(), special)

    def losses(self, input_ids, attention_mask, labels) -> dict[str, torch.Tensor]:
        """The unweighted loss terms; the student's vocabulary logits only at the masked positions."""
        with torch.no_grad():
            teacher = self.teacher(
                input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True, output_attentions=True
            )
        masked = labels >= 0
        student = self.student(
            input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True, output_attentions=True,
            positions=masked,
        )
        logits = student.logits
        terms = {
            "mlm": F.cross_entropy(logits.float(), labels[masked]),
            "attention": attention_kl_loss(
                [a.float() for a in student.attentions], [a.float() for a in teacher.attentions],
                attention_mask, self.teacher_layers,
            ),
            "hidden": hidden_cosine_loss(
                [h.float() for h in student.hidden_states], [h.float() for h in teacher.hidden_states],
                attention_mask, self.teacher_layers,
            ),
        }
        if self.output_term:
            terms["output"] = output_kl_loss(logits.float(), teacher.logits[masked].float(), labels[masked])
        return terms

    def _autocast(self):
        if self.settings.precision == "bf16":
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def save_checkpoint(self, folder: Path) -> None:
        """Student, optimizer, schedule and state, swapped in whole so a kill never leaves half a checkpoint."""
        staging = folder.with_name(folder.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        self.student.save_pretrained(staging)
        torch.save(self.optimizer.state_dict(), staging / "optimizer.pt")
        torch.save(self.scheduler.state_dict(), staging / "scheduler.pt")
        state = {"settings": asdict(self.settings), "state": asdict(self.state)}
        (staging / "state.json").write_text(json.dumps(state), encoding="utf-8")
        previous = folder.with_name(folder.name + ".previous")
        if folder.exists():
            folder.rename(previous)
        staging.rename(folder)
        shutil.rmtree(previous, ignore_errors=True)

    def load_checkpoint(self, folder: Path) -> None:
        """Continue from ``folder``; its settings must be this run's."""
        saved = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        saved["settings"] = asdict(DistillationSettings()) | saved["settings"]  # settings added later: defaults
        if saved["settings"] != asdict(self.settings):
            changed = sorted(k for k, v in asdict(self.settings).items() if saved["settings"].get(k) != v)
            raise BiobenchError(f"{folder}: cannot resume with different settings ({', '.join(changed)})")
        from safetensors.torch import load_file

        self.student.load_state_dict(load_file(folder / "model.safetensors"))
        self.optimizer.load_state_dict(torch.load(folder / "optimizer.pt", weights_only=True))
        self.scheduler.load_state_dict(torch.load(folder / "scheduler.pt", weights_only=True))
        self.state = DistillationState(**saved["state"])


def pack_passages(tokenizer, passages: list[str], sequence_length: int) -> torch.Tensor:
    """Passages tokenised and concatenated (separated by [SEP]), cut into [CLS] ... [SEP] rows without padding
    (the last row padded), so no compute goes to pad tokens."""
    body = sequence_length - 2
    stream: list[int] = []
    for ids in tokenizer(passages, add_special_tokens=False)["input_ids"]:
        stream += ids + [tokenizer.sep_token_id]
    if not stream:
        raise BiobenchError("the distillation corpus holds no text")
    rows = []
    for start in range(0, len(stream), body):
        piece = stream[start : start + body]
        row = [tokenizer.cls_token_id, *piece, tokenizer.sep_token_id]
        rows.append(row + [tokenizer.pad_token_id] * (sequence_length - len(row)))
    return torch.tensor(rows)
