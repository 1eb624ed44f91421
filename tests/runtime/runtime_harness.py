"""A file → REST job against the REST connector's sandbox, on each state-store backend.

``FaultyErp`` wraps the sandbox to script what a real ERP does on a bad day (a 429 with Retry-After,
a 503, a 400 for an item it does not know, a process dying right after a request was sent), so each
guarantee of the runner can be shown deterministically.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from crossdock.config.jobs import load_job
from crossdock.connectors.file.sandbox import seed_folder
from crossdock.connectors.rest.sandbox import create_app
from crossdock.runtime.job import OpenJob, open_job


ERP_TOKEN = "erp-token-0e2b6c41d9"  # the sandbox's credential in these tests; must never leak

JOB_YAML = """\
job: shop-to-erp
connections:
  shop:
    connector: file
    config: {{path: shop, orders_format: jsonl, stock_format: csv, page_size: {page_size}}}
  erp:
    connector: rest
    config:
      base_url: https://erp.example.com
      auth: {{type: bearer, token: "${{env:ERP_TOKEN}}"}}
      max_attempts: 4
      sinks:
        orders: {{path: /orders, method: POST, key_header: Idempotency-Key, id_path: id}}
flows:
  - name: orders
    source: {{connection: shop, stream: orders}}
    sink: {{connection: erp, sink: orders}}
options: {{batch_size: 10, concurrency: 2}}
"""


@dataclass
class FaultyErp:
    """The REST sandbox behind a script of failures, keyed by the POST /orders call number (1-based)."""

    app: Any
    script: dict[int, Callable[[], httpx.Response] | str] = field(default_factory=dict)
    refuse_skus: set[str] = field(default_factory=set)
    posts: int = 0
    before_post: Callable[[int], Awaitable[None]] | None = None
    """Awaited with the call number before each POST /orders is answered (to hold a write open)."""

    @property
    def erp(self) -> Any:
        return self.app.state.erp

    def received_numbers(self) -> list[str]:
        return [o["number"] for o in self.erp.received_orders]

    def transport(self) -> httpx.AsyncBaseTransport:
        inner = httpx.ASGITransport(app=self.app)
        outer = self

        class _Transport(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                if request.method == "POST" and request.url.path == "/orders":
                    outer.posts += 1
                    number = outer.posts
                    if outer.before_post is not None:
                        await outer.before_post(number)
                    action = outer.script.get(number)
                    if callable(action):
                        return action()
                    body = json.loads(request.content or b"{}")
                    skus = {line.get("sku") for line in body.get("lines", [])}
                    if skus & outer.refuse_skus:
                        return httpx.Response(400, json={"error": {"code": "unknown_item", "field": "lines.sku",
                                                                   "message": f"no item {sorted(skus & outer.refuse_skus)[0]}"}})
                    response = await inner.handle_async_request(request)
                    if action == "die_after_send":
                        await response.aread()
                        raise ProcessDied("the process died right after the ERP took the order")
                    return response
                return await inner.handle_async_request(request)

        return _Transport()


class ProcessDied(BaseException):
    """Stands for a kill between an API call and the ledger write (not catchable as Exception)."""


@dataclass
class Harness:
    tmp: Path
    store: Any
    erp: FaultyErp
    waits: list[float]
    monkeypatch: pytest.MonkeyPatch
    page_size: int = 10
    orders: int = 30

    def write_job(self) -> Path:
        path = self.tmp / "job.yaml"
        path.write_text(JOB_YAML.format(page_size=self.page_size))
        return path

    async def open(self) -> OpenJob:
        self.monkeypatch.setenv("ERP_TOKEN", ERP_TOKEN)
        config = load_job(self.write_job())

        async def fake_sleep(seconds: float) -> None:
            self.waits.append(seconds)

        return await open_job(config, store=self.store, transports={"erp": self.erp.transport()}, http_sleep=fake_sleep)


