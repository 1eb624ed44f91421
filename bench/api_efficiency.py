"""API efficiency benchmark: requests made against each API's minimum, and throughput against its rate limit.

    python bench/api_efficiency.py [--skus 10000] [--orders 5000] [--shipments 60] [--throughput-orders 30]
                                   [--defaults-skus 1000] [--skip-throughput]

Every figure comes from a real sync: the runner (``JobRunner``) drives the connectors, and each connector
talks through the shared HTTP policy to its own in-process sandbox, which emulates the vendor's contract
and rate limits. Requests are counted where the vendor counts them, in the sandbox's own logs; a 429 or
THROTTLED answer is a request too.

Counts (part 1) run on a virtual clock shared by each sandbox and its connector: a rate-limit wait moves
the clock instead of passing, so the published limits (Shopify Standard's 2,000-point bucket restored at
100/s, searchOrders' 0.0056 requests/s after a burst of 20) are enforced as they are and the bench still
finishes in minutes.

- Stock push of ``--skus`` levels at one location (a 3PL's CSV read by the file connector) to Shopify
  (``inventorySetQuantities`` takes 250 lines: minimum ceil(n/250) mutations, plus the look-ups that find
  each SKU's inventory item and current quantity, 250 per query at best) and to Amazon (a
  JSON_LISTINGS_FEED holds 25,000 messages: minimum ceil(n/25,000) feeds). Then a second file with the
  same levels: a latest-state sink must make no request at all.
- Orders read of ``--orders`` seeded orders: Shopify (250 a page is the API's cap, but with line items
  nested a page is bound by the 1,000-point single-query cost; both minimums are printed, the ratio uses
  the cost-bound one) and Amazon searchOrders (100 a page, line items included: no per-order call).
- The stock push again with the job options at their defaults (``--defaults-skus`` levels, the file
  connector's default page of 100): the runner holds source pages (up to ``MAX_HELD_PAGES``) to fill a
  bulk sink's own batch, and ``options.batch_size`` caps that only when a job sets it, so the defaults
  should reach the same minimum as the tuned job.

Throughput (part 2) runs in real time against small limits: Amazon confirmShipment (2 requests/s, burst
10) and Shopify GraphQL with a 200-point bucket restored at 50 points/s. The limit lets the work done
finish no sooner than a certain time (the last request admitted at the earliest moment the quota
allows); the ratio is that time over the time the sync took (target ≥ 0.9). Every 429 / THROTTLED answer
is counted, and none may reach the runner: the run must succeed with nothing in the error queue.

Jobs are assembled in code from the runtime's own parts (``OpenJob``, ``FlowPlan``, ``JobRunner``) rather
than by ``open_job``, because each connector must be built on the clock its sandbox runs on. Sandboxes
are reached through :class:`RoundTripTransport`, so concurrent requests are in flight together as they
are over a network.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import math
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx

from crossdock.config.jobs import JobConfig
from crossdock.connectors.amazon import AmazonConnector
from crossdock.connectors.amazon.sandbox import create_app as create_amazon_app
from crossdock.connectors.file import FileConnector
from crossdock.connectors.shopify import MAX_QUANTITIES_PER_CALL, ShopifyConnector
from crossdock.connectors.shopify._queries import ORDERS as SHOPIFY_ORDERS_QUERY
from crossdock.connectors.shopify.sandbox import MAX_QUERY_COST, SANDBOX_TOKEN
from crossdock.connectors.shopify.sandbox import create_app as create_shopify_app
from crossdock.core.contract import Connector, CursorPosition, Page, SourceRecord, Stream
from crossdock.core.models import CANONICAL_DOCUMENTS, Carrier, OrderRef, Shipment, ShipmentLine, SourceRef
from crossdock.mappings import load_mapping
from crossdock.runtime.context import RuntimeContext
from crossdock.runtime.job import SANDBOX_BASE_URL, FlowPlan, OpenJob
from crossdock.runtime.runner import MAX_HELD_PAGES, JobRunner, RunSummary
from crossdock.runtime.state import open_store

__all__ = ["Sizes", "Report", "CountRow", "ThroughputRow", "measure", "main"]

SHOPIFY_PAGE_CAP = 250
"""``first:`` and input arrays are capped at 250 in the Admin GraphQL API."""
AMAZON_ORDERS_PAGE = 100
"""searchOrders' ``maxResultsPerPage`` maximum."""
AMAZON_FEED_MESSAGES = 25_000
"""Messages one JSON_LISTINGS_FEED may hold."""
SANDBOX_FEED_POLLS = 3
"""The Amazon sandbox finishes a feed on its third ``getFeed`` (its ``feed_polls`` default)."""
THROUGHPUT_TARGET = 0.9
BENCH_START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STOCK_LOCATION = "WH-EAST"
"""The one stock location; the Shopify sandbox connection maps it to the shop's first location."""
BENCH_SOURCE = "bench"
"""The connection name of a source made by the bench itself: ``FlowSpec(source=(BENCH_SOURCE, stream))``."""


