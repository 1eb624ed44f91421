"""Transaction set structures: 850, 855, 856, 846, 810, 997 (004010 and 005010) and 999 (005010).

Order, usage and repeat counts follow the X12 tables; the header, detail and summary tables are
laid out in one sequence (pyx12 only needs positions to increase), so a missing BEG is reported
as "BEG missing" instead of hiding every header segment behind a table wrapper.  The subset of
segments is what retail partners send; exotic ones (LM/LQ, SPI, LDT, LH1 hazmat detail, V1 ...)
are left out and would be reported as segments not found.  005010 differs in N9 loops (MTX next
to MSG) and an unbounded header TD5 in the 850.
"""

from __future__ import annotations

from .model import Loop, Seg, TransactionDef
from .envelope import Version

UNBOUNDED = None


def S(seg_id: str, max_use: int | None = 1, **kwargs: object) -> Seg:
    """A situational segment."""
    return Seg(seg_id, "S", max_use, **kwargs)  # type: ignore[arg-type]


def R(seg_id: str, max_use: int | None = 1, **kwargs: object) -> Seg:
    """A required segment."""
    return Seg(seg_id, "R", max_use, **kwargs)  # type: ignore[arg-type]


def loop(loop_id: str, usage: str, repeat: int | None, *children: Seg | Loop) -> Loop:
    return Loop(loop_id, usage, repeat, children)  # type: ignore[arg-type]


def _text(version: Version, max_use: int | None) -> tuple[Seg, ...]:
    """Free-form text: MSG in 004010; 005010 moved to MTX, but partners still send MSG."""
    if version == "4010":
        return (S("MSG", max_use),)
    return (S("MSG", max_use), S("MTX", UNBOUNDED))


def _carrier_details(td1: int = 2) -> tuple[Seg, ...]:
    return (S("TD1", td1), S("TD5", 12), S("TD3", 12), S("TD4", 5))


def _name_loop(repeat: int, *extra: Seg, n4: int | None = 1) -> Loop:
    """N1 loop with any entity code (ST, BT, VN, SF ...): one loop, qualifiers not restricted."""
    return loop("N1", "S", repeat, R("N1"), S("N2", 2), S("N3", 2), S("N4", n4), *extra)


def _n9_loop(version: Version, *extra: Seg) -> Loop:
    return loop("N9", "S", 1000, R("N9"), S("DTM", UNBOUNDED), *extra, *_text(version, 1000))


def purchase_order(version: Version) -> TransactionDef:
    header_td5 = S("TD5", 12 if version == "4010" else UNBOUNDED)
    line = loop(
        "PO1", "R", 100000,
        R("PO1"), S("LIN", UNBOUNDED), S("CUR"), S("PO3", 25),
        loop("CTP", "S", UNBOUNDED, R("CTP"), S("CUR")),
        S("MEA", 40),
        loop("PID", "S", 1000, R("PID"), S("MEA", 10)),
        S("PWK", 25), S("PO4", UNBOUNDED), S("REF", UNBOUNDED), S("PER", 3),
        loop("SAC", "S", 25, R("SAC"), S("CUR"), S("CTP")),
        S("CSH", UNBOUNDED), S("ITD", 2), S("TAX", UNBOUNDED), S("FOB", UNBOUNDED), S("SDQ", 500),
        S("DTM", 10), *_carrier_details(td1=1), S("MAN", 10), *_text(version, UNBOUNDED),
        S("TXI", UNBOUNDED),
        loop("QTY", "S", UNBOUNDED, R("QTY")),
        loop("SCH", "S", 200, R("SCH"), *_carrier_details(), S("REF", UNBOUNDED)),
        loop("PKG", "S", 200, R("PKG"), S("MEA", UNBOUNDED)),
        _n9_loop(version, S("MEA", 40)),
        _name_loop(200, S("QTY", UNBOUNDED), S("REF", 12), S("PER", 3), S("DTM"), S("FOB"),
                   S("SCH", 200), *_carrier_details(), S("PKG", 200)),
        loop("SLN", "S", 1000,
             R("SLN"), *_text(version, UNBOUNDED), S("PID", 1000), S("PO3", 104), S("DTM", 10),
             S("CTP", 25), S("PO4"), S("TAX", 3),
             loop("N9", "S", UNBOUNDED, R("N9"), S("DTM", UNBOUNDED), *_text(version, UNBOUNDED)),
             loop("SAC", "S", 25, R("SAC"), S("CUR"), S("CTP")),
             loop("QTY", "S", UNBOUNDED, R("QTY")),
             _name_loop(10, S("REF", 12), S("PER", 3))),
        loop("AMT", "S", UNBOUNDED, R("AMT"), S("REF", UNBOUNDED)),
    )
    body = (
        R("BEG"), S("CUR"), S("REF", UNBOUNDED), S("PER", 3), S("TAX", UNBOUNDED),
        S("FOB", UNBOUNDED), S("CTP", UNBOUNDED), S("CSH", 5),
        loop("SAC", "S", 25, R("SAC"), S("CUR")),
        S("ITD", UNBOUNDED), S("DTM", 10), S("PID", 200), S("MEA", 40), S("PWK", 25), S("PKG", 200),
        S("TD1", 2), header_td5, S("TD3", 12), S("TD4", 5), S("MAN", 10), S("TXI", UNBOUNDED),
        loop("AMT", "S", UNBOUNDED, R("AMT"), S("REF", UNBOUNDED), S("DTM")),
        _n9_loop(version),
        _name_loop(200, S("REF", 12), S("PER", UNBOUNDED), S("FOB"), *_carrier_details(),
                   S("PKG", 200), n4=UNBOUNDED),
        line,
        loop("CTT", "S", 1, R("CTT"), S("AMT")),
    )
    return TransactionDef("850", "Purchase Order", version, body)


