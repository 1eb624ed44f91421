"""Fixtures for the HTTP policy tests: a hand-driven clock, and clients wired to a mock transport."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from crossdock.runtime.http import HttpPolicy, PolicyClient, RetryPolicy, create_client

EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z


class FakeClock:
    """Time that moves only when someone sleeps: every wait is recorded and none is real."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return EPOCH + self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(clock: FakeClock) -> Callable[..., PolicyClient]:
    """``make_client(handler, retry=..., limiter=..., auth=..., **policy_options)`` with fake time."""
    clients: list[PolicyClient] = []

    def build(
        handler: Callable[[httpx.Request], Any],
        *,
        retry: RetryPolicy | None = None,
        auth: httpx.Auth | None = None,
        headers: dict[str, str] | None = None,
        **policy_options: Any,
    ) -> PolicyClient:
        policy_options.setdefault("sleep", clock.sleep)
        policy_options.setdefault("wall_clock", clock.wall)
        policy = HttpPolicy(
            retry=retry or RetryPolicy(max_attempts=4, initial_wait=0.5, max_wait=8.0, jitter=False),
            **policy_options,
        )
        client = create_client(
            base_url="https://api.example.test",
            policy=policy,
            auth=auth,
            headers=headers,
            transport=httpx.MockTransport(handler),
            name="test",
        )
        clients.append(client)
        return client

    return build


class Script:
    """A mock server that answers from a list, one response (or exception) per request."""

    def __init__(self, *answers: httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


@pytest.fixture
def script() -> type[Script]:
    return Script
