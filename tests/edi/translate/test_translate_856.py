"""856 both ways: every hierarchy gives the same shipments, packages keep their SSCCs and contents."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crossdock.edi.errors import X12WriteError
from crossdock.edi.partners import PartnerProfile
from crossdock.edi.translate import SequentialControlNumbers, render_856, render_interchange
from translate_support import documents_of, only_result, shipment_facts, translate_text, x12


def sscc(body: str) -> str:
    """An SSCC-18 from its first 17 digits (GS1 mod-10 check digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


CARTON_1 = sscc("00012345600000001")
CARTON_2 = sscc("00012345600000002")
PALLET = sscc("00012345600000099")

SHIPMENT_LEVEL = """
HL*1**S
TD5**2*UPSN**Ground
REF*CN*SHIP-TRACK
DTM*011*20260220*1430
N1*SF**92*DC01
"""

HIERARCHIES = {
    "0001": f"""
BSN*00*ASN-1*20260220*1430*0001
{SHIPMENT_LEVEL}
HL*2*1*O
PRF*PO-1
HL*3*2*P
MAN*GM*{CARTON_1}
MAN*CP*1Z001
HL*4*3*I
LIN*1*BP*SKU-A
SN1*1*5*EA
HL*5*3*I
LIN*2*BP*SKU-B
SN1*2*2*EA
HL*6*2*P
MAN*GM*{CARTON_2}
MAN*CP*1Z002
HL*7*6*I
LIN*1*BP*SKU-A
SN1*1*3*EA
HL*8*1*O
PRF*PO-2
HL*9*8*I
LIN*1*BP*SKU-C
SN1*1*1*EA
CTT*9*11
""",
    "0002": f"""
BSN*00*ASN-1*20260220*1430*0002
{SHIPMENT_LEVEL}
HL*2*1*O
PRF*PO-1
HL*3*2*I
LIN*1*BP*SKU-A
SN1*1*8*EA
HL*4*3*P
SN1*1*5*EA
MAN*GM*{CARTON_1}
MAN*CP*1Z001
HL*5*3*P
SN1*1*3*EA
MAN*GM*{CARTON_2}
MAN*CP*1Z002
HL*6*2*I
LIN*2*BP*SKU-B
SN1*2*2*EA
HL*7*6*P
MAN*GM*{CARTON_1}
MAN*CP*1Z001
HL*8*1*O
PRF*PO-2
HL*9*8*I
LIN*1*BP*SKU-C
SN1*1*1*EA
CTT*9*19
""",
    "0004": f"""
BSN*00*ASN-1*20260220*1430*0004
{SHIPMENT_LEVEL}
HL*2*1*O
PRF*PO-1
HL*3*2*I
LIN*1*BP*SKU-A
SN1*1*5*EA
MAN*GM*{CARTON_1}
MAN*CP*1Z001
HL*4*2*I
LIN*2*BP*SKU-B
SN1*2*2*EA
MAN*GM*{CARTON_1}
MAN*CP*1Z001
HL*5*2*I
LIN*1*BP*SKU-A
SN1*1*3*EA
MAN*GM*{CARTON_2}
MAN*CP*1Z002
HL*6*1*O
PRF*PO-2
HL*7*6*I
LIN*1*BP*SKU-C
SN1*1*1*EA
CTT*7*11
""",
}
HIERARCHIES["no BSN05"] = HIERARCHIES["0001"].replace("*1430*0001", "*1430")


def _shipments(body: str, partner: PartnerProfile):
    result = only_result(x12("856", body), partner)
    assert result.ok, [str(i) for i in result.issues]
    return result.documents


def test_856_hierarchies_0001_0002_0004_give_the_same_shipments(acme: PartnerProfile) -> None:
    translated = {name: _shipments(body, acme) for name, body in HIERARCHIES.items()}
    first, second = translated["0001"]
    assert (first.order.number, second.order.number) == ("PO-1", "PO-2")
    assert [(l.line_id, l.sku, l.quantity) for l in first.lines] == [("1", "SKU-A", 8), ("2", "SKU-B", 2)]
    assert [(p.sscc, p.tracking_number, [(l.sku, l.quantity) for l in p.lines]) for p in first.packages] == [
        (CARTON_1, "1Z001", [("SKU-A", 5), ("SKU-B", 2)]),
        (CARTON_2, "1Z002", [("SKU-A", 3)]),
    ]
    assert [(l.sku, l.quantity) for l in second.lines] == [("SKU-C", 1)] and second.packages == []
    assert first.carrier is not None and first.carrier.scac == "UPSN" and first.service == "Ground"
    assert first.tracking_number == "SHIP-TRACK"
    assert first.shipped_at == datetime(2026, 2, 20, 14, 30, tzinfo=ZoneInfo("America/Chicago"))
    assert first.ship_from_location_id == "acme-dallas"  # N1*SF DC01 through Acme's location codes
    for name, shipments in translated.items():
        assert [shipment_facts(s, acme) for s in shipments] == [shipment_facts(s, acme) for s in translated["0001"]], name
    assert translated["0001"] == translated["no BSN05"]


@pytest.mark.parametrize("structure", ["0001", "0002", "0004"])
async def test_rendered_856_in_each_structure_reads_back_as_the_same_shipments(acme: PartnerProfile, structure: str) -> None:
    shipments = _shipments(HIERARCHIES["0001"], acme)
    rendered = render_856(shipments, acme, shipment_id="ASN-1", structure=structure)  # type: ignore[arg-type]
    text = await render_interchange([rendered], _receiving(acme), SequentialControlNumbers())
    read_back = documents_of(translate_text(text, acme))
    assert [shipment_facts(s, acme) for s in read_back] == [shipment_facts(s, acme) for s in shipments]
    levels = [segment.split("*")[3] for segment in text.split("~") if segment.startswith("HL*")]
    expected = {"0001": "SOPIIPIOI", "0002": "SOIPPIPOI", "0004": "SOIIIOI"}[structure]
    assert "".join(levels) == expected
    ctt = next(segment for segment in text.split("~") if segment.startswith("CTT*"))
    assert ctt.split("*")[1] == str(len(levels))


def test_a_tare_level_is_a_package_of_its_own(acme: PartnerProfile) -> None:
    body = f"""
    BSN*00*ASN-2*20260220*1430*0001
    {SHIPMENT_LEVEL}
    HL*2*1*O
    PRF*PO-9
    HL*3*2*T
    MAN*GM*{PALLET}
    HL*4*3*P
    MAN*GM*{CARTON_1}
    HL*5*4*I
    LIN*1*BP*SKU-A
    SN1*1*4*EA
    """
    (shipment,) = _shipments(body, acme)
    assert [(p.sscc, [(l.sku, l.quantity) for l in p.lines]) for p in shipment.packages] == [
        (PALLET, []),
        (CARTON_1, [("SKU-A", 4)]),
    ]


def test_a_bad_sscc_withholds_only_its_order(acme: PartnerProfile) -> None:
    wrong = CARTON_2[:-1] + str((int(CARTON_2[-1]) + 1) % 10)
    broken = HIERARCHIES["0001"].replace(f"MAN*GM*{CARTON_2}", f"MAN*GM*{wrong}")
    result = only_result(x12("856", broken), acme)
    assert [s.order.number for s in result.documents] == ["PO-2"]
    (error,) = result.errors
    assert (error.segment_id, error.element_position, error.code) == ("MAN", 2, "bad-sscc")
    assert f"MAN02 '{wrong}' is not a valid SSCC-18" in error.message


def test_shipments_that_did_not_leave_together_cannot_share_an_856(acme: PartnerProfile) -> None:
    first, second = _shipments(HIERARCHIES["0001"], acme)
    later = second.model_copy(update={"shipped_at": datetime(2026, 2, 21, tzinfo=ZoneInfo("UTC"))})
    with pytest.raises(X12WriteError, match="ship date"):
        render_856([first, later], acme)


def test_packages_holding_more_than_the_shipment_lines_are_refused(acme: PartnerProfile) -> None:
    first, _ = _shipments(HIERARCHIES["0001"], acme)
    short = first.model_copy(update={"lines": first.lines[:1]})
    with pytest.raises(X12WriteError, match="packages hold 2 of SKU-B"):
        render_856([short], acme)


def _receiving(partner: PartnerProfile) -> PartnerProfile:
    """The same partner set up to receive 856s (Acme only sends them; the tests write them as Acme would)."""
    return partner.model_copy(update={"documents": partner.documents.model_copy(update={"outbound": ["856"]})})


def test_an_order_level_without_items_is_reported_as_such(acme: PartnerProfile) -> None:
    body = "BSN*00*ASN-3*20260220*1430\nHL*1**S\nDTM*011*20260220\nHL*2*1*O\nPRF*PO-7"
    result = only_result(x12("856", body), acme)
    assert result.documents == []
    assert [(e.segment_id, e.segment_position, e.message) for e in result.errors] == [
        ("HL", 5, "HL at segment 5: the order level has no item levels (HL03 'I') with units under it")
    ]