@dataclass(frozen=True)
class Sizes:
    """How much each measurement moves (the smoke test runs the same code with tiny sizes)."""

    skus: int = 10_000
    orders: int = 5_000
    shipments: int = 60
    throughput_orders: int = 30
    defaults_skus: int = 1_000
    throughput: bool = True


# -- time and transport ----------------------------------------------------------------------------


class VirtualClock:
    """One made-up time for a sandbox and the connector talking to it; a wait moves it instead of passing.

    Kept in whole microseconds so both sides read exactly the same instant, and a sleep wakes a
    microsecond late (as real sleeps never wake early): a limiter that waited exactly until its bucket
    refilled finds the sandbox's bucket refilled too, not a rounding error short of it.
    """

    def __init__(self, start: datetime = BENCH_START) -> None:
        self._start = start
        self._micros = 0
        self.waited = 0.0
        """Seconds slept in all: the API time a sync spends waiting for its quota."""

    def now(self) -> datetime:
        return self._start + timedelta(microseconds=self._micros)

    def monotonic(self) -> float:
        return self._start.timestamp() + self._micros / 1_000_000

    async def sleep(self, seconds: float) -> None:
        self.waited += max(seconds, 0.0)
        self._micros += math.ceil(max(seconds, 0.0) * 1_000_000) + 1
        await asyncio.sleep(0)

    def connector_times(self, *, wall: bool = False) -> dict[str, Any]:
        """The constructor arguments that put a connector on this clock."""
        times: dict[str, Any] = {"clock": self.monotonic, "sleep": self.sleep}
        if wall:
            times["wall_clock"] = self.monotonic
        return times


class RoundTripTransport(httpx.ASGITransport):
    """An in-process sandbox reached as over a network: other tasks run while a request travels out and
    while its answer travels back.

    A bare ``ASGITransport`` answers a request before any other task runs, so concurrent writes would
    never be in flight together and a client-side limiter would never be caught out by them.
    """

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)
        response = await super().handle_async_request(request)
        await asyncio.sleep(0)
        return response


# -- what the sandboxes were asked -----------------------------------------------------------------


@dataclass
class Calls:
    """API requests by kind, and how many of those the API pushed back (429 / THROTTLED), by kind."""

    made: Counter[str] = field(default_factory=Counter)
    pushed_back: Counter[str] = field(default_factory=Counter)
    pushback_name: str = "429"

    def total(self, *kinds: str) -> int:
        return sum(n for kind, n in self.made.items() if not kinds or kind in kinds)

    def only(self, *kinds: str) -> Calls:
        return Calls(Counter({k: self.made[k] for k in kinds}), Counter({k: self.pushed_back[k] for k in kinds}),
                     self.pushback_name)

    def without(self, *kinds: str) -> Calls:
        return self.only(*(k for k in self.made if k not in kinds))

    @property
    def pushback(self) -> int:
        return sum(self.pushed_back.values())

    def describe(self) -> str:
        parts = []
        for kind, count in sorted(self.made.items(), key=lambda kv: (-kv[1], kv[0])):
            if count:
                back = self.pushed_back[kind]
                parts.append(f"{kind} {count}" + (f" ({back} {self.pushback_name})" if back else ""))
        return ", ".join(parts) or "none"


_AMAZON_KINDS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (method, re.compile(pattern), kind)
    for method, pattern, kind in (
        ("POST", r"/auth/o2/token", "LWA token"),
        ("GET", r"/orders/2026-01-01/orders", "searchOrders"),
        ("GET", r"/orders/2026-01-01/orders/[^/]+", "getOrder"),
        ("POST", r"/orders/v0/orders/[^/]+/shipmentConfirmation", "confirmShipment"),
        ("POST", r"/feeds/2021-06-30/documents", "createFeedDocument"),
        ("GET", r"/feeds/2021-06-30/documents/[^/]+", "getFeedDocument"),
        ("POST", r"/feeds/2021-06-30/feeds", "createFeed"),
        ("GET", r"/feeds/2021-06-30/feeds/[^/]+", "getFeed"),
        ("PUT", r"/feed-documents/[^/]+", "document upload"),
        ("GET", r"/feed-documents/[^/]+", "report download"),
    )
)

_SHOPIFY_KINDS = {
    "CrossdockInventoryLookup": "SKU look-up",
    "CrossdockInventoryLevels": "level re-read",
    "CrossdockInventorySetQuantities": "inventorySetQuantities",
    "CrossdockOrders": "orders page",
    "CrossdockOrderLineItems": "line-items follow-up",
}


