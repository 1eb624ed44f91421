"""File names in a mailbox: what a partner may call a file, and what Crossdock calls it once claimed.

A partner chooses inbound names and a mapping or a partner profile often chooses outbound ones, so
every name that becomes part of a path first goes through :func:`sanitise_filename`: whatever the
input, the result is one plain path component that cannot leave the folder it is joined to.
"""

from __future__ import annotations

import re
import time
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "MAX_NAME_BYTES",
    "DEFAULT_IGNORED_SUFFIXES",
    "sanitise_filename",
    "is_single_component",
    "is_partial_upload",
    "ClaimName",
    "free_name_candidates",
    "temporary_name",
    "is_temporary_name",
]

MAX_NAME_BYTES = 200
"""Longest sanitised name, in UTF-8 bytes: file systems allow 255, and a claim prefix or a collision
suffix must still fit."""

_MAX_EXTENSION_CHARS = 16

DEFAULT_IGNORED_SUFFIXES: tuple[str, ...] = (".part", ".partial", ".tmp", ".filepart", ".crdownload", "~")
"""Names that conventionally mean "still being written" (SFTP clients, WinSCP, browsers, editors)."""

# Characters Windows (and so an SMB share) refuses in names; replaced so a mailbox can live on one.
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_DRIVE_PREFIX = re.compile(r"^[A-Za-z]:")
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
)
# Control characters, invisible format characters (bidi overrides that disguise an extension),
# lone surrogates (undecodable bytes) and line/paragraph separators.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def sanitise_filename(name: str, *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A safe single-component file name for ``name``, keeping its extension.

    The rules, in order:

    1. backslashes count as separators and only the last component is kept, so ``../../etc/passwd``,
       ``..\\x.edi``, ``/abs.edi`` and ``C:\\in\\x.edi`` become ``passwd``, ``x.edi``, ``abs.edi``,
       ``x.edi``; a leading drive letter (``C:x.edi``) is dropped;
    2. the text is NFC-normalised and control characters, NUL, invisible format characters (such
       as the right-to-left override), lone surrogates and line separators are removed;
    3. ``< > : " | ? *`` become ``_`` (Windows and SMB refuse them);
    4. leading dots and spaces go (no hidden files, no ``.``/``..``), and so do trailing dots and
       spaces (Windows drops them silently);
    5. a Windows device name (``CON``, ``NUL.edi``, ``LPT1``) gets a ``_`` prefix;
    6. the name is cut to ``max_bytes`` UTF-8 bytes by shortening the part before the extension
       (an extension is the last ``.suffix``, up to 16 characters);
    7. nothing left gives a generated name, ``file-<12 hex digits>``.

    The result is never empty, contains no ``/``, ``\\`` or NUL, never starts with a dot and is never
    ``.`` or ``..``.  Two different inputs can give the same result (``a/x.edi`` and ``b/x.edi``):
    callers that must not overwrite handle collisions themselves, as the mailbox does.
    """
    if max_bytes < 32:
        raise ValueError("max_bytes must leave room for a name (at least 32)")
    text = name.replace("\\", "/").rsplit("/", 1)[-1]
    text = _DRIVE_PREFIX.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    text = _WINDOWS_FORBIDDEN.sub("_", text)
    text = text.lstrip(". ").rstrip(". ")
    if not text:
        return f"file-{uuid.uuid4().hex[:12]}"
    if text.split(".", 1)[0].upper() in _WINDOWS_DEVICES:
        text = f"_{text}"
    return _fit(text, max_bytes)


def _fit(name: str, max_bytes: int) -> str:
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION_CHARS:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    room = max_bytes - len(suffix.encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(". ")
    return f"{cut}{suffix}" if cut else f"file-{uuid.uuid4().hex[:12]}{suffix}"


def is_single_component(raw: str) -> bool:
    """Whether a name listed by a server can be joined to its folder as it is.

    A local directory listing always passes; an SFTP server we do not control might list
    ``../x`` or a name with a NUL, which is skipped rather than trusted.
    """
    return bool(raw) and raw not in (".", "..") and "/" not in raw and "\x00" not in raw


def is_partial_upload(name: str, ignored_suffixes: tuple[str, ...] = DEFAULT_IGNORED_SUFFIXES) -> bool:
    """Whether a listed name means a file still being written: hidden, or ending in a temporary suffix."""
    lowered = name.lower()
    return name.startswith(".") or any(lowered.endswith(suffix) for suffix in ignored_suffixes)


@dataclass(frozen=True, slots=True)
class ClaimName:
    """The name a claimed file carries in ``claimed/``: ``<claimed ms>-<token>--<original name>``.

    The token makes two claims of the same partner name distinct; the time lets a recovering
    consumer tell a stale claim from one a live consumer is still working on.
    """

    claimed_ms: int
    token: str
    name: str

    _PATTERN = re.compile(r"^(\d{1,16})-([0-9a-f]{8})--(.+)$", re.DOTALL)

    @classmethod
    def new(cls, name: str) -> ClaimName:
        return cls(int(time.time() * 1000), uuid.uuid4().hex[:8], name)

    @classmethod
    def parse(cls, text: str) -> ClaimName | None:
        match = cls._PATTERN.match(text)
        if match is None:
            return None
        return cls(int(match[1]), match[2], match[3])

    def __str__(self) -> str:
        return f"{self.claimed_ms}-{self.token}--{self.name}"


def free_name_candidates(name: str, *, attempts: int = 100) -> Iterator[str]:
    """``x.edi``, ``x-1.edi``, ``x-2.edi`` … and finally ``x-<random>.edi``: names to try in turn
    when a folder may already hold ``x.edi`` and nothing may be overwritten."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    yield name
    for number in range(1, attempts):
        yield f"{stem}-{number}{suffix}"
    yield f"{stem}-{uuid.uuid4().hex[:12]}{suffix}"


_TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.part$", re.DOTALL)


def temporary_name(final_name: str) -> str:
    """A hidden ``.part`` name for writing ``final_name``: both conventions a partner's poller may
    use to skip files in progress, and unique per write."""
    return f".{final_name}.{uuid.uuid4().hex[:12]}.part"


def is_temporary_name(name: str) -> bool:
    """Whether ``name`` is one of Crossdock's own temporary names (see :func:`temporary_name`)."""
    return bool(_TEMPORARY.match(name))
