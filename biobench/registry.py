"""One small registry for every kind of plugin.

    FORMATS = Registry("format")
    FORMATS.register("conll", "biobench.formats.conll:read_conll")  # lazy
    reader = FORMATS.get("conll")                                    # imports now

A value given as a ``"module:attribute"`` string is imported on first use, so
heavy backends (torch, transformers) load only when a plugin needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

from biobench.errors import BiobenchError, UnknownNameError


class Registry:
    """Names to objects, with lazy placeholders and a "did you mean" for typos."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, Any] = {}

    def register(self, name: str, value: Any) -> None:
        if name in self._entries and self._entries[name] != value:
            raise BiobenchError(f"{self.kind} {name!r} is registered twice")
        self._entries[name] = value

    def get(self, name: str) -> Any:
        if name not in self._entries:
            raise UnknownNameError(self.kind, name, self.names())
        value = self._entries[name]
        if isinstance(value, str) and ":" in value:
            module, attribute = value.split(":", 1)
            value = getattr(importlib.import_module(module), attribute)
            self._entries[name] = value
        return value

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries


FORMATS = Registry("format")
FORMATS.register("conll", "biobench.formats.conll:read_conll")
FORMATS.register("pubtator", "biobench.formats.pubtator:read_pubtator_ner")

FAMILIES = Registry("family")
FAMILIES.register("ner", "biobench.families.ner:NER")