def purchase_order_acknowledgment(version: Version) -> TransactionDef:
    line = loop(
        "PO1", "S", 100000,
        R("PO1"), S("LIN", UNBOUNDED), S("CUR"), S("PO3", 25), S("CTP", UNBOUNDED), S("MEA", 40),
        loop("PID", "S", 1000, R("PID"), S("MEA", 10)),
        S("PWK", 25), S("PO4", UNBOUNDED), S("REF", UNBOUNDED), S("PER", 3),
        loop("SAC", "S", 25, R("SAC"), S("CUR")),
        S("CSH", UNBOUNDED), S("ITD", 2), S("TAX", UNBOUNDED), S("FOB", UNBOUNDED), S("SDQ", 500),
        S("DTM", 10), *_carrier_details(td1=1),
        loop("ACK", "S", 104, R("ACK"), S("DTM")),
        S("MAN", 10), S("AMT"), S("TXI", UNBOUNDED),
        loop("QTY", "S", UNBOUNDED, R("QTY")),
        loop("PKG", "S", 200, R("PKG"), S("MEA", UNBOUNDED)),
        loop("SCH", "S", 200, R("SCH"), *_carrier_details(), S("REF", UNBOUNDED)),
        _n9_loop(version),
        _name_loop(200, S("REF", 12), S("PER", 3), S("DTM"), S("FOB"), S("SCH", 200),
                   *_carrier_details(), S("QTY", UNBOUNDED), S("PKG", 25)),
        loop("SLN", "S", 1000,
             R("SLN"), *_text(version, UNBOUNDED), S("PID", 1000), S("PO3", 25), S("CTP", 25),
             S("ACK", 104),
             loop("SAC", "S", 10, R("SAC"), S("CUR")),
             S("DTM", 10), S("PO4"), S("TAX", 3),
             loop("QTY", "S", UNBOUNDED, R("QTY")),
             loop("N9", "S", UNBOUNDED, R("N9"), S("DTM", UNBOUNDED), *_text(version, UNBOUNDED)),
             _name_loop(10, S("REF", 12), S("PER", 3))),
    )
    body = (
        R("BAK"), S("CUR"), S("REF", UNBOUNDED), S("PER", 3), S("TAX", UNBOUNDED),
        S("FOB", UNBOUNDED), S("CTP", UNBOUNDED), S("CSH"),
        loop("SAC", "S", 25, R("SAC"), S("CUR")),
        S("ITD", 5), S("DTM", 10), S("PID", 200), S("MEA", 40), S("PWK", 25), S("PKG", 25),
        *_carrier_details(), S("MAN", 10), S("TXI", UNBOUNDED),
        _n9_loop(version),
        _name_loop(200, S("REF", 12), S("PER", UNBOUNDED), S("FOB"), *_carrier_details(),
                   S("PKG", 25), *(() if version == "4010" else (S("MTX", UNBOUNDED),))),
        line,
        loop("CTT", "S", 1, R("CTT"), S("AMT")),
    )
    return TransactionDef("855", "Purchase Order Acknowledgment", version, body)