def amazon_calls(app: Any, start: int = 0) -> Calls:
    """SP-API requests by operation from the sandbox's request log, from entry ``start`` on."""
    calls = Calls(pushback_name="429")
    for entry in app.state.requests[start:]:
        kind = next((k for m, p, k in _AMAZON_KINDS if m == entry.method and p.fullmatch(entry.path)), entry.path)
        calls.made[kind] += 1
        if entry.status == 429:
            calls.pushed_back[kind] += 1
    return calls


def shopify_calls(app: Any, start: int = 0) -> Calls:
    """GraphQL calls by operation from the sandbox's operation log, from entry ``start`` on."""
    calls = Calls(pushback_name="THROTTLED")
    for entry in app.state.shopify.operations[start:]:
        kind = _SHOPIFY_KINDS.get(entry.operation_name or "", entry.operation_name or "?")
        calls.made[kind] += 1
        if entry.throttled:
            calls.pushed_back[kind] += 1
    return calls


# -- jobs assembled in code -----------------------------------------------------------------------


@dataclass
class ConnectionSpec:
    """One connection: its connector class, raw config, the sandbox app its HTTP goes to, its clock."""

    connector_class: type[Connector[Any]]
    config: dict[str, Any]
    app: Any = None
    times: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments for the connector's constructor (``clock``, ``sleep`` …)."""


@dataclass(frozen=True)
class FlowSpec:
    name: str
    source: tuple[str, str]
    sink: tuple[str, str]


class PreparedShipments(Stream[Any]):
    """Shipments made by the bench, served in pages: the source of a flow whose source is not under test."""

    name: ClassVar[str] = "prepared_shipments"
    entity: ClassVar[str] = "Shipment"

    def __init__(self, shipments: Sequence[Shipment], page_size: int) -> None:
        super().__init__(None)
        self.shipments = list(shipments)
        self.size = max(page_size, 1)

    async def read(self, position: CursorPosition) -> AsyncIterator[Page]:
        for start in range(0, len(self.shipments), self.size):
            chunk = self.shipments[start : start + self.size]
            yield Page(records=[SourceRecord(key=str(s.source), payload=s) for s in chunk])


