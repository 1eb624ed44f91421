"""Runtime benchmark: orders/s through the runner vs a minimal hand-written loop, and peak memory.

    python bench/runtime.py [--orders 50000] [--sizes 10000,25000,50000] [--skip-postgres]

Both sides read the same JSONL order files and make the same HTTP calls (one ``POST /orders`` per order,
with an ``Idempotency-Key``, 4 in flight) to the same in-process REST sandbox. The runner adds what it is
for: mapping to canonical, pydantic validation, operations, mapping to the sink's payload, idempotency
ledger, cross-references and a checkpoint per page in the state store. Target: runner time ≤ 1.3 × loop.

Each row also gives the CPU time of the measuring process per order (all its threads; the served
sandbox's own CPU is not in it): on this kind of machine both sides are bound by it, so it says
where a ratio comes from.

Memory: each measurement runs in its own process and reports its peak RSS. The sandbox keeps every order
it receives in memory, in both modes alike, so the runner's own footprint is the difference between the
two at the same size; that difference should stay flat as the order count grows.

Figures vary on a shared 2-core machine: each timing is the best of ``--repeat`` runs (default 1), the
loop and the runner timed in turns so that a drift in the machine's load does not land on one side.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

PAGE = 100
CONCURRENCY = 4
TOKEN = "bench-token-0000"
DEFAULT_DSN = os.environ.get("CROSSDOCK_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def seed(folder: Path, orders: int) -> None:
    from crossdock.connectors.file.sandbox import seed_folder

    marker = folder / f".seeded-{orders}"
    if marker.exists():
        return
    seed_folder(folder, orders=orders, skus=40, seed=11, orders_per_file=5000)
    marker.touch()


def sandbox() -> Any:
    from crossdock.connectors.rest.sandbox import create_app

    return create_app(seed=11, orders=0, token=TOKEN)


# -- the baseline: what someone would write by hand ---------------------------------------------
STATUS = {"partially_fulfilled": "partially_shipped", "fulfilled": "shipped"}


def hand_body(order: dict[str, Any]) -> dict[str, Any]:
    """The same body the runner sends for this order (checked by ``--check-parity``), built by hand."""
    ship = order.get("ship_to") or {}
    customer = order.get("customer") or {}
    shipping = order.get("shipping") or {}
    body: dict[str, Any] = {
        "external_id": f"file:{order['id']}",
        "number": order["number"],
        "channel": order.get("channel"),
        "status": STATUS.get(order.get("status"), order.get("status")),
        "payment_status": order.get("financial_status"),
        "currency": order["currency"],
        "ordered_at": order["created_at"],
        "customer": {k: v for k, v in (("name", customer.get("name")), ("email", customer.get("email"))) if v},
        "ship_to": {k: v for k, v in (("name", ship.get("name")), ("address1", ship.get("line1")),
                                      ("address2", ship.get("line2")), ("city", ship.get("city")),
                                      ("state", ship.get("region")), ("zip", ship.get("postal_code")),
                                      ("country", ship.get("country"))) if v},
        "shipping": {"service": shipping.get("method"), "amount": shipping.get("price")},
        "subtotal": order.get("subtotal"),
        "discount_total": (order.get("discount") or {}).get("amount"),
        "shipping_total": shipping.get("price"),
        "tax_total": order.get("tax"),
        "total": order["total"],
        "notes": order.get("note"),
        "lines": [{"external_line_id": l["id"], "sku": l["sku"], "description": l.get("title"),
                   "quantity": l["quantity"], "unit_price": l["unit_price"]} for l in order["lines"]],
    }
    return {k: v for k, v in body.items() if v is not None}


async def run_hand(folder: Path, server: str | None) -> int:
    import httpx

    sem = asyncio.Semaphore(CONCURRENCY)
    sent = 0
    created_ids: list[str] = []
    transport = None if server else httpx.ASGITransport(app=sandbox())
    async with httpx.AsyncClient(transport=transport, base_url=server or "http://erp",
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as client:

        async def post(order: dict[str, Any]) -> None:
            async with sem:
                body = hand_body(order)
                key = hashlib.sha256(order["id"].encode()).hexdigest()
                r = await client.post("/orders", json=body, headers={"Idempotency-Key": key})
                if r.status_code >= 300:
                    raise SystemExit(f"baseline: HTTP {r.status_code}: {r.text[:200]}")
                created_ids.append(r.json()["id"])  # any real integration keeps the ID the ERP gave

        for path in sorted((folder / "orders").glob("*.jsonl")):
            page: list[dict[str, Any]] = []
            with path.open() as fh:
                for line in fh:
                    page.append(json.loads(line))
                    if len(page) == PAGE:
                        await asyncio.gather(*(post(o) for o in page))
                        sent += len(page)
                        page = []
            if page:
                await asyncio.gather(*(post(o) for o in page))
                sent += len(page)
    return sent


# -- the runner --------------------------------------------------------------------------------
JOB = """\
job: bench
state: {state}
connections:
  shop:
    connector: file
    config: {{path: {folder}, orders_format: jsonl, page_size: {page}}}
  erp:
    connector: rest
    config:
      base_url: {base_url}
      auth: {{type: bearer, token: "${{env:BENCH_ERP_TOKEN}}"}}
      sinks:
        orders: {{path: /orders, method: POST, key_header: Idempotency-Key, id_path: id}}
