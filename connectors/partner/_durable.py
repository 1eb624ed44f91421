"""Local files that a crash leaves whole or absent: the spool and the staged outbound files rely on it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["write_atomically", "fsync_directory", "TEMPORARY_SUFFIX"]

TEMPORARY_SUFFIX = ".tmp"


def write_atomically(target: Path, content: bytes) -> None:
    """Write ``content`` beside ``target`` under a hidden temporary name, fsync it, rename it over ``target``."""
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
    """Make renames in ``directory`` durable (its entries must reach the disk too)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a directory; the rename is still atomic
        pass
    finally:
        os.close(fd)
