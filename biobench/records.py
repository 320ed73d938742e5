"""The internal record schema of each family: what format readers produce.

Readers turn published files into plain dicts of these shapes (no torch, no
tokenizer), so any reader feeds any model through its family.
"""

from __future__ import annotations

from typing import TypedDict


class NerRecord(TypedDict):
    """One sentence (or passage) as words with IOB2 tags, e.g. ``B-Disease``."""

    id: str
    tokens: list[str]
    tags: list[str]
