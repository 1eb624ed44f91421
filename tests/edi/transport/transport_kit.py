"""Small helpers for the mailbox tests: a partner dropping files, and what a folder holds on disk."""

from __future__ import annotations

import os
import time
from pathlib import Path


def drop(root: Path, name: str, content: bytes, *, age: float = 600.0, folder: str = "inbox") -> Path:
    """Write a file into a mailbox folder as a partner would, last modified ``age`` seconds ago."""
    path = root / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def names_in(root: Path, folder: str) -> list[str]:
    """The names of the files in a folder of the mailbox (``[]`` when it does not exist)."""
    path = root / folder
    return sorted(p.name for p in path.iterdir() if p.is_file()) if path.is_dir() else []


def archived(root: Path) -> dict[str, bytes]:
    """``{name: content}`` of every archived file, whatever its day folder."""
    return {p.name: p.read_bytes() for p in sorted((root / "archive").glob("*/*")) if p.is_file()}


def everything_under(path: Path) -> set[Path]:
    """Every file and folder below ``path``."""
    return set(path.rglob("*"))
