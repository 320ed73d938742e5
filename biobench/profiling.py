"""Efficiency of a model's encoder on this machine's CPU, as data: parameters,
size on disk, batch-1 latency percentiles, batched throughput and peak memory,
optionally int8-quantised or (for MiniALBERT) with fewer recursions.

One profile file per profiled variant, ``<output>/<model>/<variant>.profile.json``
(beside the model's result folders, so the leaderboard finds it), schema 1:

    {"schema_version": 1, "kind": "profile",
     "model": {"name", "kind", "source", "revision"},
     "variant": "fp32" | "int8" | "k recursions" | "int8, k recursions",
     "parameters": {"total", "unique", "trainable"},
     "size_on_disk_mb": float | null, "sequence_length": int, "batch_size": int,
     "latency_ms_p50": float, "latency_ms_p95": float,
     "throughput_sequences_per_second": float, "peak_memory_mb": float,
     "hardware": {...}, "task": str | null, "created": ISO-8601 str}

What each figure measures:

- ``parameters``: of the fp32 encoder before quantisation (shared tensors once in ``unique``).
- ``size_on_disk_mb``: the profiled variant's ``state_dict`` saved with ``torch.save``
  to a temporary file (int8: the quantised weights; MiB).
- Inputs: without a task, random in-vocabulary tokens, ``sequence_length`` of them per
  sequence. With a task, its test split's real texts (the family's ``texts(record)``)
  tokenised by the model's tokenizer, truncated at ``sequence_length`` (the task's
  ``max_length`` unless given): ``repeats`` records drawn with a fixed seed for the
  latency, ``THROUGHPUT_BATCHES`` batches of ``batch_size`` more, grouped by length
  and padded to the longest of each batch, for the throughput.
- ``latency_ms_p50`` / ``_p95``: one forward pass at batch size 1, per input, after one
  untimed pass over every input (the warm-up; for int8, where it compiles).
- ``throughput_sequences_per_second``: sequences over seconds of the best of several
  passes over the throughput batches.
- ``peak_memory_mb``: the variant's own peak resident memory, in a fresh process that
  runs only this variant: its high-water mark (Linux ``VmHWM``) over the timed passes
  (reset through ``/proc/self/clear_refs`` once the variant is built and warmed up,
  so neither the fp32 weights an int8 variant is made from nor its compilation
  count) less the process's resident memory once it has imported what the variant
  runs on (torch, transformers, the model kind's code; for int8, torchao and
  torch.compile): the weights, the activations, the compiled code, not the few
  hundred MB of interpreter and libraries every variant shares. Where the mark
  cannot be reset, the process's ``ru_maxrss`` less the same.

``int8`` is torchao's int8 dynamic quantisation (``quantize_int8``: int8 weights
per output channel, activations quantised per token) run under ``torch.compile``
(``compiled_int8``), as torchao's kernels are meant to run; fp32 runs eagerly, as
the fine-tuning loop runs it. Every variant is measured in its own spawned
process, so one variant's memory and caches never reach the next one's figures.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import json
import logging
import random
import resource
import statistics
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from biobench.errors import BiobenchError
from biobench.files import write_atomic

if TYPE_CHECKING:
    import torch

    from biobench.models.cards import ModelCard
    from biobench.plugin import Task

SCHEMA_VERSION = 1
QUANTIZATIONS = ("int8",)
THROUGHPUT_BATCHES = 4
SAMPLE_SEED = 0


class ProfiledModel(TypedDict):
    name: str
    kind: str
    source: str
    revision: str | None


class Profile(TypedDict):
    schema_version: int
    kind: str  # "profile"
    model: ProfiledModel
    variant: str
    parameters: dict[str, int]  # total, unique, trainable
    size_on_disk_mb: float | None
    sequence_length: int
    batch_size: int
    latency_ms_p50: float
    latency_ms_p95: float
    throughput_sequences_per_second: float
    peak_memory_mb: float
    hardware: dict[str, Any]
    task: str | None
    created: str


@dataclass(frozen=True)
class Inputs:
    """Token ids to time: one sequence per latency pass, and the throughput batches."""

    latency: list[list[int]]
    batches: list[list[list[int]]]
    pad_id: int


def variant_name(quantize: str | None = None, recursions: int | None = None) -> str:
    """``fp32``, ``int8``, ``k recursions`` or ``int8, k recursions``."""
    parts = (quantize, f"{recursions} recursions" if recursions else None)
    return ", ".join(part for part in parts if part) or "fp32"


def profile_path(output_dir: Path, model: str, variant: str) -> Path:
    """``<output>/<model>/<variant>.profile.json``, the model folder named as the result files' is."""
    words = "_".join(word.replace(",", "").replace(" ", "-") for word in variant.split(", "))
    return Path(output_dir) / model.replace("/", "__") / f"{words}.profile.json"


