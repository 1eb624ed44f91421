"""Deterministic identities: canonical IDs, record digests and idempotency keys.

Derived, never stored-then-looked-up, so a re-run (or a second machine) computes the same key for the
same version of the same record without a round trip to the state store.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

__all__ = ["canonical_id", "record_digest", "idempotency_key", "VOLATILE_FIELDS"]

_NAMESPACE = uuid.UUID("5b0c1f2e-6a43-4f0e-9d0e-7c2d3c1a9e11")

VOLATILE_FIELDS: frozenset[str] = frozenset({"as_of"})
"""Top-level fields that change on every read without the record changing (a stock snapshot's time)."""


_NAMESPACE_BYTES = _NAMESPACE.bytes


def canonical_id(entity: str, system: str, external_id: str) -> str:
    """Crossdock's ID for the record that ``system`` calls ``external_id`` (a UUID5, hex).

    Computed as RFC 4122 defines UUID5 (SHA-1 of namespace and name, version and variant bits set),
    without building a ``uuid.UUID`` per record; equal to ``uuid.uuid5(...).hex``, as a test checks.
    """
    name = f"{entity}\x1f{system}\x1f{external_id}".encode()
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name, usedforsecurity=False).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    return digest.hex()


def record_digest(
    record: BaseModel | Any, *, exclude: Iterable[str] = VOLATILE_FIELDS, json_text: str | None = None
) -> str:
    """A short digest of a record's content: equal for equal content, whatever its volatile fields say.

    ``json_text`` is the record's ``model_dump_json()`` when the caller has it already (the runner
    serialises each record once, for its payload too): it is digested as it is when the record has
    no volatile field, which gives the same digest as serialising again.
    """
    if isinstance(record, BaseModel):
        volatile = set(exclude) & type(record).model_fields.keys()
        if json_text is not None and not volatile:
            data = json_text.encode()
        else:
            data = record.model_dump_json(exclude=volatile).encode()
    else:
        data = repr(record).encode()
    return hashlib.sha256(data).hexdigest()[:32]


def idempotency_key(job: str, flow: str, trace_key: str, digest: str, *, attempt: int = 0) -> str:
    """The key a write is sent with and recorded under in the ledger.

    ``attempt`` > 0 is used by ``crossdock errors retry``: a system that cached its answer to the first
    key (a 400 included) must see a fresh key for the fixed record.
    """
    raw = f"{job}\x1f{flow}\x1f{trace_key}\x1f{digest}"
    if attempt:
        raw += f"\x1fretry{attempt}"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]