async def open_bench_job(
    name: str,
    workdir: Path,
    connections: Mapping[str, ConnectionSpec],
    flows: Sequence[FlowSpec],
    *,
    options: Mapping[str, Any] | None = None,
    prepared: Sequence[Stream[Any]] = (),
) -> OpenJob:
    """A job built from the runtime's parts, with connectors made here (so they can share a sandbox's clock).

    What ``open_job`` does from a job file, minus reading the file: a SQLite state store, one
    ``RuntimeContext`` per connection routed to its sandbox, each flow planned with its stream's and
    sink's default mappings, and the job config whose options drive the runner. A flow whose source is
    ``(BENCH_SOURCE, name)`` reads the ``prepared`` stream of that name.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    state_url = f"sqlite:///{workdir / f'{name}.db'}"
    store = await open_store(state_url)
    connectors: dict[str, Connector[Any]] = {}
    contexts: dict[str, RuntimeContext] = {}
    try:
        for conn_name, spec in connections.items():
            context = RuntimeContext(
                job=name, connection=conn_name, base_dir=workdir, state=store,
                transport=RoundTripTransport(app=spec.app) if spec.app is not None else None,
            )
            contexts[conn_name] = context
            connectors[conn_name] = spec.connector_class(
                spec.connector_class.config_model.model_validate(spec.config), context, **spec.times)
            await connectors[conn_name].open()
        own_streams = {stream.name: stream for stream in prepared}
        plans = [_plan(flow, connectors, own_streams) for flow in flows]
        described = {n: {"connector": s.connector_class.name, "config": s.config} for n, s in connections.items()}
        if prepared:
            described[BENCH_SOURCE] = {"connector": BENCH_SOURCE}
        config = JobConfig.model_validate({
            "job": name,
            "state": state_url,
            "connections": described,
            "flows": [{"name": f.name, "source": {"connection": f.source[0], "stream": f.source[1]},
                       "sink": {"connection": f.sink[0], "sink": f.sink[1]}} for f in flows],
            "options": dict(options or {}),
        })
    except BaseException:
        for connector in connectors.values():
            await connector.close()
        for context in contexts.values():
            await context.aclose()
        await store.close()
        raise
    return OpenJob(config=config, store=store, connectors=connectors, contexts=contexts, flows=plans)


def _plan(flow: FlowSpec, connectors: Mapping[str, Connector[Any]], own: Mapping[str, Stream[Any]]) -> FlowPlan:
    source_name, stream_name = flow.source
    stream = own[stream_name] if source_name == BENCH_SOURCE else connectors[source_name].stream(stream_name)
    sink = connectors[flow.sink[0]].sink(flow.sink[1])
    return FlowPlan(
        name=flow.name,
        stream=stream,
        sink=sink,
        entity=stream.entity,
        model=CANONICAL_DOCUMENTS[stream.entity],
        source_system=source_name,
        sink_system=flow.sink[0],
        in_mapping=load_mapping(stream.default_mapping) if stream.default_mapping else None,
        out_mapping=load_mapping(sink.default_mapping) if sink.default_mapping else None,
        operations=[],
        lookback=stream.default_lookback,
    )


async def run_job(job: OpenJob) -> tuple[RunSummary, int]:
    """Run the job once: its summary and how many records sit in its error queue."""
    summary = await JobRunner(job).run()
    parked = await job.store.error_list(job=job.name)
    return summary, len(parked)


def _outcome_problems(summary: RunSummary, parked: int) -> int:
    """What throttling may not cost: records failed or parked, and a run that did not succeed."""
    return parked + summary.totals.failed + (0 if summary.status == "succeeded" else 1)


# -- results ---------------------------------------------------------------------------------------


@dataclass
class CountRow:
    """Requests one operation made against the least the API allows for it."""

    operation: str
    records: int
    made: int
    minimum: int
    calls: Calls
    target: str = "1.0×"
    """``1.0×`` (made ≤ minimum), ``0`` (no request at all) or ``info`` (context for the line above)."""
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        return None if self.target == "info" else self.made <= self.minimum

    @property
    def ratio(self) -> str:
        return f"{self.made / self.minimum:.2f}×" if self.minimum else "—"


@dataclass
class ThroughputRow:
    """Work done in real time against the least time the rate limit allows for it."""

    operation: str
    records: int
    calls: Calls
    limit: str
    elapsed: float
    allowed: float
    reached_runner: int
    """Records failed or parked, plus one if the run did not succeed: what the pushback cost the sync."""
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.allowed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def met(self) -> bool:
        return self.ratio >= THROUGHPUT_TARGET and self.reached_runner == 0


@dataclass
class Report:
    counts: list[CountRow] = field(default_factory=list)
    defaults: list[CountRow] = field(default_factory=list)
    throughput: list[ThroughputRow] = field(default_factory=list)

    def missed(self) -> list[str]:
        """The lines whose target is not met, job defaults included: a job nobody tuned must not cost more."""
        rows: list[CountRow | ThroughputRow] = [*self.counts, *self.defaults, *self.throughput]
        return [row.operation.strip(" +=") for row in rows if row.met is False]


# -- part 1: stock pushes --------------------------------------------------------------------------


def write_stock_file(folder: Path, name: str, skus: Sequence[str], as_of: datetime) -> None:
    """A 3PL's stock snapshot: one row per SKU at one location, every level unlike the channels' own."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["sku", "location", "on_hand", "committed", "as_of"])
        stamp = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
        for index, sku in enumerate(skus):
            writer.writerow([sku, STOCK_LOCATION, 500 + index % 97, 0, stamp])  # the sandboxes seed 0–120


def catalogue(count: int) -> list[str]:
    """SKUs both channel sandboxes sell, so one stock file is valid for both."""
    return [f"BENCH-{n:05d}" for n in range(1, count + 1)]


