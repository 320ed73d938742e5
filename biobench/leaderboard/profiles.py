"""Profile files (``biobench profile``: ``*.profile.json`` anywhere under a results folder, schema 1 of
``biobench.profiling``) read as data, and the one a leaderboard row takes its efficiency from.

A row takes the profile of its model name with variant ``fp32``, or ``k recursions`` where the row runs a
MiniALBERT at depth k; of several such profiles, the latest. Profiles no row takes (``int8``, a depth that was not
fine-tuned, a model without results) become rows of their own, marked ``profile only``, with no scores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from biobench.results import Unreadable

if TYPE_CHECKING:
    from biobench.profiling import Profile

READABLE_SCHEMAS = (1,)


def scan_profiles(root: Path) -> tuple[list[Profile], list[Unreadable]]:
    """Every profile file under ``root``, and the files named like one that could not be read."""
    profiles, unreadable = [], []
    for path in sorted(Path(root).rglob("*.profile.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            unreadable.append(Unreadable(path, f"not a readable JSON profile ({error})"))
            continue
        if not isinstance(data, dict) or data.get("kind") != "profile" \
                or data.get("schema_version") not in READABLE_SCHEMAS:
            version = data.get("schema_version") if isinstance(data, dict) else None
            unreadable.append(Unreadable(path, f"not a profile of a schema this biobench reads (schema_version "
                                               f"{version!r})"))
            continue
        if not isinstance(data.get("model"), dict) or "name" not in data["model"] or "variant" not in data:
            unreadable.append(Unreadable(path, "a profile without its model name or variant"))
            continue
        profiles.append(data)
    return profiles, unreadable


def row_variant(recursions: int | None) -> str:
    """The profile variant a row's efficiency comes from: ``fp32``, or ``k recursions`` at depth k."""
    return f"{recursions} recursions" if recursions else "fp32"


def latest(profiles: list[Profile]) -> dict[tuple[str, str], Profile]:
    """The latest profile of each (model name, variant)."""
    chosen: dict[tuple[str, str], Profile] = {}
    for profile in sorted(profiles, key=lambda profile: str(profile.get("created", ""))):
        chosen[(profile["model"]["name"], profile["variant"])] = profile
    return chosen
