"""Interchange and group envelope segments (ISA/IEA, GS/GE, ST/SE, TA1).

The control maps use these with the full retail code lists; each transaction map reuses them with
GS01, GS08 and ST01 pinned to what that map validates, so a group whose GS01 does not pair with
its ST01 (an 855 inside a PO group) is reported at the ST segment.
"""

from __future__ import annotations

from typing import Literal

from . import code_lists as codes
from .model import M, O, SegmentDef

Version = Literal["4010", "5010"]

ICVN: dict[Version, str] = {"4010": "00401", "5010": "00501"}


def isa(version: Version) -> SegmentDef:
    """ISA with every X12 qualifier a retail partner may send; ISA11 differs by release."""
    isa11 = M("I10", codes=("U",)) if version == "4010" else M("I65")
    return SegmentDef(
        "ISA",
        "Interchange Control Header",
        (
            M("I01", codes=codes.AUTHORIZATION_QUALIFIERS),
            M("I02"),
            M("I03", codes=codes.SECURITY_QUALIFIERS),
            M("I04"),
            M("I05", codes=codes.INTERCHANGE_ID_QUALIFIERS),
            M("I06"),
            M("I05", codes=codes.INTERCHANGE_ID_QUALIFIERS),
            M("I07"),
            M("I08"),
            M("I09"),
            isa11,
            M("I11", codes=(ICVN[version],)),
            M("I12"),
            M("I13", codes=codes.ACK_REQUESTED),
            M("I14", codes=codes.USAGE_INDICATORS),
            M("I15"),
        ),
    )


def gs(functional_ids: tuple[str, ...], versions: tuple[str, ...]) -> SegmentDef:
    return SegmentDef(
        "GS",
        "Functional Group Header",
        (
            M("479", codes=functional_ids),
            M("142"),
            M("124"),
            M("373"),
            M("337"),
            M("28"),
            M("455", codes=codes.RESPONSIBLE_AGENCY_CODES),
            M("480", codes=versions),
        ),
    )


GE = SegmentDef("GE", "Functional Group Trailer", (M("97"), M("28")))
IEA = SegmentDef("IEA", "Interchange Control Trailer", (M("I16"), M("I12")))
TA1 = SegmentDef(
    "TA1",
    "Interchange Acknowledgment",
    (
        M("I12"),
        M("I08"),
        M("I09"),
        M("I17", codes=codes.INTERCHANGE_ACK_CODES),
        M("I18", codes=codes.INTERCHANGE_NOTE_CODES),
    ),
)


def st(version: Version, transaction_set: str) -> SegmentDef:
    """ST01 is checked against an external one-code list rather than inline codes.

    Inline codes on a segment's first element decide whether pyx12 recognises the segment at
    all; an ST it does not recognise opens no transaction set in pyx12's error tree, and every
    error in that set is then silently dropped (an 855 inside a PO group would pass).  With an
    external list the ST is always opened and a wrong ST01 is reported as an element error.
    """
    elements = (M("143", external=codes.transaction_set_code_set_id(transaction_set)), M("329"))
    if version == "5010":
        elements += (O("1705"),)
    return SegmentDef("ST", "Transaction Set Header", elements)


SE = SegmentDef("SE", "Transaction Set Trailer", (M("96"), M("329")))
