"""Blocking file-system operations a local mailbox needs, each atomic and durable on its own.

They run in a worker thread (``asyncio.to_thread``): an fsync on a network share can take a while.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import stat
import sys
from pathlib import Path
from typing import Any

from crossdock.runtime.files import fsync_directory

from ._mailbox import ListedFile, MoveOutcome, UnreadableFileError

__all__ = ["list_regular_files", "move_no_replace", "read_regular_file", "write_new_file"]

log = logging.getLogger("crossdock.edi.transport")

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP})
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK})


def _load_renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # glibc < 2.28, musl without it
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()
_warned_racy_rename = False


def list_regular_files(folder: Path) -> list[ListedFile]:
    """Regular files directly in ``folder``; symbolic links are not followed, so never listed.

    A file another consumer claims (renames away) between the directory read and its ``stat`` is
    simply not listed: it is no longer in ``folder``, which is what the listing reports.
    """
    files: list[ListedFile] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                info = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            files.append(ListedFile(entry.name, info.st_size, info.st_mtime))
    return files


def move_no_replace(source: Path, target: Path) -> MoveOutcome:
    """Rename ``source`` to ``target`` in one step, failing rather than replacing an existing target.

    Linux ``renameat2(RENAME_NOREPLACE)`` where the file system supports it; else a hard link to the
    target (which refuses an existing name) and then removing the source; else, on file systems
    without hard links, a check followed by ``rename`` (racy against a concurrent writer of the same
    name, logged once).  Both directories are fsynced afterwards.
    """
    try:
        done = _renameat2_no_replace(source, target) or _link_then_unlink(source, target)
    except FileExistsError:
        return MoveOutcome.TARGET_EXISTS
    except FileNotFoundError:
        if not os.path.lexists(source):
            return MoveOutcome.SOURCE_MISSING
        raise
    if not done:
        return MoveOutcome.SOURCE_MISSING
    fsync_directory(target.parent)
    if source.parent != target.parent:
        fsync_directory(source.parent)
    return MoveOutcome.MOVED


def _renameat2_no_replace(source: Path, target: Path) -> bool:
    """``True`` when renamed; ``False`` when the call or the file system does not offer it."""
    if _renameat2 is None:
        return False
    result = _renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_NOREPLACE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(source), None, str(target))


def _link_then_unlink(source: Path, target: Path) -> bool:
    """``True`` when moved; ``False`` when another process removed ``source`` between link and unlink."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno in _NO_HARD_LINKS and not isinstance(exc, FileExistsError | FileNotFoundError):
            return _check_then_rename(source, target)
        raise
    try:
        os.unlink(source)
    except FileNotFoundError:
        os.unlink(target)  # someone else moved the source first: it is theirs, drop our extra name
        return False
    return True


def _check_then_rename(source: Path, target: Path) -> bool:
    global _warned_racy_rename
    if not _warned_racy_rename:
        _warned_racy_rename = True
        log.warning(
            "mailbox file system at %s has no hard links or no-replace rename: a concurrent writer of the same "
            "name could be overwritten", target.parent,
        )  # fmt: skip
    if os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, "File exists", str(target))
    os.rename(source, target)
    return True


def read_regular_file(path: Path, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``path``, refusing a symbolic link or anything but a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFileError("a symbolic link") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnreadableFileError("not a regular file")
        return handle.read(limit)


def write_new_file(path: Path, data: bytes) -> None:
    """Create ``path`` exclusively, write ``data``, fsync it and its directory; remove it if anything fails."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            stored = os.fstat(handle.fileno()).st_size
            if stored != len(data):
                raise OSError(errno.EIO, f"stored {stored} of {len(data)} bytes", str(path))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)
