"""How long-running work reports progress without printing anything itself.

The library calls a ``Progress``; the CLI passes one that draws rich bars,
everything else gets the silent default.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, description: str, total: int | None) -> None: ...

    def advance(self, steps: int = 1, **fields: str) -> None: ...

    def finish(self) -> None: ...

    def note(self, message: str) -> None: ...


class Silent:
    def start(self, description: str, total: int | None) -> None:
        pass

    def advance(self, steps: int = 1, **fields: str) -> None:
        pass

    def finish(self) -> None:
        pass

    def note(self, message: str) -> None:
        pass
