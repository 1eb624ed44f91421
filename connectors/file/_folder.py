"""Finding input files in a folder, and moving processed ones to the archive.

Files that are still being written must not be read half-way: a drop folder's writers are expected to
write under a temporary name and rename when done (what this connector's own sinks do), so hidden
files (``.name``) and names ending in ``.tmp``, ``.part`` or ``.partial`` are never picked up.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from crossdock.runtime.files import fsync_directory

from ._positions import DataFile

__all__ = ["list_files", "archive_file", "IN_PROGRESS_SUFFIXES"]

IN_PROGRESS_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload")

log = logging.getLogger("crossdock.connectors.file")


def _is_candidate(relative: Path) -> bool:
    if any(part.startswith(".") for part in relative.parts):
        return False
    return not relative.name.lower().endswith(IN_PROGRESS_SUFFIXES)


def list_files(folder: Path, pattern: str, *, excluded: Iterable[Path] = ()) -> list[DataFile]:
    """The files under ``folder`` matching ``pattern``, in reading order.

    ``excluded`` folders (the archive, the sinks' output) are skipped even when a broad glob such as
    ``**/*.csv`` reaches into them, so processed or produced files are never read back by accident.
    """
    root = folder.resolve()
    skip = [p.resolve() for p in excluded]
    skip = [p for p in skip if p != root]  # out_dir: "." writes beside the inputs; that is the user's call
    found: list[DataFile] = []
    for path in folder.glob(pattern):
        relative = path.relative_to(folder)
        if not _is_candidate(relative):
            continue
        resolved = path.resolve()
        if any(resolved == s or s in resolved.parents for s in skip):
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed while listing
            continue
        if not path.is_file():
            continue
        found.append(DataFile(name=relative.as_posix(), path=path, mtime_ns=stat.st_mtime_ns, size=stat.st_size))
    found.sort(key=lambda f: DataFile.sort_key(f.name))
    return found


def archive_file(file: DataFile, folder: Path, archive_dir: Path) -> Path | None:
    """Move ``file`` to ``archive_dir`` (keeping its sub-folders); None when it must stay.

    A file that changed since it was read (appended to, replaced) stays where it is: its new content
    has not been processed, and the next run reads it again as a new generation. An archived file of
    the same name is never overwritten; the newcomer gets a numbered suffix.
    """
    try:
        stat = file.path.stat()
    except FileNotFoundError:
        log.warning("file %s disappeared before it could be archived", file.name)
        return None
    if stat.st_mtime_ns != file.mtime_ns or stat.st_size != file.size:
        log.warning("file %s changed while it was being processed; it stays for the next run", file.name)
        return None
    target = archive_dir / Path(file.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    candidate, counter = target, 1
    while candidate.exists():
        candidate = target.with_name(f"{target.stem}.{counter}{target.suffix}")
        counter += 1
    os.replace(file.path, candidate)
    fsync_directory(candidate.parent)
    fsync_directory(file.path.parent)
    shown = candidate.relative_to(folder) if candidate.is_relative_to(folder) else candidate
    log.info("archived %s to %s", file.name, shown)
    return candidate

