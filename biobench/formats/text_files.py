"""Text in data files: UTF-8 only, a leading byte-order mark dropped, any other
encoding refused with the byte, line and column that give it away. Every reader
opens its text through here."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path

from biobench.errors import DataError


def decode_text(data: bytes, source: str | Path) -> str:
    """``data`` as UTF-8 text without a leading BOM; ``source`` names it in the error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line, column = data.count(b"\n", 0, error.start) + 1, error.start - line_start + 1
        problem = f"not UTF-8 text: byte 0x{data[error.start]:02x} at line {line}, column {column} (save it as UTF-8)"
        raise DataError(source, problem) from None


def read_text(path: Path) -> str:
    """The whole file as text (see ``decode_text``)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise DataError(path, f"cannot read: {error.strerror}") from None
    return decode_text(data, path)


def text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number from 1, line without its end) for every line; ``\\n``, ``\\r\\n`` and ``\\r`` end a line."""
    for number, line in enumerate(io.StringIO(read_text(path), newline=None), start=1):
        yield number, line.rstrip("\n")


def starts_with_bom(path: Path) -> bool:
    """Whether the file starts with a UTF-8 byte-order mark (which the readers drop)."""
    with open(path, "rb") as handle:
        return handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
