"""The machine a run happens on: its description and the precision it supports."""

from __future__ import annotations

import os
import platform
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

import torch

from biobench.errors import BiobenchError

PACKAGES = ("biobench", "torch", "transformers", "accelerate", "datasets", "seqeval", "scikit-learn", "numpy")


@lru_cache(maxsize=1)
def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def resolve_precision(requested: str) -> str:
    """``auto`` is bf16 autocast where it pays (a bf16 GPU, or a CPU with AMX), else fp32.

    CPUs with only AVX-512 BF16 run bf16 training slower than fp32 (measured in
    BENCHMARKS.md), so they stay in fp32.
    """
    if requested == "fp16" and not torch.cuda.is_available():
        raise BiobenchError("--precision fp16 needs a CUDA GPU; on this machine use fp32 or bf16")
    if requested != "auto":
        return requested
    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    return "bf16" if "amx_bf16" in _cpu_flags() else "fp32"


def describe() -> dict:
    info = {
        "platform": platform.platform(),
        "processor": _cpu_name(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "accelerator": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    return info


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            continue
    return versions


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()
