"""Cross-references: each system's ID for a record, all linked to one canonical ID."""

from __future__ import annotations

import asyncio

from crossdock.runtime.state import StateStore, XrefConflict


async def test_xref_links_many_systems_to_one_canonical_id(store: StateStore) -> None:
    await store.xref_link_many(
        [("order", "c-1", "shop", "1001"), ("order", "c-1", "erp", "SO-77"), ("order", "c-1", "3pl", "W-5")]
    )
    assert await store.xref_external_ids("order", "c-1") == {"3pl": "W-5", "erp": "SO-77", "shop": "1001"}
    for system, external_id in (("shop", "1001"), ("erp", "SO-77"), ("3pl", "W-5")):
        assert await store.xref_canonical(system, "order", external_id) == "c-1"


async def test_linking_again_changes_nothing(store: StateStore) -> None:
    assert await store.xref_link("order", "c-1", "shop", "1001") == []
    assert await store.xref_link("order", "c-1", "shop", "1001") == []
    assert await store.xref_link_many([("order", "c-1", "shop", "1001")] * 3) == []
    assert await store.xref_external_ids("order", "c-1") == {"shop": "1001"}


async def test_a_link_contradicting_an_existing_one_is_refused_and_reported(store: StateStore) -> None:
    await store.xref_link_many([("order", "c-1", "erp", "SO-1"), ("order", "c-2", "erp", "SO-2")])

    conflicts = await store.xref_link_many(
        [
            ("order", "c-1", "erp", "SO-9"),  # c-1 already is SO-1 in the ERP: a duplicate there?
            ("order", "c-3", "erp", "SO-2"),  # SO-2 already is c-2
            ("order", "c-4", "erp", "SO-4"),  # fine, and still linked
        ]
    )

    assert sorted(conflicts, key=lambda c: c.canonical_id) == [
        XrefConflict("order", "erp", "c-1", "SO-9", existing_canonical_id="c-1", existing_external_id="SO-1"),
        XrefConflict("order", "erp", "c-3", "SO-2", existing_canonical_id="c-2", existing_external_id="SO-2"),
    ]
    assert await store.xref_canonical("erp", "order", "SO-2") == "c-2"
    assert await store.xref_external_ids("order", "c-1") == {"erp": "SO-1"}
    assert await store.xref_canonical("erp", "order", "SO-4") == "c-4"


async def test_ids_are_scoped_by_system_and_entity(store: StateStore) -> None:
    await store.xref_link_many(
        [("order", "c-order", "shop", "42"), ("product", "c-product", "shop", "42"), ("order", "c-erp", "erp", "42")]
    )
    assert await store.xref_canonical("shop", "order", "42") == "c-order"
    assert await store.xref_canonical("shop", "product", "42") == "c-product"
    assert await store.xref_canonical("erp", "order", "42") == "c-erp"
    assert await store.xref_canonical("3pl", "order", "42") is None


async def test_xref_ensure_is_stable(store: StateStore) -> None:
    first = await store.xref_ensure("shop", "customer", "cus_1")
    assert len(first) == 32 and int(first, 16) >= 0
    assert await store.xref_ensure("shop", "customer", "cus_1") == first
    assert await store.xref_canonical("shop", "customer", "cus_1") == first
    assert await store.xref_ensure("shop", "customer", "cus_2") != first


async def test_xref_ensure_returns_an_existing_link(store: StateStore) -> None:
    await store.xref_link("customer", "c-known", "erp", "C100")
    assert await store.xref_ensure("erp", "customer", "C100") == "c-known"


async def test_concurrent_xref_ensure_agrees_on_one_canonical_id(store: StateStore) -> None:
    results = await asyncio.gather(*(store.xref_ensure("shop", "customer", "cus_9") for _ in range(20)))
    assert len(set(results)) == 1
    assert await store.xref_external_ids("customer", results[0]) == {"shop": "cus_9"}