def profile_to_file(
    card: ModelCard,
    output_dir: Path,
    task: Task | None = None,
    quantize: str | None = None,
    recursions: int | None = None,
    sequence_length: int | None = None,
    batch_size: int = 32,
    repeats: int = 50,
) -> Path:
    """Profile one variant of ``card`` (on ``task``'s test texts when given) and write its profile file."""
    profile = profile_model(card, sequence_length, batch_size, repeats, quantize, recursions, task)
    path = profile_path(output_dir, card.name, profile["variant"])
    try:
        write_atomic(path, json.dumps(profile, indent=2) + "\n")
    except OSError as error:
        raise BiobenchError(f"{path}: cannot write the profile ({error.strerror or error})") from None
    return path


def profile_model(
    card: ModelCard,
    sequence_length: int | None = None,
    batch_size: int = 32,
    repeats: int = 50,
    quantize: str | None = None,
    recursions: int | None = None,
    task: Task | None = None,
) -> Profile:
    """Measure one variant of ``card`` in a fresh process; ``task``: time its test split's real inputs."""
    import torch

    from biobench.hardware import describe
    from biobench.models.loading import load_tokenizer
    from biobench.models.source import check_source, max_positions
    from biobench.models.variant import Variant

    if quantize not in (None, *QUANTIZATIONS):
        raise BiobenchError(f"quantisation {quantize!r}: only {', '.join(QUANTIZATIONS)} is supported")
    if batch_size < 1 or repeats < 2:
        raise BiobenchError("profiling needs a batch size of at least 1 and at least 2 repeats")
    Variant(recursions=recursions).check_model(card)
    if sequence_length is None:
        sequence_length = task.spec.max_length if task is not None else 128
    positions = max_positions(check_source(card))
    if not 1 <= sequence_length <= (positions or sequence_length):
        raise BiobenchError(f"sequence length {sequence_length}: model {card.name!r} reads 1 to {positions} positions")
    tokenizer = load_tokenizer(card)
    if task is not None:
        inputs = _task_inputs(task, tokenizer, sequence_length, batch_size, repeats)
    else:
        inputs = _random_inputs(tokenizer, sequence_length, batch_size, repeats)
    measured = _in_fresh_process(card, recursions, quantize, inputs, torch.get_num_threads(), max(3, repeats // 5))
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "profile",
        "model": {"name": card.name, "kind": card.kind, "source": card.source, "revision": card.revision},
        "variant": variant_name(quantize, recursions),
        "parameters": measured["parameters"],
        "size_on_disk_mb": measured["size_on_disk_mb"],
        "sequence_length": sequence_length,
        "batch_size": batch_size,
        **{key: measured[key] for key in ("latency_ms_p50", "latency_ms_p95", "throughput_sequences_per_second",
                                          "peak_memory_mb")},
        "hardware": describe(),
        "task": task.name if task is not None else None,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def quantize_int8(model: torch.nn.Module) -> torch.nn.Module:
    """Int8 weights (per output channel) and int8 activations quantised per token on the fly, in every
    Linear layer, with torchao's ``quantize_`` (in place; the model is returned for chaining)."""
    quiet_torchao()
    from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_

    quantize_(model, Int8DynamicActivationInt8WeightConfig())
    return model


def compiled_int8(model: torch.nn.Module) -> torch.nn.Module:
    """``torch.compile`` of an int8 model, the way torchao's kernels are meant to run (eager int8 is slower than
    fp32 at batch 1 on a CPU: BENCHMARKS.md); shapes dynamic, so real inputs of every length share graphs."""
    import torch

    warnings.filterwarnings("ignore", message=".*_stable_hash_for_caching.*")
    return torch.compile(model, dynamic=True)


def quiet_torchao() -> None:
    """Silence what torchao and torch log when torchao is imported (transformers imports it whenever it is
    installed): that its CUDA-only kernels do not load, and that its enums are registered the old way."""
    logging.getLogger("torchao").setLevel(logging.ERROR)
    logging.getLogger("torch.utils._pytree").setLevel(logging.ERROR)


def _random_inputs(tokenizer, length: int, batch_size: int, repeats: int) -> Inputs:
    rng = random.Random(SAMPLE_SEED)
    special = set(tokenizer.all_special_ids)
    vocabulary = [i for i in range(len(tokenizer)) if i not in special]

    def sequence() -> list[int]:
        return rng.choices(vocabulary, k=length)

    return Inputs([sequence() for _ in range(repeats)], [[sequence() for _ in range(batch_size)]],
                  tokenizer.pad_token_id or 0)


def _task_inputs(task: Task, tokenizer, length: int, batch_size: int, repeats: int) -> Inputs:
    """Real test inputs: ``repeats`` drawn for the latency, ``THROUGHPUT_BATCHES`` batches more for the throughput."""
    records = task.records("test")
    order = random.Random(SAMPLE_SEED).sample(range(len(records)), len(records))
    if not order:
        raise BiobenchError(f"task {task.name}: the test split is empty, nothing to profile on")
    latency = [order[i % len(order)] for i in range(repeats)]  # a small split is cycled through
    batched = [order[(repeats + i) % len(order)] for i in range(THROUGHPUT_BATCHES * batch_size)]
    chosen = sorted({*latency, *batched})
    by_record = dict(zip(chosen, _tokenize([task.family.texts(records[i]) for i in chosen], tokenizer, length)))
    throughput = sorted((by_record[i] for i in batched), key=len)  # length-grouped, as the loop batches
    batches = [throughput[start:start + batch_size] for start in range(0, len(throughput), batch_size)]
    return Inputs([by_record[i] for i in latency], batches, tokenizer.pad_token_id or 0)


def _tokenize(texts: list[tuple[str, ...]], tokenizer, length: int) -> list[list[int]]:
    columns = list(zip(*texts))
    encoded = tokenizer(*[list(column) for column in columns], truncation=True, max_length=length)
    return [list(row) for row in encoded["input_ids"]]


def _in_fresh_process(card, recursions, quantize, inputs: Inputs, threads: int, passes: int) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        try:
            return pool.submit(_measure, card, recursions, quantize, inputs, threads, passes).result()
        except BrokenProcessPool:
            raise BiobenchError(f"profiling {card.name} stopped: its process died (out of memory?)") from None


def _measure(card, recursions, quantize, inputs: Inputs, threads: int, passes: int) -> dict:
    """In the fresh process: build the variant, then size, latency, throughput and peak memory."""
    import torch
    import transformers

    from biobench.models.build import load_encoder
    from biobench.models.loading import count_parameters

    quiet_torchao()
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    torch.set_num_threads(threads)
    _load_runtime(card, quantize)
    libraries_mb = _memory_mb("VmRSS")
    try:
        model = load_encoder(card, recursions)
    except BiobenchError as error:  # as a plain BiobenchError: its subclasses do not all cross processes
        raise BiobenchError(str(error)) from None
    parameters = vars(count_parameters(model))
    if quantize == "int8":
        model = quantize_int8(model)
    size = _saved_size_mb(model)
    if quantize == "int8":
        model = compiled_int8(model)
    rows = sum(len(rows) for rows in inputs.batches)
    with torch.inference_mode():
        singles = [_batch([sequence], inputs.pad_id) for sequence in inputs.latency]
        batches = [_batch(rows, inputs.pad_id) for rows in inputs.batches]
        _warm_up(model, [*singles, *batches], card.name)  # every input once: any recompilation happens here
        gc.collect()
        reset = _reset_peak_memory()
        latencies = [_seconds(model, single) for single in singles]
        best = min(sum(_seconds(model, batch) for batch in batches) for _ in range(passes))
    return {
        "parameters": parameters,
        "size_on_disk_mb": size,
        "latency_ms_p50": round(1000 * statistics.median(latencies), 2),
        "latency_ms_p95": round(1000 * statistics.quantiles(latencies, n=20)[-1], 2),
        "throughput_sequences_per_second": round(rows / best, 1),
        "peak_memory_mb": round(_memory_mb("VmHWM" if reset else None) - libraries_mb, 1),
    }


def _load_runtime(card, quantize: str | None) -> None:
    """Import what the variant runs on, so that the memory counted from here on is the variant's own: the
    model kind's code and transformers' models; for int8, torchao and torch.compile (by compiling one layer)."""
    import torch
    import transformers.modeling_utils  # noqa: F401

    from biobench.registry import MODEL_KINDS

    MODEL_KINDS.get(card.kind)
    if quantize == "int8":
        layer = compiled_int8(quantize_int8(torch.nn.Sequential(torch.nn.Linear(64, 64))))
        with torch.inference_mode():
            _warm_up(layer, [{"input": torch.randn(2, 8, 64)}, {"input": torch.randn(1, 8, 64)}], card.name)


def _warm_up(model, inputs: list[dict], name: str) -> None:
    """One untimed pass over the inputs (for int8, where ``torch.compile`` compiles each new kind of shape)."""
    try:
        for one in inputs:
            model(**one)
    except Exception as error:
        if not type(error).__module__.startswith("torch._"):  # dynamo and inductor: the compiler failed
            raise
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise BiobenchError(f"profiling {name} int8: torch.compile failed ({first_line}); it needs a C++ "
                            f"compiler (gcc or clang) on the PATH") from None


def _batch(rows: list[list[int]], pad_id: int) -> dict:
    import torch

    width = max(len(row) for row in rows)
    ids = torch.tensor([row + [pad_id] * (width - len(row)) for row in rows])
    mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows])
    return {"input_ids": ids, "attention_mask": mask}


def _seconds(model, inputs) -> float:
    start = time.perf_counter()
    model(**inputs)
    return time.perf_counter() - start


def _saved_size_mb(model) -> float:
    """The size of the model's ``state_dict`` as ``torch.save`` writes it (shared tensors stored once)."""
    import torch

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "weights.pt"
        torch.save(model.state_dict(), path)
        return round(path.stat().st_size / 2**20, 3)


def _reset_peak_memory() -> bool:
    """Reset this process's resident high-water mark (Linux); False where it cannot be."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _memory_mb(field: str | None) -> float:
    """This process's resident memory now (``VmRSS``) or at its high-water mark (``VmHWM``); ``None`` or
    without ``/proc``: the peak since the process started (``ru_maxrss``)."""
    if field:
        with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
