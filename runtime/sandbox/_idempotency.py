"""Idempotency keys, server side: the same key gets the same answer and changes nothing twice.

Real APIs that take a key (Stripe-style ``Idempotency-Key``, NetSuite ``X-NetSuite-Idempotency-Key``,
Shopify ``@idempotent``) remember the first response per key and replay it; a key reused with a
*different* request is refused, because it means the client's keys are not what it thinks they are.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse

__all__ = ["IdempotencyStore", "StoredResponse", "request_fingerprint"]


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: Any
    fingerprint: str

    def replay(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers={"Idempotent-Replayed": "true"})


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """What makes two requests "the same" for idempotency: method, path and the canonical JSON body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


class IdempotencyStore:
    """Responses remembered by idempotency key."""

    def __init__(self) -> None:
        self._responses: dict[str, StoredResponse] = {}

    def lookup(self, key: str | None, fingerprint: str) -> JSONResponse | None:
        """The replayed response for a known key, a 422 for a key reused with another request, else None."""
        if not key or key not in self._responses:
            return None
        stored = self._responses[key]
        if stored.fingerprint != fingerprint:
            return JSONResponse(
                {"error": {"code": "idempotency_key_reused", "message": "this Idempotency-Key was used with a different request"}},
                status_code=422,
            )
        return stored.replay()

    def remember(self, key: str | None, fingerprint: str, status: int, body: Any) -> None:
        """Store a response; only successes are remembered, so a corrected request can reuse its key."""
        if key and 200 <= status < 300:
            self._responses[key] = StoredResponse(status, body, fingerprint)

    def __contains__(self, key: object) -> bool:
        return key in self._responses

    def __len__(self) -> int:
        return len(self._responses)

    def clear(self) -> None:
        self._responses.clear()
