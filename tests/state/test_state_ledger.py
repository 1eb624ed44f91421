"""The idempotency ledger: begun before the external call, completed after it, batch by batch."""

from __future__ import annotations

from datetime import timedelta

from crossdock.runtime.state import StateStore


def begin(
    keys: list[str], *, job: str = "orders-to-erp", flow: str = "orders", sink: str = "sales_orders"
) -> list[tuple[str, str, str, str]]:
    return [(key, job, flow, sink) for key in keys]


async def test_ledger_begin_then_complete(store: StateStore) -> None:
    await store.ledger_begin_many(begin(["k-1", "k-2", "k-3"]))
    pending = await store.ledger_get_many(["k-1", "k-2", "k-3"])
    assert {e.status for e in pending.values()} == {"pending"}
    assert (
        pending["k-1"].job == "orders-to-erp"
        and pending["k-1"].flow == "orders"
        and pending["k-1"].sink == "sales_orders"
    )
    assert pending["k-1"].completed_at is None and pending["k-1"].external_id is None

    await store.ledger_complete_many([("k-1", "SO-1"), ("k-2", None)])

    entries = await store.ledger_get_many(["k-1", "k-2", "k-3"])
    assert (entries["k-1"].status, entries["k-1"].external_id) == ("done", "SO-1")
    assert (entries["k-2"].status, entries["k-2"].external_id) == ("done", None)
    assert entries["k-3"].status == "pending"
    done = entries["k-1"]
    assert done.completed_at is not None and done.completed_at >= done.created_at
    assert done.created_at.utcoffset() == timedelta(0)


async def test_ledger_begin_is_idempotent(store: StateStore) -> None:
    await store.ledger_begin_many(begin(["k-1", "k-2"]))
    await store.ledger_complete_many([("k-1", "SO-1")])
    first = await store.ledger_get_many(["k-1", "k-2"])

    # A re-run after a crash begins the same page again: a done write stays done, a pending one pending.
    await store.ledger_begin_many(begin(["k-1", "k-2", "k-2"], sink="another_sink"))

    assert await store.ledger_get_many(["k-1", "k-2"]) == first


async def test_keys_never_begun_are_absent(store: StateStore) -> None:
    await store.ledger_begin_many(begin(["k-1"]))
    assert set(await store.ledger_get_many(["k-1", "unknown"])) == {"k-1"}
    assert await store.ledger_get_many([]) == {}


async def test_completing_a_key_that_was_never_begun_invents_nothing(store: StateStore) -> None:
    await store.ledger_complete_many([("never-begun", "SO-1")])
    assert await store.ledger_get_many(["never-begun"]) == {}


async def test_completing_without_an_external_id_keeps_the_one_recorded(store: StateStore) -> None:
    await store.ledger_begin_many(begin(["k-1"]))
    await store.ledger_complete_many([("k-1", "SO-1")])
    await store.ledger_complete_many([("k-1", None)])
    assert (await store.ledger_get_many(["k-1"]))["k-1"].external_id == "SO-1"


async def test_a_forgotten_key_can_be_sent_again(store: StateStore) -> None:
    await store.ledger_begin_many(begin(["k-1"]))
    await store.ledger_complete_many([("k-1", "SO-1")])
    await store.ledger_forget("k-1")
    assert await store.ledger_get_many(["k-1"]) == {}
    await store.ledger_begin_many(begin(["k-1"]))
    assert (await store.ledger_get_many(["k-1"]))["k-1"].status == "pending"


async def test_a_page_of_250_writes_goes_through_in_batches(store: StateStore) -> None:
    keys = [f"key-{n:04d}" for n in range(250)]
    await store.ledger_begin_many(begin(keys))
    await store.ledger_complete_many([(k, f"EXT-{k}") for k in keys[:200]])
    entries = await store.ledger_get_many(keys)
    assert len(entries) == 250
    assert sum(e.status == "done" for e in entries.values()) == 200
    assert entries["key-0199"].external_id == "EXT-key-0199"
    assert entries["key-0200"].status == "pending"


async def test_snapshots_remember_the_last_digest_written_per_record(store: StateStore) -> None:
    await store.snapshot_put_many("stock-to-shop", "stock", [("SKU-1", "d1"), ("SKU-2", "d2")])
    await store.snapshot_put_many("stock-to-shop", "stock", [("SKU-1", "d1b"), ("SKU-1", "d1c")])
    await store.snapshot_put_many("stock-to-shop", "other-flow", [("SKU-1", "x")])

    assert await store.snapshot_get_many("stock-to-shop", "stock", ["SKU-1", "SKU-2", "SKU-3"]) == {
        "SKU-1": "d1c",
        "SKU-2": "d2",
    }
    assert await store.snapshot_get_many("another-job", "stock", ["SKU-1"]) == {}
    assert await store.snapshot_get_many("stock-to-shop", "stock", []) == {}


async def test_ledger_record_many_marks_writes_done_in_one_call_begun_or_not(store) -> None:
    await store.ledger_begin_many([("k-begun", "job", "flow", "sink")])
    await store.ledger_record_many([
        ("k-begun", "job", "flow", "sink", "EXT-1"),
        ("k-new", "job", "flow", "sink", None),
    ])
    entries = await store.ledger_get_many(["k-begun", "k-new"])
    assert entries["k-begun"].status == "done" and entries["k-begun"].external_id == "EXT-1"
    assert entries["k-new"].status == "done" and entries["k-new"].external_id is None
    await store.ledger_record_many([("k-begun", "job", "flow", "sink", None)])
    assert (await store.ledger_get_many(["k-begun"]))["k-begun"].external_id == "EXT-1"
