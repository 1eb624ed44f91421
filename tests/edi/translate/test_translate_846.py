"""846 in: quantities by qualifier, future availability, and where the stock is."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from crossdock.core.models import IncomingStock
from crossdock.edi.partners import PartnerProfile
from translate_support import only_result, x12

INVENTORY = """
BIA*00*SI*INV-0220*20260220*0600
N1*WH*Acme Dallas*92*DC01
LIN**BP*SKU-A*VP*AC-100
PID*F****Anvil
QTY*33*40*EA
SCH*25*EA***018*20260301*****PO-778
SCH*10*EA***018*20260315
QTY*17*52*EA
LIN**BP*SKU-B
QTY*02*7*EA
LIN**BP*SKU-C
QTY*33*-3*EA
QTY*17*0*EA
LIN**BP*SKU-D
QTY*33*5*EA
N1*WH**92*DC99
CTT*4
"""


def test_846_quantities_and_future_availability(acme: PartnerProfile) -> None:
    result = only_result(x12("846", INVENTORY), acme)
    levels = {level.sku: level for level in result.documents}
    assert sorted(levels) == ["SKU-A", "SKU-B", "SKU-C"]
    a = levels["SKU-A"]
    assert (a.location_id, a.available, a.on_hand) == ("acme-dallas", 40, 52)
    assert a.incoming == [
        IncomingStock(quantity=25, expected_date=date(2026, 3, 1), reference="PO-778"),
        IncomingStock(quantity=10, expected_date=date(2026, 3, 15)),
    ]
    assert a.as_of == datetime(2026, 2, 20, 6, 0, tzinfo=ZoneInfo("America/Chicago"))
    assert a.source is not None and a.source.system == "edi:acme-dropship"
    b = levels["SKU-B"]
    assert (b.on_hand, b.available) == (7, 7)  # QTY*02 is on hand for Acme; available derived from it
    c = levels["SKU-C"]
    assert (c.available, c.on_hand) == (-3, 0)  # oversold: kept as the partner says
    (error,) = result.errors  # SKU-D names a location Acme's profile does not know
    assert (error.segment_id, error.element_position, error.code) == ("N1", 4, "unmapped-code")
    assert error.message.startswith("N1 at segment 17: N104 'DC99'")


def test_846_without_a_location_uses_the_partners_stock_location(acme: PartnerProfile) -> None:
    (level,) = only_result(x12("846", "BIA*00*SI*R1*20260220\nLIN**BP*SKU-A\nQTY*33*4"), acme).documents
    assert level.location_id == "acme-dallas"


def test_846_with_no_location_anywhere_withholds_the_items() -> None:
    result = only_result(x12("846", "BIA*00*SI*R1*20260220\nLIN**SK*SKU-A\nQTY*33*4"))
    assert result.documents == []
    assert [e.code for e in result.errors] == ["missing-location"]


def test_846_item_without_available_or_on_hand_is_withheld_alone(acme: PartnerProfile) -> None:
    body = "BIA*00*SI*R1*20260220\nLIN**BP*SKU-A\nQTY*33*4\nLIN**BP*SKU-B\nQTY*QX*9"
    result = only_result(x12("846", body), acme)
    assert [level.sku for level in result.documents] == ["SKU-A"]
    assert [e.segment_id for e in result.errors] == ["LIN"]
    assert [w.element_position for w in result.warnings] == [1]  # QTY01 QX is not one of Acme's qualifiers