def ship_notice(version: Version) -> TransactionDef:
    """856: one HL loop whose HL03 is a shipment, order, tare, pack or item level.

    X12 defines the hierarchy through HL01/HL02, not through nested loops, so every level shares
    one loop; pyx12's reader checks the HL numbering and parents, Crossdock checks the level order
    a partner's BSN05 structure code promises.
    """
    hierarchy = loop(
        "HL", "R", 200000,
        R("HL", codes={3: ("S", "O", "T", "P", "I")}),
        S("LIN"), S("SN1"), S("SLN", 1000), S("PRF"), S("PO4"), S("PID", 200), S("MEA", 40),
        S("PWK", 25), S("PKG", 25), S("TD1", 20), S("TD5", 12), S("TD3", 12), S("TD4", 5),
        S("REF", UNBOUNDED), S("PER", 3), S("MAN", UNBOUNDED), S("DTM", 10), S("FOB"),
        _name_loop(200, S("REF", 12), S("PER", 3), S("FOB")),
        S("SDQ", 50), S("CUR"),
        loop("SAC", "S", UNBOUNDED, R("SAC"), S("CUR")),
    )
    body = (R("BSN"), S("DTM", 10), hierarchy, S("CTT"))
    return TransactionDef("856", "Ship Notice/Manifest", version, body)


def inventory_advice(version: Version) -> TransactionDef:
    item = loop(
        "LIN", "R", 10000,
        R("LIN"), S("PID", 200), S("MEA", 40), S("PKG", 25), S("DTM", 10), S("CTP", 25), S("CUR"),
        S("SAC", 25), S("REF", UNBOUNDED), S("PER", 3), S("SDQ", 500), S("MAN"), S("UIT", 5),
        loop("SLN", "S", 1000, R("SLN"), S("PID", 200), S("MEA", 40), S("PKG", 25)),
        loop("QTY", "S", 99,
             R("QTY"), S("UIT", 12), S("MEA", 25), S("DTM", 10),
             loop("SCH", "S", 25, R("SCH"), S("MEA", 25))),
        _name_loop(200, S("REF", 12), S("PER", 3)),
    )
    body = (
        R("BIA"), S("CUR"), S("DTM", 10), S("REF", 12), S("PER", 3), S("MEA", 20),
        _name_loop(5, S("REF", 12), S("PER", 3)),
        item,
        S("CTT"),
    )
    return TransactionDef("846", "Inventory Inquiry/Advice", version, body)


def invoice(version: Version) -> TransactionDef:
    line = loop(
        "IT1", "S", 200000,
        R("IT1"), S("QTY", 5), S("CUR"), S("TXI", 10), S("CTP", 25), S("MEA", 40),
        loop("PID", "S", 1000, R("PID"), S("MEA", 10)),
        S("PWK", 25), S("PKG", 25), S("PO4"), S("ITD", 2), S("REF", UNBOUNDED), S("PER", 5),
        S("SDQ", 500), S("DTM", 10), S("CAD", UNBOUNDED),
        loop("SAC", "S", 25, R("SAC"), S("TXI", 10)),
        loop("SLN", "S", 1000, R("SLN"), S("DTM"), S("REF", UNBOUNDED), S("PID", 1000),
             S("SAC", 25), S("TXI", 10)),
        _name_loop(200, S("REF", 12), S("PER", 3)),
    )
    body = (
        R("BIG"), S("NTE", 100), S("CUR"), S("REF", 12), S("PER", 3),
        _name_loop(200, S("REF", 12), S("PER", 3)),
        S("ITD", UNBOUNDED), S("DTM", 10), S("FOB"), S("PID", 200), S("MEA", 40), S("PWK", 25),
        S("PKG", 25),
        loop("N9", "S", 1, R("N9"), S("MSG", 10)),
        line,
        R("TDS"), S("TXI", 10), S("CAD"), S("AMT", UNBOUNDED),
        loop("SAC", "S", 25, R("SAC"), S("TXI", 10)),
        loop("ISS", "S", UNBOUNDED, R("ISS"), S("PID")),
        S("CTT"),
    )
    return TransactionDef("810", "Invoice", version, body)


def functional_acknowledgment(version: Version) -> TransactionDef:
    """997 for any functional group (PO, PR, SH, IB, IN ... not only healthcare)."""
    body = (
        R("AK1"),
        loop("AK2", "S", 999999,
             R("AK2"),
             loop("AK3", "S", 999999, R("AK3"), S("AK4", 99)),
             R("AK5")),
        R("AK9"),
    )
    return TransactionDef("997", "Functional Acknowledgment", version, body)


def implementation_acknowledgment() -> TransactionDef:
    body = (
        R("AK1"),
        loop("AK2", "S", UNBOUNDED,
             R("AK2"),
             loop("IK3", "S", UNBOUNDED,
                  R("IK3"), S("CTX", 10),
                  loop("IK4", "S", UNBOUNDED, R("IK4"), S("CTX", 10))),
             R("IK5")),
        R("AK9"),
    )
    return TransactionDef("999", "Implementation Acknowledgment", "5010", body)


RETAIL_TRANSACTIONS = (
    purchase_order,
    purchase_order_acknowledgment,
    ship_notice,
    inventory_advice,
    invoice,
    functional_acknowledgment,
)
