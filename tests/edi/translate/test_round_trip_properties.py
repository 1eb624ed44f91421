"""Canonical → X12 → canonical keeps everything X12 can carry, for any document (hypothesis).

"Equal in meaningful content" is defined by the ``*_facts`` functions in ``translate_support``:
the fields each transaction set carries, as X12 carries them.  Reading our own output must also be
clean: no error and no warning.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossdock.edi import read_interchanges
from crossdock.edi.partners import CodeLists, PartnerProfile, QuantityMapping, load_partners
from crossdock.edi.translate import (
    EnvelopeNumbers,
    RenderedSet,
    interchange_text,
    render_810,
    render_846,
    render_850,
    render_855,
    render_856,
    translate_interchange,
)
from translate_strategies import acknowledgements, invoices, purchase_orders, shipment_groups, stock_reports
from translate_support import ack_facts, invoice_facts, po_facts, shipment_facts, stock_facts

PARTNERS = load_partners(Path(__file__).resolve().parents[3] / "config" / "partners")
SETS = ["850", "855", "856", "846", "810", "997"]


def _both_ways(partner: PartnerProfile) -> PartnerProfile:
    """The partner set up to exchange every set either way: the round trip reads what it wrote."""
    documents = partner.documents.model_copy(update={"inbound": SETS, "outbound": SETS})
    return partner.model_copy(update={"documents": documents})


ACME = _both_ways(PARTNERS["acme-dropship"])
BIGBOX = _both_ways(PARTNERS["bigbox-retail"])
ACME_TWO_WAREHOUSES = ACME.model_copy(
    update={
        "codes": CodeLists(units=ACME.codes.units, carriers=ACME.codes.carriers, locations={"DC01": "acme-dallas", "DC02": "acme-reno"}),
        "mapping": ACME.mapping.model_copy(update={"quantities": QuantityMapping(on_hand=["17"], incoming=["IQ"])}),
    }
)
PROFILES = {"acme (004010VICS)": ACME, "bigbox (005010)": BIGBOX}
ROUND_TRIP = settings(
    max_examples=int(os.environ.get("CROSSDOCK_ROUND_TRIP_EXAMPLES", "40")),  # raise it for a deeper search
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _round_trip(documents: list[RenderedSet], partner: PartnerProfile) -> list:
    numbers = EnvelopeNumbers(isa13=1, gs06=(1,), st02=tuple(range(1, len(documents) + 1)))
    text = interchange_text(documents, partner, numbers)
    found = []
    for interchange in read_interchanges(text.encode("latin-1")):
        assert interchange.all_issues() == [], [str(i) for i in interchange.all_issues()]
        for result in translate_interchange(interchange, partner):
            assert result.issues == [], [str(i) for i in result.issues]
            found += result.documents
    return found


@pytest.mark.parametrize("partner", PROFILES.values(), ids=PROFILES.keys())
@ROUND_TRIP
@given(data=st.data())
def test_purchase_orders_survive_the_round_trip(partner: PartnerProfile, data: st.DataObject) -> None:
    po = data.draw(purchase_orders(partner))
    (back,) = _round_trip([render_850(po, partner)], partner)
    assert po_facts(back, partner) == po_facts(po, partner)


@pytest.mark.parametrize("partner", PROFILES.values(), ids=PROFILES.keys())
@ROUND_TRIP
@given(data=st.data())
def test_acknowledgements_survive_the_round_trip(partner: PartnerProfile, data: st.DataObject) -> None:
    ack = data.draw(acknowledgements(partner))
    (back,) = _round_trip([render_855(ack, partner)], partner)
    assert ack_facts(back, partner) == ack_facts(ack, partner)


@pytest.mark.parametrize("structure", ["0001", "0002", "0004"])
@pytest.mark.parametrize("partner", PROFILES.values(), ids=PROFILES.keys())
@ROUND_TRIP
@given(data=st.data())
def test_shipment_lists_survive_the_round_trip(partner: PartnerProfile, structure: str, data: st.DataObject) -> None:
    locations = ["acme-dallas", None] if partner is ACME else ["bb-dc-1", None]
    shipments = data.draw(shipment_groups(partner, structure, locations))
    rendered = render_856(shipments, partner, shipment_id="ASN-1", structure=structure)  # type: ignore[arg-type]
    back = _round_trip([rendered], partner)
    weights = structure != "0004"
    assert [shipment_facts(s, partner, weights=weights) for s in back] == [
        shipment_facts(s, partner, weights=weights) for s in shipments
    ]


@ROUND_TRIP
@given(data=st.data())
def test_stock_levels_survive_the_round_trip(data: st.DataObject) -> None:
    partner = ACME_TWO_WAREHOUSES
    levels = data.draw(stock_reports(["acme-dallas", "acme-reno"], undated_incoming=True))
    back = _round_trip([render_846(levels, partner)], partner)
    assert [stock_facts(level, partner) for level in back] == [stock_facts(level, partner) for level in levels]


@pytest.mark.parametrize("partner", PROFILES.values(), ids=PROFILES.keys())
@ROUND_TRIP
@given(data=st.data())
def test_invoices_survive_the_round_trip(partner: PartnerProfile, data: st.DataObject) -> None:
    invoice = data.draw(invoices(partner))
    (back,) = _round_trip([render_810(invoice, partner)], partner)
    assert invoice_facts(back) == invoice_facts(invoice)
