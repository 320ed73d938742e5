"""Format readers: published files in, family records out (no torch here).

A reader is a function registered in ``biobench.registry.FORMATS`` under the
name a ``task.yaml`` gives as ``format:`` (a package's entry point may register
more). Its signature is its contract with the plugin loader:

- The first argument is the split file's ``Path`` (confined to the plugin
  folder, checksummed). Text is opened through ``biobench.formats.text_files``:
  UTF-8 only, a leading BOM dropped, another encoding a located error.
- ``member``, when declared, receives the archive member of a split written
  ``archive.zip!member``; the loader passes it, never ``format_options``.
- Every other argument is an option set under ``format_options``: required when
  it has no default, optional otherwise (``biobench tasks new`` writes the
  defaults into the new ``task.yaml``); an unknown option is an error.
- An option whose name ends in ``_file`` names a plugin file: the loader turns
  the relative path into a confined, checksummed ``Path``.
- It returns a list of records of its family's schema (``biobench.records``)
  and reports bad data as ``biobench.errors.DataError`` naming the file (and
  line, record or document); it never prints.

``reader_options`` reads that signature for the loader and the scaffold alike.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ARCHIVE_MEMBER = "member"


@dataclass(frozen=True)
class ReaderOptions:
    """The ``format_options`` a reader takes: required ones and optional ones with their defaults."""

    required: tuple[str, ...]
    defaults: dict[str, Any]

    @property
    def names(self) -> list[str]:
        return [*self.required, *self.defaults]


def reader_options(reader: Callable) -> ReaderOptions:
    """The options of ``reader``: every parameter after the path, except the archive ``member``."""
    parameters = [p for p in list(inspect.signature(reader).parameters.values())[1:] if p.name != ARCHIVE_MEMBER]
    return ReaderOptions(
        required=tuple(p.name for p in parameters if p.default is inspect.Parameter.empty),
        defaults={p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty},
    )
