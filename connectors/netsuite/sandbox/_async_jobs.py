"""Asynchronous requests: ``Prefer: respond-async`` and ``X-NetSuite-Idempotency-Key``.

An asynchronous request is answered ``202 Accepted`` with ``Location: /services/rest/async/v1/job/{id}``;
the job, its task and the task's result (the response the synchronous request would have had) are
read with GETs under that path. A second request with an idempotency key already used is refused
with ``400 IDEMPOTENCY_ERROR`` and the first job's ``Location``, so a client that lost the 202 can
find the work it already submitted instead of submitting it twice.

The sandbox runs the work at submission, so a job is complete when first polled.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["AsyncJob", "AsyncJobs", "JOB_PATH"]

JOB_PATH = "/services/rest/async/v1/job"


@dataclass
class AsyncJob:
    id: str
    idempotency_key: str | None
    status: int
    headers: dict[str, str]
    body: Any
    started: datetime
    ended: datetime

    @property
    def succeeded(self) -> bool:
        return self.status < 400

    @property
    def location(self) -> str:
        return f"{JOB_PATH}/{self.id}"


@dataclass
class AsyncJobs:
    jobs: dict[str, AsyncJob] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    _next: int = 0

    @staticmethod
    def valid_key(key: str) -> bool:
        try:
            uuid.UUID(key)
        except ValueError:
            return False
        return True

    def existing(self, key: str | None) -> AsyncJob | None:
        return self.jobs.get(self.by_key[key]) if key and key in self.by_key else None

    def record(self, key: str | None, status: int, headers: dict[str, str], body: Any, started: datetime) -> AsyncJob:
        self._next += 1
        job = AsyncJob(str(self._next), key, status, headers, body, started, datetime.now(UTC))
        self.jobs[job.id] = job
        if key:
            self.by_key[key] = job.id
        return job

    def reset(self) -> None:
        self.jobs.clear()
        self.by_key.clear()
        self._next = 0