async def stock_pushes(workdir: Path, skus: int, *, defaults: bool) -> list[CountRow]:
    """One stock file pushed to Shopify and Amazon; unless ``defaults``, a second file with the same levels."""
    shopify_clock, amazon_clock = VirtualClock(), VirtualClock()
    names = catalogue(skus)
    shopify_app = create_shopify_app(seed=11, orders=0, skus=names, clock=shopify_clock.monotonic,
                                     now=shopify_clock.now)
    amazon_app = create_amazon_app(seed=11, orders=0, skus=names, clock=amazon_clock.now)
    files = workdir / "files"
    write_stock_file(files / "stock", "20260302T0600__stock.csv", names, BENCH_START)
    file_config: dict[str, Any] = {"path": str(files), "stock_format": "csv"}
    options: dict[str, Any] = {"concurrency": 4}
    if not defaults:  # one page and one batch can hold a whole feed
        file_config["page_size"] = AMAZON_FEED_MESSAGES
        options["batch_size"] = AMAZON_FEED_MESSAGES
    connections = {
        "threepl": ConnectionSpec(FileConnector, file_config),
        "shopify": ConnectionSpec(ShopifyConnector, ShopifyConnector.sandbox_config(SANDBOX_BASE_URL), shopify_app,
                                  shopify_clock.connector_times()),
        "amazon": ConnectionSpec(AmazonConnector, AmazonConnector.sandbox_config(SANDBOX_BASE_URL), amazon_app,
                                 amazon_clock.connector_times(wall=True)),
    }
    flows = [
        FlowSpec("stock-to-shopify", ("threepl", "stock"), ("shopify", "stock")),
        FlowSpec("stock-to-amazon", ("threepl", "stock"), ("amazon", "stock")),
    ]
    name = "stock-defaults" if defaults else "stock-push"
    job = await open_bench_job(name, workdir, connections, flows, options=options)
    async with job:
        summary, parked = await run_job(job)
        shopify, amazon = shopify_calls(shopify_app), amazon_calls(amazon_app)
        if shopify.total() != len(shopify_app.state.requests):
            raise SystemExit("the Shopify sandbox answered requests that are not GraphQL calls")
        written = {flow: counts.written for flow, counts in summary.flows.items()}
        outcome = (f"{summary.status}: written Shopify {written['stock-to-shopify']}, "
                   f"Amazon {written['stock-to-amazon']}")
        if parked:
            outcome += f"; {parked} parked in the error queue"
        rows = _stock_rows("job defaults" if defaults else "tuned job", skus, shopify, amazon, outcome)
        if defaults:
            return rows
        seen = len(shopify_app.state.shopify.operations), len(amazon_app.state.requests)
        write_stock_file(files / "stock", "20260302T0700__stock.csv", names, BENCH_START + timedelta(hours=1))
        again, _ = await run_job(job)
        skipped = {flow: counts.skipped for flow, counts in again.flows.items()}
        repeat_shopify, repeat_amazon = shopify_calls(shopify_app, seen[0]), amazon_calls(amazon_app, seen[1])
    return rows + [
        CountRow("Shopify stock push again, nothing changed", skus, repeat_shopify.total(), 0, repeat_shopify,
                 target="0", notes=[f"{skipped['stock-to-shopify']} of {skus} skipped by the runner (latest state)"]),
        CountRow("Amazon stock push again, nothing changed", skus, repeat_amazon.total(), 0, repeat_amazon,
                 target="0", notes=[f"{skipped['stock-to-amazon']} of {skus} skipped by the runner (latest state)"]),
    ]


def _stock_rows(label: str, skus: int, shopify: Calls, amazon: Calls, outcome: str) -> list[CountRow]:
    mutations = shopify.only("inventorySetQuantities")
    lookups = shopify.only("SKU look-up", "level re-read")
    mutation_minimum = math.ceil(skus / MAX_QUANTITIES_PER_CALL)
    lookup_minimum = math.ceil(skus / SHOPIFY_PAGE_CAP)
    feed_minimum = math.ceil(skus / AMAZON_FEED_MESSAGES)
    # Per feed: createFeedDocument, upload, createFeed, getFeedDocument, report download and the getFeed
    # polls until DONE (the sandbox's three); one LWA token for the run.
    calls_minimum = feed_minimum * (5 + SANDBOX_FEED_POLLS) + 1
    return [
        CountRow(f"Shopify stock push ({label}): mutations", skus, mutations.total(), mutation_minimum, mutations,
                 notes=[outcome]),
        CountRow("  + look-ups (SKU → inventory item, current quantity)", skus, lookups.total(), lookup_minimum,
                 lookups, notes=[f"{SHOPIFY_PAGE_CAP} SKUs per inventoryItems query at best: the item IDs are not "
                                 "known before, and the current quantity (changeFromQuantity) comes with them"]),
        CountRow("  = Shopify requests in all", skus, shopify.total(), mutation_minimum + lookup_minimum, shopify),
        CountRow(f"Amazon stock push ({label}): feeds", skus, amazon.total("createFeed"), feed_minimum,
                 amazon.only("createFeed")),
        CountRow("  calls for those feeds, LWA token included", skus, amazon.total(), calls_minimum, amazon,
                 target="info",
                 notes=[f"getFeed polls: the sandbox finishes a feed after {SANDBOX_FEED_POLLS} polls; on Amazon "
                        "they are processing time ÷ feed_poll_interval"]),
    ]


# -- part 1: orders reads --------------------------------------------------------------------------