flows:
  - name: orders
    source: {{connection: shop, stream: orders}}
    sink: {{connection: erp, sink: orders}}
options: {{batch_size: {page}, concurrency: {concurrency}}}
"""


async def run_runner(folder: Path, state: str, workdir: Path, server: str | None = None) -> int:
    import httpx

    from crossdock.config.jobs import load_job
    from crossdock.runtime.job import open_job
    from crossdock.runtime.runner import JobRunner

    os.environ["BENCH_ERP_TOKEN"] = TOKEN
    job_file = workdir / "bench.yaml"
    job_file.write_text(JOB.format(state=state, folder=folder, page=PAGE, concurrency=CONCURRENCY,
                                   base_url=server or "http://erp"))
    config = load_job(job_file)
    transports = {} if server else {"erp": httpx.ASGITransport(app=sandbox())}
    async with await open_job(config, transports=transports) as job:
        summary = await JobRunner(job).run()
    if summary.status != "succeeded":
        raise SystemExit(f"runner: {summary.status}: {summary.message}")
    return summary.totals.written


async def drop_schema(dsn: str, schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


def serve_sandbox() -> None:
    """Child process: the same sandbox, served on 127.0.0.1 (what `crossdock sandbox serve rest` does)."""
    import uvicorn

    port = int(os.environ["BENCH_PORT"])
    uvicorn.run(sandbox(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


class ServedSandbox:
    """A fresh sandbox server per measurement, so neither side sees the other's orders."""

    def __enter__(self) -> str:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve"], env={**os.environ, "BENCH_PORT": str(self.port)})
        url = f"http://127.0.0.1:{self.port}"
        import httpx

        for _ in range(200):
            try:
                httpx.get(f"{url}/health", timeout=0.5)
                return url
            except httpx.HTTPError:
                time.sleep(0.05)
        self.proc.kill()
        raise SystemExit("the sandbox server did not start")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def worker(mode: str, orders: int, data: Path, served: bool) -> None:
    folder = data / f"orders-{orders}"
    seed(folder, orders)
    with tempfile.TemporaryDirectory() as tmp, (ServedSandbox() if served else _nothing()) as server:
        workdir = Path(tmp)
        started = time.perf_counter()
        if mode == "hand":
            count = asyncio.run(run_hand(folder, server))
        elif mode == "sqlite":
            count = asyncio.run(run_runner(folder, f"sqlite:///{workdir / 'state.db'}", workdir, server))
        elif mode == "postgres":
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            try:
                count = asyncio.run(run_runner(folder, f"{DEFAULT_DSN}?schema={schema}", workdir, server))
            finally:
                asyncio.run(drop_schema(DEFAULT_DSN, schema))
        else:
            raise SystemExit(f"unknown mode {mode}")
        seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    server = resource.getrusage(resource.RUSAGE_CHILDREN)  # the served sandbox, once it has exited
    print(json.dumps({"mode": mode, "orders": count, "seconds": seconds, "peak_rss_mb": own.ru_maxrss / 1024,
                      "cpu_s": own.ru_utime + own.ru_stime, "server_cpu_s": server.ru_utime + server.ru_stime}))


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def measure(mode: str, orders: int, data: Path, repeat: int, served: bool) -> dict[str, Any]:
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--worker", mode, "--orders", str(orders), "--data", str(data)]
                             + (["--served"] if served else []),
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise SystemExit(f"{mode} {orders}: failed\n{out.stderr[-2000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    return best


def postgres_reachable() -> bool:
    async def probe() -> None:
        import asyncpg

        conn = await asyncpg.connect(DEFAULT_DSN, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
        return True
    except Exception:
        return False


def comparison(args: argparse.Namespace, served: bool) -> None:
    """Loop and runner timed in turns (loop, runner(s), loop, runner(s) …), best of ``--repeat`` each.

    On a shared machine the load drifts over minutes; timing every repeat of one side before the
    other would let that drift land on one side only.
    """
    where = "served on 127.0.0.1 in its own process" if served else "in-process (ASGI transport, one core)"
    print(f"\n== sandbox {where}")
    modes = ["hand", "sqlite"] + ([] if args.skip_postgres or not postgres_reachable() else ["postgres"])
    if "postgres" not in modes and not args.skip_postgres:
        print(f"PostgreSQL not reachable at {DEFAULT_DSN.split('@')[-1]}: skipping it")
    best: dict[str, dict[str, Any]] = {}
    for _ in range(args.repeat):
        for mode in modes:
            result = measure(mode, args.orders, args.data, 1, served)
            if mode not in best or result["seconds"] < best[mode]["seconds"]:
                best[mode] = result
    hand = best["hand"]
    rows = [("hand-written loop", hand)] + [(f"runner, {mode}", best[mode]) for mode in modes[1:]]
    print(f"{'':24}{'orders/s':>10}{'seconds':>10}{'ratio':>8}{'peak RSS MB':>13}{'client CPU ms/order':>21}")
    for name, r in rows:
        ratio = r["seconds"] / hand["seconds"]
        cpu = r["cpu_s"] / r["orders"] * 1000
        print(f"{name:24}{r['orders'] / r['seconds']:>10.0f}{r['seconds']:>10.2f}{ratio:>8.2f}{r['peak_rss_mb']:>13.1f}{cpu:>21.3f}")
    worst = max(r["seconds"] / hand["seconds"] for _, r in rows[1:])
    print(f"target: ratio ≤ 1.30 → {'met' if worst <= 1.3 else 'NOT met'} (worst {worst:.2f}; best of {args.repeat}, in turns)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--sizes", default="10000,25000,50000", help="order counts for the memory curve")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--transport", choices=["both", "served", "inprocess"], default="both")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "crossdock-bench")
    parser.add_argument("--worker")
    parser.add_argument("--served", action="store_true")
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    if args.serve:
        serve_sandbox()
        return
    if args.worker:
        worker(args.worker, args.orders, args.data, args.served)
        return

    args.data.mkdir(parents=True, exist_ok=True)
    print(f"runtime benchmark: {args.orders} orders, pages of {PAGE}, {CONCURRENCY} writes in flight, "
          f"{os.cpu_count()} CPUs")
    if args.transport in ("both", "served"):
        comparison(args, served=True)
    if args.transport in ("both", "inprocess"):
        comparison(args, served=False)

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if sizes:
        print("\npeak RSS of the runner process by order count (sandbox served in its own process, so this is")
        print("Crossdock's own footprint: reader, mapping, runner, HTTP client, SQLite state store)")
        print(f"{'orders':>8}{'runner MB':>11}")
        peaks = []
        for n in sizes:
            r = measure("sqlite", n, args.data, 1, True)
            peaks.append(r["peak_rss_mb"])
            print(f"{n:>8}{peaks[-1]:>11.1f}")
        growth = peaks[-1] - peaks[0]
        print(f"growth from {sizes[0]} to {sizes[-1]} orders: {growth:+.1f} MB "
              f"({'flat' if abs(growth) <= 10 else 'NOT flat'}, ±10 MB tolerance)")


if __name__ == "__main__":
    main()
