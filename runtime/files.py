"""Local files that a crash leaves whole or absent.

Every connector or transport that writes a file another program will read (a stock export, a partner's
outbound document, a spool entry) needs the same two steps; they live here once.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["write_atomically", "fsync_directory", "TEMPORARY_SUFFIX"]

TEMPORARY_SUFFIX = ".tmp"


def write_atomically(target: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``target``, fsync it, rename it over ``target``.

    The temporary name is hidden and ends in ``.tmp``, so a folder reader (a connector's streams, a
    partner's pick-up script) never takes the file half-written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}{TEMPORARY_SUFFIX}")
    try:
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(target.parent)


def fsync_directory(directory: Path) -> None:
    """Make a new or renamed entry in ``directory`` survive a power cut (best effort where refused)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some (network) file systems refuse fsync on a directory; the rename still stands
        pass
    finally:
        os.close(fd)