async def orders_reads(workdir: Path, orders: int) -> list[CountRow]:
    """Every seeded order read from Shopify and from Amazon into a folder, through the runner."""
    shopify_clock, amazon_clock = VirtualClock(), VirtualClock()
    shopify_app = create_shopify_app(seed=11, orders=orders, skus=40, clock=shopify_clock.monotonic,
                                     now=shopify_clock.now)
    amazon_app = create_amazon_app(seed=11, orders=orders, skus=40, clock=amazon_clock.now)
    shopify_config = ShopifyConnector.sandbox_config(SANDBOX_BASE_URL)
    connections = {
        "shopify": ConnectionSpec(ShopifyConnector, shopify_config, shopify_app, shopify_clock.connector_times()),
        "amazon": ConnectionSpec(AmazonConnector, AmazonConnector.sandbox_config(SANDBOX_BASE_URL), amazon_app,
                                 amazon_clock.connector_times(wall=True)),
        "archive": ConnectionSpec(FileConnector, {"path": str(workdir / "orders-out")}),
    }
    flows = [
        FlowSpec("shopify-orders", ("shopify", "orders"), ("archive", "orders")),
        FlowSpec("amazon-orders", ("amazon", "orders"), ("archive", "orders")),
    ]
    job = await open_bench_job("orders-read", workdir, connections, flows, options={"concurrency": 4})
    async with job:
        summary, parked = await run_job(job)
        line_items = job.connectors["shopify"].config.line_items_page_size
    shopify, amazon = shopify_calls(shopify_app), amazon_calls(amazon_app)
    read = {flow: counts.read for flow, counts in summary.flows.items()}

    most_lines = max(len(order["_lineItemIds"]) for order in shopify_app.state.shopify.store.orders.values())
    per_order = {n: await shopify_order_cost(shopify_app, n) for n in {line_items, most_lines}}
    per_page = {n: min(SHOPIFY_PAGE_CAP, (MAX_QUERY_COST - 2) // cost) for n, cost in per_order.items()}
    cost_bound = {n: math.ceil(orders / size) for n, size in per_page.items()}
    api_cap = math.ceil(orders / SHOPIFY_PAGE_CAP)
    made = shopify.total()
    shopify_notes = [
        f"read {read['shopify-orders']}; the minimum is cost-bound: an order with lineItems(first: {line_items}) "
        f"costs {per_order[line_items]} points, so {per_page[line_items]} fit the {MAX_QUERY_COST}-point "
        f"single-query limit → {cost_bound[line_items]} pages",
        f"against the API's 250-a-page cap ({api_cap} pages, out of reach with line items nested): "
        f"{made / api_cap:.1f}×",
    ]
    if most_lines < line_items:
        shopify_notes.append(
            f"lineItems(first: {most_lines}) (the largest order in this shop) would cost {per_order[most_lines]} "
            f"points an order → {cost_bound[most_lines]} pages ({made / cost_bound[most_lines]:.2f}× that)")
    shopify_notes.append(f"on the Standard plan (100 points/s) this read waits {shopify_clock.waited / 60:.0f} min "
                         "for the cost bucket (virtual clock)")
    amazon_made = amazon.total("searchOrders", "getOrder")
    tokens = amazon.total("LWA token")
    amazon_notes = [
        f"read {read['amazon-orders']}; line items come with each order (no getOrder call)",
        f"at searchOrders' 0.0056 requests/s after a burst of 20 this read waits {amazon_clock.waited / 60:.0f} min "
        f"(virtual clock); LWA token {tokens}, counted apart"
        + (" (the read outlasts the one-hour token)" if tokens > 1 else ""),
    ]
    if parked:
        amazon_notes.append(f"{parked} orders parked in the error queue (mapping, not API)")
    return [
        CountRow("Shopify orders read: pages", orders, made, cost_bound[line_items], shopify, notes=shopify_notes),
        CountRow("Amazon orders read: searchOrders pages + per-order calls", orders, amazon_made,
                 math.ceil(orders / AMAZON_ORDERS_PAGE), amazon, notes=amazon_notes),
    ]


async def shopify_order_cost(app: Any, line_items: int) -> int:
    """The requested cost of one more order in the connector's orders query with ``lineItems(first:
    line_items)``, asked of the sandbox as a client can ask Shopify (after the measurement)."""
    costs = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SANDBOX_BASE_URL) as client:
        for first in (1, 2):
            response = await client.post(
                "/admin/api/2026-04/graphql.json",
                headers={"X-Shopify-Access-Token": SANDBOX_TOKEN},
                json={"query": SHOPIFY_ORDERS_QUERY, "operationName": "CrossdockOrders",
                      "variables": {"first": first, "after": None, "query": None, "lineItems": line_items}},
            )
            costs.append(int(response.json()["extensions"]["cost"]["requestedQueryCost"]))
    return costs[1] - costs[0]


# -- part 2: throughput in real time --------------------------------------------------------------


async def amazon_shipments_throughput(workdir: Path, shipments: int) -> ThroughputRow:
    """Shipment confirmations of fresh unshipped orders, paced by confirmShipment's 2/s after a burst of 10."""
    rate, burst = 2.0, 10
    app = create_amazon_app(seed=11, orders=0, skus=40)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SANDBOX_BASE_URL) as control:
        added = (await control.post("/_sandbox/orders", json={"generate": shipments})).json()["added"]
    stream = PreparedShipments([_shipment_for(app.state.amazon.orders[oid], i) for i, oid in enumerate(added)],
                               page_size=shipments)
    connections = {"amazon": ConnectionSpec(AmazonConnector, AmazonConnector.sandbox_config(SANDBOX_BASE_URL), app)}
    flows = [FlowSpec("shipments-to-amazon", (BENCH_SOURCE, stream.name), ("amazon", "shipments"))]
    job = await open_bench_job("shipments-throughput", workdir, connections, flows, options={"concurrency": 4},
                               prepared=[stream])
    async with job:
        started = time.perf_counter()
        summary, parked = await run_job(job)
        elapsed = time.perf_counter() - started
    calls = amazon_calls(app)
    admitted = calls.total("confirmShipment") - calls.pushed_back["confirmShipment"]
    allowed = max(admitted - burst, 0) / rate
    return ThroughputRow(
        "Amazon confirmShipment", shipments, calls, f"{rate:g} requests/s, burst {burst}", elapsed, allowed,
        _outcome_problems(summary, parked),
        notes=[f"{summary.status}: confirmed {summary.totals.written} of {shipments}, {parked} parked; "
               f"the limit admits the last of {admitted} confirmations ({admitted} − {burst}) / {rate:g} = "
               f"{allowed:.1f} s in at the earliest"],
    )


