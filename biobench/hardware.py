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
def cpu_flags() -> set[str]:
    """The instruction-set flags /proc/cpuinfo lists (empty where it does not exist)."""
    return set(_cpuinfo("flags").split())


def resolve_precision(requested: str) -> str:
    """``auto`` is bf16 autocast where it pays (a bf16 GPU, or a CPU it was measured faster on), else fp32."""
    if requested == "fp16" and not torch.cuda.is_available():
        raise BiobenchError("--precision fp16 needs a CUDA GPU; on this machine use fp32 or bf16")
    if requested != "auto":
        return requested
    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    return "bf16" if _cpu_trains_bf16_faster() else "fp32"


def _cpu_trains_bf16_faster() -> bool:
    """AMX tiles, or AVX512-BF16 on an AMD core (BENCHMARKS.md, "Precision on a CPU").

    An Intel core with AVX512-BF16 but no AMX trained slower in bf16 than in fp32, so it stays fp32.
    """
    flags = cpu_flags()
    return "amx_bf16" in flags or ("avx512_bf16" in flags and _cpuinfo("vendor_id") == "AuthenticAMD")


# glibc returns every freed block above 32 MiB to the kernel, so a tensor of that size made each training step
# (MiniLM-L6's 30,522 x 384 embedding gradient: 47 MB) is page-faulted in afresh every time: zeroing it took
# 13.4 ms a step instead of 1.0 (benchmarks/allocator.py, which measures the whole step too).
_MALLOPT = {-3: 512 << 20, -1: 512 << 20}  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD (malloc.h)


@lru_cache(maxsize=1)
def keep_freed_memory() -> bool:
    """Let glibc keep freed blocks of up to 512 MiB for reuse; whether it could (only glibc can)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    import ctypes

    mallopt = ctypes.CDLL("libc.so.6").mallopt
    return all(mallopt(option, value) == 1 for option, value in _MALLOPT.items())


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
    return _cpuinfo("model name") or platform.processor()


def _cpuinfo(field: str) -> str:
    """The first value of ``field`` in /proc/cpuinfo, or "" where there is none."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                name, _, value = line.partition(":")
                if name.strip() == field:
                    return value.strip()
    except OSError:
        pass
    return ""
