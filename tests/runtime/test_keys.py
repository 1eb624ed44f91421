"""Identities the runner derives: stable across runs and machines, whichever way they are computed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from crossdock.core.models import Money, Order, OrderLine, OrderTotals, SourceRef, StockLevel
from crossdock.runtime.keys import _NAMESPACE, canonical_id, record_digest


@given(entity=st.sampled_from(["Order", "StockLevel"]), system=st.text(max_size=12), external_id=st.text(max_size=40))
def test_canonical_ids_are_the_rfc_4122_uuid5_of_entity_system_and_id(entity: str, system: str, external_id: str) -> None:
    expected = uuid.uuid5(_NAMESPACE, f"{entity}\x1f{system}\x1f{external_id}").hex
    assert canonical_id(entity, system, external_id) == expected


def _order(total: str = "10.00") -> Order:
    now = datetime(2026, 3, 1, 10, tzinfo=UTC)
    usd = lambda amount: Money(amount=Decimal(amount), currency="USD")  # noqa: E731
    return Order(
        source=SourceRef(system="file", id="A-1"), channel="web", number="#1", created_at=now, updated_at=now,
        currency="USD", lines=[OrderLine(line_id="1", sku="MUG", quantity=1, unit_price=usd(total))],
        totals=OrderTotals(total=usd(total)),
    )


def test_a_digest_from_the_json_the_runner_already_has_is_the_digest_of_the_record() -> None:
    order = _order()
    assert record_digest(order, json_text=order.model_dump_json()) == record_digest(order)
    assert record_digest(_order("10.01")) != record_digest(order)


def test_a_stock_levels_snapshot_time_never_changes_its_digest_even_from_its_json() -> None:
    level = StockLevel(sku="MUG", location_id="WH1", on_hand=5, as_of=datetime(2026, 3, 1, tzinfo=UTC))
    later = level.model_copy(update={"as_of": datetime(2026, 3, 2, tzinfo=UTC)})
    assert record_digest(later, json_text=later.model_dump_json()) == record_digest(level)
