"""Writing files so that a crash leaves either the old content or the new, never half of either."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["write_atomically", "fsync_directory"]


def write_atomically(target: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``target``, fsync it, rename it over ``target``.

    The temporary name is hidden and ends in ``.tmp``, so a folder reader (this connector's streams,
    a partner's pick-up script) never sees the file half-written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
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
    """Make a rename durable: the directory entry itself must reach the disk."""
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
