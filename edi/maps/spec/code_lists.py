"""The code lists the retail maps enforce, and why only these.

Enforced: envelope qualifiers, acknowledgment codes and a few short, closed lists whose values
change what a document means (transaction set purpose, acknowledgment type, line item status,
allowance/charge indicator, item description type).  Not enforced: the open-ended qualifier
lists partners extend freely (entity identifiers 98, reference qualifiers 128, date qualifiers
374, units 355, product ID qualifiers 235, purchase order types 92, quantity qualifiers 673);
those are checked for type and length only, so a partner-specific qualifier never rejects a file.

``CODE_SETS`` become ``codes.xml`` and are referenced with ``external=``; tuples below are used
inline in the maps.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeSet:
    id: str
    name: str
    data_ele: str
    codes: tuple[str, ...]


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FUNCTIONAL_IDENTIFIER_CODES = _codes(
    """
    AA AB AD AF AG AH AI AL AN AO AP AQ AR AS AT AU AV AW AY AZ
    BA BB BC BD BE BF BL BS CA CB CC CD CE CF CH CI CJ CK CM CN CO CP CQ CR CS CT CU CV
    D3 D4 D5 DA DD DF DI DM DS DX EC ED EI EN EP ER ES EV EX
    FA FB FC FG FR FT GC GE GF GL GP GR GT HB HC HI HN HP HR HS
    IA IB IC ID IE IG IH IJ IM IN IO IR IS JB KM LA LB LI LN LR LS LT
    MA MC MD ME MF MG MH MI MJ MK MM MN MO MP MQ MR MS MT MV MW MZ
    NC NL NP NR NT OC OG OR OW PA PB PC PD PE PF PG PH PI PJ PK PL PN PO PQ PR PS PT PU PV PY
    QG QM QO RA RB RC RD RE RF RG RH RI RJ RK RL RM RN RO RP RQ RR RS RT RU RV RW RY RZ
    SA SB SC SD SE SH SI SJ SL SM SN SO SP SQ SR SS ST SU SV SW
    TA TB TD TF TI TJ TM TN TO TP TR TS TT TX UA UB UC UD UI UP UW
    VA VB VC VD VE VH VI VS WA WB WG WI WL WR WT
    """
)
"""GS01 / AK101 functional identifiers, retail and logistics heavy (997s acknowledge them)."""

TRANSACTION_SET_PURPOSE_CODES = _codes(
    """
    00 01 02 03 04 05 06 07 08 10 11 12 13 14 15 16 17 18 19 20 21 22 24 25 26 27 28 30
    31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 5C 77
    CN CO EX GR PR RH RV SU ZZ
    """
)

ACKNOWLEDGMENT_TYPE_CODES = _codes("AC AD AE AH AK AP AT NA RD RF RJ RN RO RV ZZ")

LINE_ITEM_STATUS_CODES = _codes(
    """
    AA AC AR BP CA CB CC CD CE CF CG CH CI CK CM CN CP CS CT CU DR ID IA IB IC IE IF IH IP
    IQ IR IS IW R1 R2 R3 R4 R5 R6 R7 R8 RC RD RE RF RH RO RQ RR SP
    """
)

ALLOWANCE_OR_CHARGE_INDICATORS = _codes("A C N P Q R S")

ITEM_DESCRIPTION_TYPES = _codes("F S X")

FUNCTIONAL_GROUP_ACK_CODES = _codes("A E M P R W X")
TRANSACTION_SET_ACK_CODES = _codes("A E M R W X")

TRANSACTION_SETS = ("850", "855", "856", "846", "810", "997", "999")


def transaction_set_code_set_id(transaction_set: str) -> str:
    """The one-code list a transaction map checks ST01 against (see ``envelope.st``)."""
    return f"ts{transaction_set}"


CODE_SETS: tuple[CodeSet, ...] = (
    CodeSet("479", "Functional Identifier Code", "479", FUNCTIONAL_IDENTIFIER_CODES),
    CodeSet("353", "Transaction Set Purpose Code", "353", TRANSACTION_SET_PURPOSE_CODES),
    CodeSet("587", "Acknowledgment Type", "587", ACKNOWLEDGMENT_TYPE_CODES),
    CodeSet("668", "Line Item Status Code", "668", LINE_ITEM_STATUS_CODES),
    CodeSet("248", "Allowance or Charge Indicator", "248", ALLOWANCE_OR_CHARGE_INDICATORS),
    CodeSet("349", "Item Description Type", "349", ITEM_DESCRIPTION_TYPES),
    CodeSet("715", "Functional Group Acknowledge Code", "715", FUNCTIONAL_GROUP_ACK_CODES),
    CodeSet("717", "Transaction Set Acknowledgment Code", "717", TRANSACTION_SET_ACK_CODES),
    *(
        CodeSet(transaction_set_code_set_id(ts), f"Transaction Set Identifier Code of the {ts} map", "143", (ts,))
        for ts in TRANSACTION_SETS
    ),
)

# --- envelope (inline in the control maps) --------------------------------------------------

AUTHORIZATION_QUALIFIERS = _codes("00 01 02 03 04 05 06")
SECURITY_QUALIFIERS = _codes("00 01")
INTERCHANGE_ID_QUALIFIERS = _codes(
    """
    01 02 03 04 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30
    31 32 33 34 35 36 37 38 AM NR SA SN ZZ
    """
)
ACK_REQUESTED = _codes("0 1")
USAGE_INDICATORS = _codes("I P T")
RESPONSIBLE_AGENCY_CODES = _codes("T X")
INTERCHANGE_ACK_CODES = _codes("A E R")
INTERCHANGE_NOTE_CODES = tuple(f"{n:03d}" for n in range(0, 32))

# --- acknowledgment detail codes (union of 004010 and 005010) ------------------------------

SEGMENT_SYNTAX_ERROR_CODES = _codes("1 2 3 4 5 6 7 8 I4 I6 I7 I8 I9")
ELEMENT_SYNTAX_ERROR_CODES = _codes("1 2 3 4 5 6 7 8 9 10 12 13 I10 I11 I12 I13 I6 I9")
TRANSACTION_SET_SYNTAX_ERROR_CODES = _codes(
    "1 2 3 4 5 6 7 8 9 10 11 12 13 15 16 17 18 19 23 24 25 26 27 I5 I6"
)
GROUP_SYNTAX_ERROR_CODES = _codes("1 2 3 4 5 6 10 11 12 13 14 15 16 17 18 19 23 24 25 26")

HL_LEVEL_CODES = _codes("S O T P I")
"""856 levels: shipment, order, tare, pack, item (HL03)."""
