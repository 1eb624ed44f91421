"""Small X12 files built in code for the pipeline's specification tests, and ways to read acks back."""

from __future__ import annotations

from dataclasses import dataclass

from crossdock.edi import Interchange, read_interchanges

ACME_ISA = ("12", "5125550100")
"""The example supplier profile ``acme-dropship`` (config/partners): its ISA qualifier and ID."""
US_ISA = ("ZZ", "CROSSDOCKMERCH")


def transaction_set(set_id: str, st02: str, *body: str) -> str:
    """ST … SE around ``body`` (segments without terminators), SE01 counted."""
    segments = [f"ST*{set_id}*{st02}", *body, f"SE*{len(body) + 2}*{st02}"]
    return "~".join(segments) + "~"


def functional_group(functional_id: str, gs06: str, *sets: str, version: str = "004010",
                     sender: str = "SENDERAPP", receiver: str = "RECEIVERAPP") -> str:  # fmt: skip
    return f"GS*{functional_id}*{sender}*{receiver}*20240102*1030*{gs06}*X*{version}~" + "".join(sets) + f"GE*{len(sets)}*{gs06}~"


def interchange(
    *groups: str,
    isa13: str = "000000101",
    sender: tuple[str, str] = ACME_ISA,
    receiver: tuple[str, str] = US_ISA,
    version: str = "00401",
    ack_requested: str = "0",
    iea02: str | None = None,
) -> str:
    """A fixed-width ISA, the groups, and an IEA (``iea02`` to break it on purpose)."""
    isa11 = "^" if version >= "00402" else "U"
    isa = (
        f"ISA*00*{'':10}*00*{'':10}*{sender[0]:2}*{sender[1]:15}*{receiver[0]:2}*{receiver[1]:15}"
        f"*240102*1030*{isa11}*{version}*{isa13}*{ack_requested}*P*>~"
    )
    assert len(isa) == 106, len(isa)
    return isa + "".join(groups) + f"IEA*{len(groups)}*{iea02 if iea02 is not None else isa13}~"


def purchase_order_850(st02: str = "0001", *, lines: int = 2, ctt: str | None = None) -> str:
    body = ["BEG*00*SA*PO-1001**20240102", "N1*ST*JANE DOE*92*STORE1", "N3*1 MAIN ST", "N4*DALLAS*TX*75201*US"]
    for n in range(1, lines + 1):
        body.append(f"PO1*{n}*{n + 1}*EA*9.5**BP*SKU-{n}")
    body.append(f"CTT*{ctt if ctt is not None else lines}")
    return transaction_set("850", st02, *body)


def sscc_18(serial: int) -> str:
    """A valid SSCC-18 (extension digit, company prefix, serial, GS1 check digit) as MAN02 carries it (``00`` + 18)."""
    body = f"0{1234567:07d}{serial:09d}"
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return "00" + body + str((10 - total % 10) % 10)


def ship_notice_856(structure: str, levels: list[tuple[str, str, str]], *, st02: str = "0001", ctt: str | None = None,
                    quantity: int = 5) -> str:  # fmt: skip
    """An 856 whose HL loops are ``(HL01, HL02, HL03)``; each item level gets a LIN and an SN1 of ``quantity``."""
    body = [f"BSN*00*SHIP-1*20240102*1030*{structure}", "DTM*011*20240102"]
    items = 0
    for number, parent, level in levels:
        body.append(f"HL*{number}*{parent}*{level}")
        if level == "S":
            body += ["TD5**2*UPSN", "N1*ST*JANE DOE*92*STORE1"]
        elif level == "O":
            body.append("PRF*PO-1001")
        elif level == "P":
            body.append(f"MAN*GM*{sscc_18(int(number))}")
        elif level == "I":
            items += 1
            body += [f"LIN**BP*SKU-{items}", f"SN1**{quantity}*EA"]
    body.append(f"CTT*{ctt if ctt is not None else f'{len(levels)}*{items * quantity}'}")
    return transaction_set("856", st02, *body)


@dataclass(frozen=True)
class AckGroup:
    """One FA group of an acknowledgment as read back: what it answers and its verdicts."""

    set_id: str
    answered_functional_id: str
    answered_gs06: str
    ak9: list[str]
    set_codes: dict[str, list[str]]
    located: list[list[str]]
    """AK3/IK3 segments (their elements)."""


def read_acks(text: str) -> list[Interchange]:
    interchanges = read_interchanges(text.encode("latin-1"))
    for interchange in interchanges:
        assert not interchange.all_issues(), [str(i) for i in interchange.all_issues()]
    return interchanges


def ack_groups(text: str) -> list[AckGroup]:
    found: list[AckGroup] = []
    for interchange in read_acks(text):
        for group in interchange.groups:
            assert group.functional_id == "FA"
            (ack,) = group.transaction_sets
            body = ack.body
            ak1 = next(s for s in body if s.id == "AK1")
            ak9 = next(s for s in body if s.id == "AK9")
            set_codes: dict[str, list[str]] = {}
            current = None
            for segment in body:
                if segment.id == "AK2":
                    current = segment.element(2)
                elif segment.id in ("AK5", "IK5") and current is not None:
                    set_codes[current] = [segment.element(n) for n in range(1, len(segment.elements) + 1)]
            found.append(
                AckGroup(
                    set_id=ack.id,
                    answered_functional_id=ak1.element(1),
                    answered_gs06=ak1.element(2),
                    ak9=[ak9.element(n) for n in range(1, len(ak9.elements) + 1)],
                    set_codes=set_codes,
                    located=[[s.element(n) for n in range(1, len(s.elements) + 1)] for s in body if s.id in ("AK3", "IK3")],
                )
            )
    return found


def ta1_segments(text: str) -> list[list[str]]:
    return [
        [segment.element(n) for n in range(1, len(segment.elements) + 1)]
        for interchange in read_acks(text)
        for segment in interchange.loose_segments
        if segment.id == "TA1"
    ]
