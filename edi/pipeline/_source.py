"""A source the pipeline can read more than once, without ever holding it whole in memory.

Validation reads a file in passes (envelopes, checks and translation first; then pyx12, which
needs the separators chosen from the whole interchange's characters; then, only when pyx12 found
something, once more to locate its findings by line and byte).  Bytes and paths can simply be read
again; a seekable file object is rewound to where it stood; anything else is first copied into a
spooled temporary file (memory up to a few megabytes, disk beyond).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, cast

from ..reader import Source

__all__ = ["rereadable", "source_name", "SPOOL_MEMORY_LIMIT"]

SPOOL_MEMORY_LIMIT = 8 * 1024 * 1024
"""Bytes a spooled copy keeps in memory before it moves to a temporary file."""


def source_name(source: Source) -> str:
    """How reports name the source: its path, its file object's name, or ``<bytes>``."""
    if isinstance(source, os.PathLike):
        return str(Path(source))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<bytes>"
    name = getattr(source, "name", None)
    return str(name) if isinstance(name, str) else "<stream>"


def _seekable(stream: object) -> bool:
    try:
        return bool(stream.seekable())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False


@contextmanager
def rereadable(source: Source) -> Iterator[Callable[[], Source]]:
    """A function giving the source afresh for every pass (rewound when it is a file object)."""
    if isinstance(source, str):
        raise TypeError("pass X12 as bytes, a binary file object or a pathlib.Path, not a str")
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        yield lambda: data
        return
    if isinstance(source, os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"no X12 file at {path}")
        yield lambda: path
        return
    if not hasattr(source, "read"):
        raise TypeError(f"cannot read X12 from {type(source).__name__}")
    stream = cast(IO[bytes], source)
    if _seekable(stream):
        start = stream.tell()

        def rewound() -> Source:
            stream.seek(start)
            return stream

        yield rewound
        return
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_LIMIT, mode="w+b") as copy:
        shutil.copyfileobj(stream, copy, 1024 * 1024)

        def from_copy() -> Source:
            copy.seek(0)
            return cast(IO[bytes], copy)

        yield from_copy
