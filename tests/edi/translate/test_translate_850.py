"""850 in: purchase orders, dropship ship-tos, partner qualifiers, and the order a retailer's PO becomes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from crossdock.core.models import OrderStatus, PurchaseOrderKind
from crossdock.edi.partners import PartnerProfile
from crossdock.edi.translate import purchase_order_to_order
from translate_support import only_result, x12

DROPSHIP_850 = """
BEG*00*DS*BB-7001**20260214
CUR*BY*CAD
REF*CO*WEB-55501
PER*BD*Dana Buyer*TE*555-0100*EM*dana@bigbox.example
DTM*010*20260216
DTM*001*20260301
TD5**2*UPSN**Ground
N9*L1*NOTE
MSG*Leave at the side door
MSG*please*LC
N1*ST*Pat Customer*92*STORE-9
N2*Customer Holdings
N3*12 Main St*Apt 4
N3*Back building
N4*Toronto*ON*M5V 2T6*CAN
PER*IC**TE*416-555-0199*EM*pat@example.com
N1*BT*BigBox Retail
N3*1 Retail Way
N4*Columbus*OH*43004
PO1*1*2*EA*19.99*PE*VN*MERCH-RED-S*IN*BB-100234*UP*012345678905
PID*F****Red shirt small
REF*LI*WEB-55501-1
PO1*2*1*CA*120*PE*VN*MERCH-BOX*IN*BB-100999
PID*F****Box of
PID*F****twelve
CTT*2*3
"""


def test_850_dropship_maps_ship_to_and_lines(bigbox: PartnerProfile) -> None:
    result = only_result(x12("850", DROPSHIP_850, gs08="005010", isa12="00501"), bigbox)
    assert result.ok, [str(i) for i in result.issues]
    (po,) = result.documents
    assert po.kind is PurchaseOrderKind.DROPSHIP
    assert (po.number, po.partner_id, po.currency) == ("BB-7001", "bigbox-retail", "CAD")
    assert po.source is not None and str(po.source) == "edi:bigbox-retail:BB-7001"
    assert po.ordered_at == datetime(2026, 2, 14, tzinfo=ZoneInfo("America/New_York"))
    assert po.order is not None and po.order.number == "WEB-55501"
    assert (po.ship_by, po.cancel_after) == (date(2026, 2, 16), date(2026, 3, 1))
    assert (po.carrier_scac, po.service_level) == ("UPSN", "Ground")
    assert po.note == "Leave at the side door please"
    ship_to = po.ship_to
    assert ship_to is not None
    assert (ship_to.name, ship_to.company) == ("Pat Customer", "Customer Holdings")
    assert (ship_to.line1, ship_to.line2, ship_to.line3) == ("12 Main St", "Apt 4", "Back building")
    assert (ship_to.city, ship_to.region, ship_to.postal_code) == ("Toronto", "ON", "M5V 2T6")
    assert ship_to.country == "CA"  # N404 CAN, alpha-3
    assert (ship_to.phone, ship_to.email) == ("416-555-0199", "pat@example.com")
    assert po.bill_to is not None and po.bill_to.country == "US"  # N404 blank: the partner's default
    assert po.buyer is not None and (po.buyer.name, po.buyer.email) == ("Dana Buyer", "dana@bigbox.example")
    first, second = po.lines
    assert (first.sku, first.vendor_sku, first.gtin) == ("MERCH-RED-S", "BB-100234", "012345678905")
    assert (first.quantity, first.unit_of_measure, first.description) == (2, "EA", "Red shirt small")
    assert first.unit_cost is not None and (first.unit_cost.amount, first.unit_cost.currency) == (Decimal("19.99"), "CAD")
    assert first.order_line_id == "WEB-55501-1"
    assert (second.sku, second.unit_of_measure, second.description) == ("MERCH-BOX", "CS", "Box of twelve")  # CA → CS


def test_retailer_850_becomes_an_order_on_the_partners_channel(bigbox: PartnerProfile) -> None:
    (po,) = only_result(x12("850", DROPSHIP_850, gs08="005010", isa12="00501"), bigbox).documents
    order = purchase_order_to_order(po, bigbox)
    assert (order.channel, str(order.source), order.number) == ("edi:bigbox-retail", "edi:bigbox-retail:BB-7001", "BB-7001")
    assert order.status is OrderStatus.OPEN
    assert order.currency == "CAD"
    assert order.ship_to == po.ship_to and order.customer == po.buyer
    assert [(l.line_id, l.sku, l.quantity, l.unit_price.amount) for l in order.lines] == [
        ("1", "MERCH-RED-S", 2, Decimal("19.99")),
        ("2", "MERCH-BOX", 1, Decimal("120")),
    ]
    assert order.lines[0].properties == {"edi_po_line": "1", "edi_partner_item": "BB-100234"}
    assert order.totals.total.amount == Decimal("159.98")
    assert order.ship_by == datetime(2026, 2, 16, 23, 59, 59, tzinfo=ZoneInfo("America/New_York"))
    assert order.shipping_method is not None and order.shipping_method.carrier == "UPSN"


def test_a_po_line_without_price_becomes_a_zero_priced_order_line_marked_as_such(bigbox: PartnerProfile) -> None:
    body = "BEG*00*SA*BB-7002**20260214\nPO1*1*5*EA***VN*MERCH-1\nCTT*1"
    (po,) = only_result(x12("850", body), bigbox).documents
    (line,) = purchase_order_to_order(po, bigbox).lines
    assert line.unit_price.amount == 0
    assert line.properties["edi_price_missing"] == "true"


def test_cancellation_850_still_names_the_po_and_says_it_cancels(bigbox: PartnerProfile) -> None:
    result = only_result(x12("850", "BEG*01*SA*BB-7003**20260214\nPO1*1*5*EA*1*PE*VN*MERCH-1"), bigbox)
    assert result.is_cancellation and result.purpose_code == "01"
    assert result.documents[0].number == "BB-7003"


def test_ctt_disagreeing_with_the_lines_is_a_warning(bigbox: PartnerProfile) -> None:
    result = only_result(x12("850", "BEG*00*SA*BB-7004**20260214\nPO1*1*5*EA*1*PE*VN*MERCH-1\nCTT*2*9"), bigbox)
    assert result.ok and len(result.documents) == 1
    assert [(w.code, w.element_position) for w in result.warnings] == [("count-mismatch", 1), ("count-mismatch", 2)]


def test_a_partner_carrier_code_is_mapped_through_its_profile(bigbox: PartnerProfile) -> None:
    partner = bigbox.model_copy(update={"codes": bigbox.codes.model_copy(update={"carriers": {"FDE": "FDEG"}})})
    result = only_result(x12("850", "BEG*00*SA*A-1**20260214\nTD5*B*92*FDE\nPO1*1*5*CA*1*PE*VN*SKU-1"), partner)
    (po,) = result.documents
    assert po.carrier_scac == "FDEG"
    assert po.lines[0].unit_of_measure == "CS"  # BigBox's CA
    assert result.issues == []


def test_an_unmapped_buyer_assigned_carrier_code_leaves_the_carrier_unknown_with_a_warning(bigbox: PartnerProfile) -> None:
    result = only_result(x12("850", "BEG*00*SA*A-2**20260214\nTD5*B*92*ZZTOP\nPO1*1*5*EA*1*PE*VN*SKU-1"), bigbox)
    assert result.documents[0].carrier_scac is None
    assert [(w.segment_id, w.element_position, w.code) for w in result.warnings] == [("TD5", 3, "unmapped-code")]


def test_a_set_the_partner_is_not_set_up_to_send_is_translated_with_a_warning(acme: PartnerProfile) -> None:
    result = only_result(x12("850", "BEG*00*SA*A-3**20260214\nPO1*1*5*UN*1*PE*BP*SKU-1"), acme)
    assert len(result.documents) == 1
    assert [w.code for w in result.warnings] == ["unexpected-set"]


def test_without_a_profile_the_sender_names_the_partner_and_defaults_apply() -> None:
    result = only_result(x12("850", "BEG*00*NE*P-9**20260214\nPO1*1*5*EA*1.5*PE*SK*SKU-9", sender="SOMESHOP"))
    (po,) = result.documents
    assert po.partner_id == "someshop" and po.currency == "USD"
    assert po.ordered_at.tzinfo is not None and po.ordered_at.utcoffset().total_seconds() == 0