def _shipment_for(order: dict[str, Any], index: int) -> Shipment:
    return Shipment(
        source=SourceRef(system=BENCH_SOURCE, id=f"shipment-{index:05d}"),
        order=OrderRef(source=SourceRef(system="amazon", id=order["orderId"])),
        lines=[ShipmentLine(line_id=item["orderItemId"], sku=item["product"]["sellerSku"],
                            quantity=item["quantityOrdered"]) for item in order["orderItems"]],
        carrier=Carrier(name="UPS"),
        tracking_number=f"1ZBENCH{index:011d}",
        shipped_at=datetime.now(UTC),
    )


async def shopify_cost_throughput(
    workdir: Path, orders: int, *, bucket: float = 200, restore: float = 50
) -> ThroughputRow:
    """Orders read under a small cost bucket: how close the sync runs to what the bucket admits."""
    app = create_shopify_app(seed=11, orders=orders, skus=40, bucket_size=bucket, restore_rate=restore)
    config = {
        **ShopifyConnector.sandbox_config(SANDBOX_BASE_URL), "bucket_size": bucket, "restore_rate": restore,
        # The first page's size comes from config: the default 5 orders (547 points) never fit a 200-point bucket.
        "orders_page_size": 1,
    }
    connections = {
        "shopify": ConnectionSpec(ShopifyConnector, config, app),
        "archive": ConnectionSpec(FileConnector, {"path": str(workdir / "throughput-out")}),
    }
    flows = [FlowSpec("shopify-orders", ("shopify", "orders"), ("archive", "orders"))]
    job = await open_bench_job("cost-throughput", workdir, connections, flows, options={"concurrency": 4})
    async with job:
        started = time.perf_counter()
        summary, parked = await run_job(job)
        elapsed = time.perf_counter() - started
    admitted = [entry for entry in app.state.shopify.operations if not entry.throttled]
    spent = sum(entry.actual_cost or 0 for entry in admitted)
    allowed = earliest_last_call(admitted, bucket, restore)
    return ThroughputRow(
        "Shopify GraphQL orders read", orders, shopify_calls(app), f"{bucket:g}-point bucket, {restore:g} points/s",
        elapsed, allowed, _outcome_problems(summary, parked),
        notes=[f"{summary.status}: read {summary.totals.read}; {spent} points spent, "
               f"{max(spent - bucket, 0) / elapsed:.0f}/s beyond the initial bucket against {restore:g}/s restored",
               "a call is admitted once the bucket holds its requested cost (the part not spent comes back after "
               f"it), so the last of these {len(admitted)} calls could start {allowed:.1f} s in at the earliest"],
    )


def earliest_last_call(calls: Sequence[Any], bucket: float, restore: float) -> float:
    """When the last of ``calls`` could be admitted at the earliest, from a full bucket of ``bucket``
    points restored at ``restore`` per second: call k waits until ``bucket + restore × t`` covers its
    requested cost on top of the actual cost of the calls before it."""
    spent_before = 0.0
    earliest = 0.0
    for call in calls:
        earliest = max(earliest, (spent_before + (call.requested_cost or 0) - bucket) / restore)
        spent_before += call.actual_cost or 0
    return earliest


