"""Efficiency of a model's encoder on this machine: parameters, size on disk,
latency percentiles, throughput and peak memory, optionally int8-quantised or
(for MiniALBERT) with fewer recursions.
"""

from __future__ import annotations

import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from biobench.models.build import load_encoder
from biobench.models.cards import ModelCard
from biobench.models.loading import count_parameters, load_tokenizer


@dataclass(frozen=True)
class Profile:
    model: str
    variant: str
    parameters: dict[str, int]
    size_on_disk_mb: float | None
    sequence_length: int
    batch_size: int
    latency_ms_p50: float
    latency_ms_p95: float
    throughput_sequences_per_second: float
    peak_memory_mb: float


def quantize_int8(model: torch.nn.Module) -> torch.nn.Module:
    """Dynamic int8 quantisation of every Linear layer (weights int8, activations quantised on the fly)."""
    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def profile_model(
    card: ModelCard,
    sequence_length: int = 128,
    batch_size: int = 32,
    repeats: int = 20,
    quantize: str | None = None,
    recursions: int | None = None,
) -> Profile:
    """Time single-sequence latency and batched throughput on random in-vocabulary tokens."""
    model = load_encoder(card, recursions)
    parameters = vars(count_parameters(model))
    if quantize == "int8":
        model = quantize_int8(model)
    tokenizer = load_tokenizer(card)
    generator = torch.Generator().manual_seed(0)
    single = _random_batch(tokenizer, 1, sequence_length, generator)
    batch = _random_batch(tokenizer, batch_size, sequence_length, generator)
    with torch.inference_mode():
        for _ in range(3):
            model(**single)
        latencies = [_seconds(model, single) for _ in range(repeats)]
        batched = min(_seconds(model, batch) for _ in range(max(3, repeats // 5)))
    parts = (quantize, f"{recursions} recursions" if recursions else None)
    variant = ", ".join(part for part in parts if part) or "fp32"
    return Profile(
        model=card.name,
        variant=variant,
        parameters=parameters,
        size_on_disk_mb=_size_on_disk_mb(card),
        sequence_length=sequence_length,
        batch_size=batch_size,
        latency_ms_p50=round(1000 * statistics.median(latencies), 2),
        latency_ms_p95=round(1000 * statistics.quantiles(latencies, n=20)[-1], 2),
        throughput_sequences_per_second=round(batch_size / batched, 1),
        peak_memory_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )


def _random_batch(tokenizer, rows: int, length: int, generator) -> dict[str, torch.Tensor]:
    special = set(tokenizer.all_special_ids)
    vocabulary = torch.tensor([i for i in range(len(tokenizer)) if i not in special])
    ids = vocabulary[torch.randint(len(vocabulary), (rows, length), generator=generator)]
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


def _seconds(model, inputs) -> float:
    start = time.perf_counter()
    model(**inputs)
    return time.perf_counter() - start


def _size_on_disk_mb(card: ModelCard) -> float | None:
    """The weight files' size when the model is a local folder (Hub models: unknown until downloaded)."""
    folder = Path(card.location())
    if not folder.is_dir():
        return None
    files = [*folder.glob("*.safetensors"), *folder.glob("*.bin")]
    return round(sum(f.stat().st_size for f in files) / 2**20, 1) if files else None
