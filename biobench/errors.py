"""Errors a user can act on: the CLI prints them as one line and exits 2."""

from __future__ import annotations

import difflib
from pathlib import Path


class BiobenchError(Exception):
    """A problem with the user's input, stated so the user can fix it."""


class DataError(BiobenchError):
    """A problem inside a file, located by path and (when known) line."""

    def __init__(self, path: str | Path, problem: str, line: int | None = None):
        self.path, self.problem, self.line = str(path), problem, line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class UnknownNameError(BiobenchError):
    """An unknown task, model, family or format name, with a suggestion."""

    def __init__(self, kind: str, name: str, known: list[str]):
        message = f"unknown {kind} {name!r}"
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        if close:
            message += f"; did you mean {close[0]!r}?"
        elif known:
            message += f"; known: {', '.join(sorted(known))}"
        super().__init__(message)
