"""Crossdock's own checks on a transaction set, the ones pyx12's maps cannot express.

* **HL hierarchy**: HL01 counts 1, 2, 3 …; HL02 names an HL that came before; and in an 856 each
  level sits under the level its BSN05 structure allows (0001 shipment-order-pack-item, 0002
  shipment-order-item-pack, 0004 shipment-order-item; a tare level may sit between order and
  pack).  pyx12 checks the first two with codes of its own (``HL1``/``HL2``) that no
  acknowledgment can carry; these checks replace them.
* **CTT totals**: CTT01 is the number of line items (PO1 in an 850/855, LIN in an 846, IT1 in an
  810, HL in an 856) and an 856's CTT02 is the hash total of its SN102 quantities.  A control
  total that does not add up means lines were lost or added on the way, so it rejects the set.

Both run segment by segment in constant memory (an HL costs one dictionary entry), so they follow
the streaming reader through a set of any size.  Findings are segment-level ``8`` (segment has
data element errors), located at the element, so a 997 carries them as an AK3 naming the segment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..envelope import FunctionalGroup, Interchange, TransactionSet
from ..errors import SegmentError, X12Issue
from ..segments import Segment

__all__ = ["SetChecks", "HL_STRUCTURES", "LINE_ITEM_SEGMENT"]

HL_STRUCTURES: dict[str, dict[str, frozenset[str]]] = {
    "0001": {"S": frozenset(), "O": frozenset("S"), "T": frozenset("O"), "P": frozenset("OT"), "I": frozenset("P")},
    "0002": {"S": frozenset(), "O": frozenset("S"), "T": frozenset("O"), "I": frozenset("OT"), "P": frozenset("I")},
    "0004": {"S": frozenset(), "O": frozenset("S"), "I": frozenset("O")},
}
"""For each 856 BSN05 structure: each HL03 level and the levels it may be a child of (none: the root)."""

_STRUCTURE_NAMES = {"0001": "S-O-P-I", "0002": "S-O-I-P", "0004": "S-O-I"}
_LEVEL_NAMES = {"S": "shipment", "O": "order", "T": "tare", "P": "pack", "I": "item"}

LINE_ITEM_SEGMENT: dict[str, str] = {"850": "PO1", "855": "PO1", "846": "LIN", "810": "IT1", "856": "HL"}
"""What CTT01 counts, per transaction set."""

_HL_ELEMENTS = {1: "628", 2: "734", 3: "735"}
_CTT_ELEMENTS = {1: "354", 2: "347"}


@dataclass(slots=True)
class _Envelope:
    isa13: str | None
    gs06: str | None
    st02: str
    st01: str


class SetChecks:
    """Feed one set's segments (ST to SE) in order; :meth:`finish` gives what was wrong."""

    __slots__ = (
        "_envelope", "_issues", "_next_hl", "_levels", "_structure", "_structure_checked", "_count_id",
        "_count", "_hash", "_hash_ok", "_ctt",
    )  # fmt: skip

    def __init__(
        self, transaction_set: TransactionSet, group: FunctionalGroup | None = None, interchange: Interchange | None = None
    ) -> None:
        self._envelope = _Envelope(
            isa13=interchange.control_number if interchange is not None else None,
            gs06=group.control_number if group is not None else None,
            st02=transaction_set.control_number,
            st01=transaction_set.id,
        )
        self._issues: list[X12Issue] = []
        self._next_hl = 1
        self._levels: dict[str, str] = {}
        self._structure: dict[str, frozenset[str]] | None = None
        self._structure_checked: str | None = None
        self._count_id = LINE_ITEM_SEGMENT.get(transaction_set.id)
        self._count = 0
        self._hash = Decimal(0)
        self._hash_ok = True
        self._ctt: Segment | None = None

    # -- feeding --------------------------------------------------------------------------------
    def feed(self, segment: Segment) -> None:
        seg_id = segment.id
        if seg_id == self._count_id:
            self._count += 1
        if seg_id == "HL":
            self._on_hl(segment)
        elif seg_id == "SN1" and self._envelope.st01 == "856":
            self._add_hash(segment.element(2))
        elif seg_id == "BSN" and self._envelope.st01 == "856":
            self._on_bsn(segment)
        elif seg_id == "CTT" and self._ctt is None:
            self._ctt = segment
            self._check_ctt(segment)

    def finish(self) -> list[X12Issue]:
        return self._issues

    # -- issues ---------------------------------------------------------------------------------
    def _issue(self, segment: Segment, element: int, message: str, data_element: str | None, *, severity: str = "error",
               code: str = SegmentError.HAS_ELEMENT_ERRORS) -> None:
        position = segment.position
        envelope = self._envelope
        self._issues.append(
            X12Issue(
                level="segment",
                code=str(code),
                message=message,
                isa13=envelope.isa13,
                gs06=envelope.gs06,
                st02=envelope.st02,
                st01=envelope.st01,
                segment_id=segment.id,
                segment_position=position.in_set if position else None,
                segment_ordinal=position.in_interchange if position else None,
                line=position.line if position else None,
                byte_offset=position.byte_offset if position else None,
                element_position=element,
                data_element=data_element,
                bad_value=segment.element(element) or None,
                severity=severity,  # type: ignore[arg-type]
            )
        )

    # -- HL -------------------------------------------------------------------------------------
    def _on_bsn(self, bsn: Segment) -> None:
        code = bsn.element(5).strip()
        if not code:
            return
        self._structure_checked = code
        self._structure = HL_STRUCTURES.get(code)
        if self._structure is None:
            self._issue(
                bsn, 5,
                f"BSN05 {code!r} is not a hierarchy structure Crossdock checks (0001, 0002, 0004): "
                "only the HL numbering is checked",
                "1005", severity="warning", code="unchecked-structure",
            )  # fmt: skip

    def _on_hl(self, hl: Segment) -> None:
        number, parent, level = hl.element(1).strip(), hl.element(2).strip(), hl.element(3).strip()
        expected = self._next_hl
        if not number.isdigit():
            self._issue(hl, 1, f"HL01 {number!r} is not a number; HL {expected} was expected", _HL_ELEMENTS[1])
            self._next_hl = expected + 1
        else:
            if int(number) != expected:
                self._issue(hl, 1, f"HL01 is {number}, HL {expected} was expected (HL01 counts 1, 2, 3 … in order)", _HL_ELEMENTS[1])
            self._next_hl = int(number) + 1
        parent_level: str | None = None
        if parent:
            parent_level = self._levels.get(parent.lstrip("0") or "0")
            if parent_level is None:
                self._issue(
                    hl, 2, f"HL02 names parent {parent!r}, which is not an HL that came before this one", _HL_ELEMENTS[2]
                )
        elif self._levels:
            # A second root: legal X12 only when the structure allows it (it never does in an 856).
            if self._structure is not None:
                self._issue(hl, 2, "HL02 is empty: only the first HL (the shipment) may be without a parent", _HL_ELEMENTS[2])
        key = (number.lstrip("0") or "0") if number.isdigit() else number
        self._levels[key] = level
        self._check_level(hl, level, parent, parent_level)

    def _check_level(self, hl: Segment, level: str, parent: str, parent_level: str | None) -> None:
        structure = self._structure
        if structure is None:
            return
        code = self._structure_checked or ""
        shape = f"structure {code} ({_STRUCTURE_NAMES.get(code, code)})"
        allowed_parents = structure.get(level)
        if allowed_parents is None:
            known = ", ".join(structure)
            self._issue(hl, 3, f"HL03 {level!r} is not a level of {shape}: expected one of {known}", _HL_ELEMENTS[3])
            return
        name = _LEVEL_NAMES.get(level, level)
        if not parent:
            if allowed_parents:
                self._issue(hl, 3, f"the first level of {shape} is the shipment (S), not {name} ({level})", _HL_ELEMENTS[3])
            return
        if parent_level is None:
            return  # the missing parent is already reported
        if parent_level not in allowed_parents:
            wanted = " or ".join(f"{_LEVEL_NAMES.get(p, p)} ({p})" for p in sorted(allowed_parents)) or "nothing"
            self._issue(
                hl, 3,
                f"in {shape} the {name} level ({level}) belongs under {wanted}, "
                f"but its parent HL {parent} is {_LEVEL_NAMES.get(parent_level, parent_level)} ({parent_level})",
                _HL_ELEMENTS[3],
            )  # fmt: skip

    # -- CTT ------------------------------------------------------------------------------------
    def _add_hash(self, value: str) -> None:
        value = value.strip()
        if not value:
            return
        try:
            self._hash += Decimal(value)
        except (InvalidOperation, ValueError):
            self._hash_ok = False  # the bad quantity is pyx12's to report; a hash over it means nothing

    def _check_ctt(self, ctt: Segment) -> None:
        counted_id = self._count_id
        if counted_id is None:
            return
        declared = ctt.element(1).strip()
        what = {"HL": "HL levels", "LIN": "LIN items", "IT1": "IT1 lines", "PO1": "PO1 lines"}[counted_id]
        if not declared.isdigit():
            if declared:
                self._issue(ctt, 1, f"CTT01 {declared!r} is not a count of {what}", _CTT_ELEMENTS[1])
        elif int(declared) != self._count:
            self._issue(
                ctt, 1, f"CTT01 says {int(declared)} {what}, the set has {self._count}: lines were lost or added", _CTT_ELEMENTS[1]
            )
        if self._envelope.st01 != "856":
            return
        stated = ctt.element(2).strip()
        if not stated or not self._hash_ok:
            return
        try:
            total = Decimal(stated)
        except (InvalidOperation, ValueError):
            self._issue(ctt, 2, f"CTT02 {stated!r} is not a hash total", _CTT_ELEMENTS[2])
            return
        if total != self._hash:
            self._issue(
                ctt, 2, f"CTT02 hash total is {stated}, the SN102 quantities of the set add up to {self._hash.normalize():f}",
                _CTT_ELEMENTS[2],
            )  # fmt: skip