# -- output ----------------------------------------------------------------------------------------


def print_counts(title: str, rows: Sequence[CountRow], out: Callable[[str], None]) -> None:
    out(f"\n{title}")
    out(f"{'operation':58}{'records':>8}{'made':>7}{'minimum':>9}{'ratio':>8}  {'target':17}requests by kind")
    for row in rows:
        target = "info" if row.met is None else f"{row.target} {'met' if row.met else 'NOT met'}"
        out(f"{row.operation:58}{row.records:>8}{row.made:>7}{row.minimum:>9}{row.ratio:>8}  {target:17}"
            f"{row.calls.describe()}")
        for note in row.notes:
            out(f"{'':6}{note}")


def print_throughput(rows: Sequence[ThroughputRow], out: Callable[[str], None]) -> None:
    out("\nThroughput against the rate limit (real time)")
    out(f"{'operation':30}{'records':>8}  {'limit':32}{'took s':>8}{'allowed s':>11}{'ratio':>7}"
        f"{'429/THROTTLED':>15}{'reached runner':>16}  target")
    for row in rows:
        out(f"{row.operation:30}{row.records:>8}  {row.limit:32}{row.elapsed:>8.1f}{row.allowed:>11.1f}"
            f"{row.ratio:>7.2f}{row.calls.pushback:>15}{row.reached_runner:>16}  "
            f"≥ {THROUGHPUT_TARGET} {'met' if row.met else 'NOT met'}")
        out(f"{'':6}requests: {row.calls.describe()}")
        for note in row.notes:
            out(f"{'':6}{note}")


async def measure(sizes: Sizes, workdir: Path, out: Callable[[str], None] = print) -> Report:
    """Run every measurement, printing each table as soon as its figures are in."""
    report = Report()
    started = time.perf_counter()
    report.counts += await stock_pushes(workdir / "stock", sizes.skus, defaults=False)
    report.counts += await orders_reads(workdir / "orders", sizes.orders)
    print_counts(f"Requests against the API's minimum ({sizes.skus} SKUs of stock, {sizes.orders} orders; "
                 f"{time.perf_counter() - started:.0f} s)", report.counts, out)
    if sizes.defaults_skus:
        started = time.perf_counter()
        report.defaults += await stock_pushes(workdir / "defaults", sizes.defaults_skus, defaults=True)
        print_counts(f"The same stock push with the job options at their defaults: file page_size 100, "
                     f"no options.batch_size ({time.perf_counter() - started:.0f} s)",
                     report.defaults, out)
        out(f"{'':6}the runner holds source pages to fill a bulk sink's own batch (at most "
            f"{MAX_HELD_PAGES} pages); a job's options.batch_size caps the batch only when it is set")
    if sizes.throughput:
        report.throughput.append(await amazon_shipments_throughput(workdir / "shipments", sizes.shipments))
        report.throughput.append(await shopify_cost_throughput(workdir / "cost", sizes.throughput_orders))
        print_throughput(report.throughput, out)
    missed = report.missed()
    out("\n" + ("every target met" if not missed else "targets NOT met: " + "; ".join(missed)))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit status 0 when every target is met, 1 otherwise."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--skus", type=int, default=Sizes.skus, help="stock levels pushed (one location)")
    parser.add_argument("--orders", type=int, default=Sizes.orders, help="orders seeded and read, per channel")
    parser.add_argument("--shipments", type=int, default=Sizes.shipments, help="Amazon confirmations (real time)")
    parser.add_argument("--throughput-orders", type=int, default=Sizes.throughput_orders,
                        help="Shopify orders read under the small bucket (real time)")
    parser.add_argument("--defaults-skus", type=int, default=Sizes.defaults_skus,
                        help="stock levels pushed with the default job options (0: skip)")
    parser.add_argument("--skip-throughput", action="store_true", help="counts only, no real-time part")
    parser.add_argument("--workdir", type=Path, help="where state stores and files go (default: a temporary folder)")
    args = parser.parse_args(argv)
    sizes = Sizes(skus=args.skus, orders=args.orders, shipments=args.shipments,
                  throughput_orders=args.throughput_orders, defaults_skus=args.defaults_skus,
                  throughput=not args.skip_throughput)
    started = time.perf_counter()
    print("API efficiency: connectors against their sandboxes, driven by the runner")
    with tempfile.TemporaryDirectory(prefix="crossdock-api-bench-") as tmp:
        report = asyncio.run(measure(sizes, args.workdir or Path(tmp)))
    print(f"({time.perf_counter() - started:.0f} s in all)")
    return 0 if not report.missed() else 1


if __name__ == "__main__":
    sys.exit(main())
