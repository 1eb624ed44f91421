"""The spool: translated inbound documents waiting for the stream that reads their kind.

One inbound file may hold 997s, 855s, 856s and 846s, and three streams read the same mailbox. The
inbox step claims each file once, translates it, and files its documents here, one folder per
stream; each stream then reads only its own folder. Layout under the spool root::

    shipments/<arrival:012d>-<set:06d>.jsonl        one file per transaction set (or per problem)
    acknowledgements/…, stock/…
    .staging/<claim>/<stream>/<same names>          an inbound file's documents before they are published
    claims/<claim digest>.json                      the arrival number given to each inbound file

Each line is one record: ``{"key": …, "payload": …, "meta": {…}}``. A record's cursor value is
``<file stem>:<line:07d>``: text that sorts in order of arrival, then set, then document.

Why names are derived, not invented: processing an inbound file again after a crash must rewrite
the same names (so nothing is filed twice), which is why the arrival number of a file is kept in
``claims/`` and reused when the same claim is recovered. Publishing renames the staged files into
place (replacing an identical one left by an interrupted earlier attempt), so a stream never sees
half of a file's documents.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crossdock.runtime.files import fsync_directory, write_atomically

__all__ = ["Spool", "SpoolStaging", "SpoolFile", "SpoolEntry", "cursor_value", "file_stem"]

_SUFFIX = ".jsonl"
_STAGING = ".staging"
_CLAIMS = "claims"


def file_stem(arrival: int, ordinal: int) -> str:
    """The spool name of the ``ordinal``-th set (0: the file itself) of inbound file number ``arrival``."""
    return f"{arrival:012d}-{ordinal:06d}"


def cursor_value(stem: str, index: int) -> str:
    return f"{stem}:{index:07d}"


def _claim_slug(claim_id: str) -> str:
    return claim_id.split(":", 1)[-1][:40]


@dataclass(frozen=True, slots=True)
class SpoolEntry:
    """One record read back from the spool."""

    cursor: str
    key: str
    payload: Any
    meta: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SpoolFile:
    path: Path

    @property
    def stem(self) -> str:
        return self.path.name[: -len(_SUFFIX)]

    @property
    def last_cursor(self) -> str:
        """Above every cursor of this file's records."""
        return cursor_value(self.stem, 9_999_999)

    def entries(self) -> Iterator[SpoolEntry]:
        """The file's records in order, read line by line (memory does not grow with the file)."""
        with open(self.path, encoding="utf-8") as handle:
            for index, line in enumerate(handle):
                if not line.strip():
                    continue
                record = json.loads(line)
                yield SpoolEntry(cursor_value(self.stem, index), record["key"], record["payload"], record.get("meta") or {})


class Spool:
    """Per-stream folders of translated documents, read in order of arrival."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, stream: str) -> Path:
        return self.root / stream

    def files(self, stream: str) -> list[SpoolFile]:
        """The stream's published files, oldest arrival first."""
        folder = self.folder(stream)
        if not folder.is_dir():
            return []
        names = sorted(n for n in os.listdir(folder) if n.endswith(_SUFFIX) and not n.startswith("."))
        return [SpoolFile(folder / name) for name in names]

    def prune(self, streams: Iterable[str], older_than_seconds: float) -> int:
        """Remove the streams' files published longer ago than that; returns how many.

        Files are not removed when a flow has read them: several flows may read one stream (shipments
        to two channels), each at its own pace, and each skips what its cursor has passed.
        """
        cutoff = time.time() - older_than_seconds
        removed = 0
        for stream in streams:
            folder = self.folder(stream)
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                if entry.name.endswith(_SUFFIX) and entry.is_file() and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            if removed:
                fsync_directory(folder)
        return removed

    # -- arrival numbers ----------------------------------------------------------------------------
    def arrival_of(self, claim_id: str) -> int | None:
        """The arrival number an earlier attempt gave this claim, if it recorded one."""
        path = self.root / _CLAIMS / f"{_claim_slug(claim_id)}.json"
        try:
            return int(json.loads(path.read_text(encoding="utf-8"))["arrival"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def record_arrival(self, claim_id: str, arrival: int) -> None:
        body = json.dumps({"claim_id": claim_id, "arrival": arrival}).encode()
        write_atomically(self.root / _CLAIMS / f"{_claim_slug(claim_id)}.json", body)

    def prune_arrivals(self, older_than_seconds: float) -> int:
        """Drop arrival records older than that: only a claim recovered after a crash needs its own."""
        folder = self.root / _CLAIMS
        if not folder.is_dir():
            return 0
        cutoff = time.time() - older_than_seconds
        removed = 0
        for entry in os.scandir(folder):
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        return removed

    def staging(self, claim_id: str, arrival: int) -> SpoolStaging:
        return SpoolStaging(self, self.root / _STAGING / _claim_slug(claim_id), arrival)


class SpoolStaging:
    """One inbound file's records on their way into the spool: written aside, then published together."""

    def __init__(self, spool: Spool, folder: Path, arrival: int) -> None:
        self.spool = spool
        self.folder = folder
        self.arrival = arrival

    def clear(self) -> None:
        """Forget what an interrupted earlier attempt staged (it is written again)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def path(self, stream: str, ordinal: int) -> Path:
        return self.folder / stream / f"{file_stem(self.arrival, ordinal)}{_SUFFIX}"

    def write(self, stream: str, ordinal: int, records: Iterable[dict[str, Any]]) -> Path | None:
        """Stage one set's records for ``stream``; ``None`` when there were none."""
        lines = [json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str) for record in records]
        if not lines:
            return None
        path = self.path(stream, ordinal)
        write_atomically(path, ("\n".join(lines) + "\n").encode("utf-8"))
        return path

    def discard(self, path: Path) -> None:
        path.unlink(missing_ok=True)

    def publish(self) -> int:
        """Move every staged file into its stream's folder; returns how many files were published."""
        if not self.folder.is_dir():
            return 0
        published = 0
        for stream_folder in sorted(p for p in self.folder.iterdir() if p.is_dir()):
            target = self.spool.folder(stream_folder.name)
            target.mkdir(parents=True, exist_ok=True)
            for staged in sorted(stream_folder.glob(f"*{_SUFFIX}")):
                os.replace(staged, target / staged.name)
                published += 1
            fsync_directory(target)
        self.clear()
        return published
