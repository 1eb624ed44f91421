"""Builds small, correct retail X12 interchanges for the map tests.

Segments are given as tuples of element values; the builder adds ST/SE, GS/GE and a fixed-width
ISA/IEA with correct counts and control numbers, so a test states only the business content and
then breaks exactly one thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Segment = Sequence[str]

FUNCTIONAL_ID = {"850": "PO", "855": "PR", "856": "SH", "846": "IB", "810": "IN", "997": "FA", "999": "FA"}


@dataclass(frozen=True)
class Release:
    """ISA12/GS08 pair a partner sends, and the ISA11 that goes with the ISA12."""

    icvn: str
    gs08: str
    isa11: str


RELEASES = {
    "4010": Release("00401", "004010", "U"),
    "vics": Release("00401", "004010VICS", "U"),
    "5010": Release("00501", "005010", "^"),
}


def segment_text(segment: Segment) -> str:
    return "*".join(segment)


def isa(
    release: Release,
    control_number: str,
    *,
    auth_qualifier: str = "00",
    sender_qualifier: str = "ZZ",
    sender: str = "CROSSDOCK",
    receiver_qualifier: str = "ZZ",
    receiver: str = "RETAILER",
    usage: str = "P",
) -> Segment:
    auth_info = "" if auth_qualifier == "00" else "PASSWORD1"
    return (
        "ISA", auth_qualifier, auth_info.ljust(10), "00", " " * 10,
        sender_qualifier, sender.ljust(15), receiver_qualifier, receiver.ljust(15),
        "240105", "1200", release.isa11, release.icvn, control_number, "0", usage, ">",
    )


def interchange(
    version: str,
    transaction_set: str,
    bodies: Iterable[Iterable[Segment]],
    *,
    control_number: str = "000000101",
    group_number: str = "101",
    responsible_agency: str = "X",
    se_count_adjustment: int = 0,
    **isa_fields: str,
) -> str:
    """One interchange with one functional group holding one transaction set per body."""
    release = RELEASES[version]
    gs08 = release.gs08
    if transaction_set == "999":
        gs08 = "005010X231A1"
    segments: list[Segment] = [
        isa(release, control_number, **isa_fields),
        ("GS", FUNCTIONAL_ID[transaction_set], "CROSSDOCK", "RETAILER", "20240105", "1200", group_number,
         responsible_agency, gs08),
    ]
    count = 0
    for count, body in enumerate(bodies, start=1):
        st02 = f"{count:04d}"
        content = list(body)
        segments.append(("ST", transaction_set, st02))
        segments += content
        segments.append(("SE", str(len(content) + 2 + se_count_adjustment), st02))
    segments.append(("GE", str(count), group_number))
    segments.append(("IEA", "1", control_number))
    text = "~\n".join(segment_text(s) for s in segments) + "~\n"
    assert len(text.split("~", 1)[0]) == 105, "ISA must be fixed width"
    return text


def purchase_order(version: str) -> list[Segment]:
    notes: list[Segment] = [("N9", "ZZ", "NOTES"), ("MSG", "PLEASE SHIP COMPLETE")]
    if version == "5010":
        notes.append(("MTX", "GEN", "GIFT WRAP ITEM 2"))
    return [
        ("BEG", "00", "SA", "PO1001", "", "20240105"),
        ("CUR", "BY", "USD"),
        ("REF", "DP", "038"),
        ("REF", "IA", "VENDOR-77"),
        ("PER", "BD", "JANE BUYER", "TE", "5555551212", "EM", "jane@example.com"),
        ("FOB", "PP"),
        ("SAC", "C", "D240", "", "", "1500"),
        ("ITD", "01", "3", "2", "", "30", "", "60"),
        ("DTM", "002", "20240115"),
        ("TD5", "O", "2", "UPSN", "M"),
        *notes,
        ("N1", "ST", "STORE 12", "92", "0012"),
        ("N3", "1 MAIN ST"),
        ("N4", "SPRINGFIELD", "IL", "62701", "US"),
        ("N1", "BT", "RETAILER INC", "92", "0001"),
        ("PO1", "1", "12", "EA", "9.99", "PE", "UP", "012345678905", "VN", "SKU-1"),
        ("CTP", "", "RES", "19.99"),
        ("PID", "F", "", "", "", "BLUE WIDGET"),
        ("PO4", "6", "1", "EA"),
        ("SDQ", "EA", "92", "0012", "6", "0013", "6"),
        ("DTM", "010", "20240120"),
        ("PO1", "2", "6", "CA", "48.00", "PE", "UP", "012345678912", "VN", "SKU-2"),
        ("PID", "F", "", "", "", "RED WIDGET CASE"),
        ("CTT", "2", "18"),
        ("AMT", "TT", "407.88"),
    ]


def purchase_order_acknowledgment(version: str) -> list[Segment]:
    return [
        ("BAK", "00", "AC", "PO1001", "20240106"),
        ("REF", "VN", "SO-77"),
        ("N1", "ST", "STORE 12", "92", "0012"),
        ("PO1", "1", "12", "EA", "9.99", "PE", "UP", "012345678905", "VN", "SKU-1"),
        ("ACK", "IA", "12", "EA", "068", "20240120"),
        ("PO1", "2", "6", "CA", "48.00", "PE", "UP", "012345678912", "VN", "SKU-2"),
        ("ACK", "IB", "6", "CA", "068", "20240201"),
        ("CTT", "2", "18"),
    ]


def ship_notice(version: str) -> list[Segment]:
    return [
        ("BSN", "00", "SHIP1001", "20240110", "1200", "0001"),
        ("DTM", "011", "20240110"),
        ("HL", "1", "", "S"),
        ("TD1", "CTN25", "2", "", "", "", "G", "20", "LB"),
        ("TD5", "", "2", "UPSN"),
        ("REF", "BM", "BOL123"),
        ("N1", "ST", "STORE 12", "92", "0012"),
        ("N1", "SF", "DISTRIBUTION CENTER", "92", "DC1"),
        ("HL", "2", "1", "O"),
        ("PRF", "PO1001"),
        ("HL", "3", "2", "P"),
        ("MAN", "GM", "00012345678901234567"),
        ("HL", "4", "3", "I"),
        ("LIN", "", "UP", "012345678905", "VN", "SKU-1"),
        ("SN1", "", "12", "EA"),
        ("PID", "F", "", "", "", "BLUE WIDGET"),
        ("CTT", "4", "12"),
    ]


def inventory_advice(version: str) -> list[Segment]:
    return [
        ("BIA", "00", "SI", "INV20240110", "20240110"),
        ("DTM", "007", "20240110"),
        ("N1", "SU", "SUPPLIER", "92", "S1"),
        ("LIN", "", "UP", "012345678905", "VN", "SKU-1"),
        ("PID", "F", "", "", "", "BLUE WIDGET"),
        ("CTP", "", "RES", "19.99"),
        ("QTY", "33", "120", "EA"),
        ("SCH", "40", "EA", "", "", "018", "20240201"),
        ("LIN", "", "UP", "012345678912", "VN", "SKU-2"),
        ("QTY", "17", "5", "EA"),
        ("CTT", "2"),
    ]


def invoice(version: str) -> list[Segment]:
    return [
        ("BIG", "20240112", "INV1001", "20240105", "PO1001"),
        ("REF", "IA", "VENDOR-77"),
        ("N1", "RE", "SUPPLIER", "92", "S1"),
        ("N1", "ST", "STORE 12", "92", "0012"),
        ("N3", "1 MAIN ST"),
        ("N4", "SPRINGFIELD", "IL", "62701"),
        ("ITD", "01", "3", "2", "", "30", "", "60"),
        ("DTM", "011", "20240110"),
        ("IT1", "1", "12", "EA", "9.99", "", "UP", "012345678905", "VN", "SKU-1"),
        ("PID", "F", "", "", "", "BLUE WIDGET"),
        ("TDS", "11988"),
        ("CAD", "M", "", "", "UPSN", "UPS GROUND"),
        ("SAC", "C", "D240", "", "", "1500"),
        ("ISS", "12", "EA"),
        ("CTT", "1"),
    ]


def functional_acknowledgment(version: str) -> list[Segment]:
    if version == "5010":
        return [
            ("AK1", "SH", "1001", "005010"),
            ("AK2", "856", "0001"),
            ("AK3", "SN1", "15", "HL", "8"),
            ("AK4", "2", "382", "4", "12A"),
            ("AK5", "R", "5"),
            ("AK9", "R", "1", "1", "0"),
        ]
    return [
        ("AK1", "PO", "1001"),
        ("AK2", "850", "0001"),
        ("AK5", "A"),
        ("AK2", "850", "0002"),
        ("AK3", "PO1", "7", "", "8"),
        ("AK4", "3", "355", "7", "XX"),
        ("AK5", "R", "5"),
        ("AK9", "P", "2", "2", "1"),
    ]


def implementation_acknowledgment() -> list[Segment]:
    return [
        ("AK1", "IN", "1001", "005010"),
        ("AK2", "810", "0001"),
        ("IK3", "IT1", "9", "", "8"),
        ("CTX", "PO NUMBER>PO1001"),
        ("IK4", "3", "355", "7", "XX"),
        ("IK5", "R", "5"),
        ("AK9", "R", "1", "1", "0"),
    ]


BODIES = {
    "850": purchase_order,
    "855": purchase_order_acknowledgment,
    "856": ship_notice,
    "846": inventory_advice,
    "810": invoice,
    "997": functional_acknowledgment,
}


def document(transaction_set: str, version: str, **kwargs: object) -> str:
    """A valid interchange holding one ``transaction_set`` in ``version`` (4010, vics or 5010)."""
    body_version = "5010" if version == "5010" else "4010"
    return interchange(version, transaction_set, [BODIES[transaction_set](body_version)], **kwargs)  # type: ignore[arg-type]
