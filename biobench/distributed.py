"""Which process this is, under ``torchrun`` or ``accelerate launch`` (both set ``RANK`` and ``WORLD_SIZE``).

Every process trains and evaluates its share; only the main one writes results,
predictions and cached features, and only it prints.
"""

from __future__ import annotations

import os


def rank() -> int:
    return int(os.environ.get("RANK", "0"))


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def is_main_process() -> bool:
    return rank() == 0
