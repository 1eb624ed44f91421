"""N1 loops both ways: a party's name, IDs, address (N2/N3/N4) and contact (PER).

The canonical :class:`Address` keeps ``name`` (N102) and ``company`` (N2) apart; three address
lines travel as two N3 segments (N301/N302, then N301 again); phone and e-mail travel in a PER
inside the loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from crossdock.core.models import Address, Contact

from ..errors import X12WriteError
from ..segments import Segment
from ._build import checked, segment
from ._context import SetContext

__all__ = ["PartyLoop", "split_party_loops", "read_address", "read_contact", "read_per", "address_segments", "per_segment"]


@dataclass(slots=True)
class PartyLoop:
    """One N1 loop as read: the N1 and the segments after it that belong to it."""

    n1: Segment
    segments: list[Segment] = field(default_factory=list)

    @property
    def entity(self) -> str:
        return self.n1.element(1).strip()

    @property
    def code(self) -> str | None:
        """N104, the party's identification code (a location number, a DUNS)."""
        return self.n1.element(4).strip() or None

    def first(self, segment_id: str) -> Segment | None:
        return next((s for s in self.segments if s.id == segment_id), None)

    def all(self, segment_id: str) -> list[Segment]:
        return [s for s in self.segments if s.id == segment_id]


_PARTY_SEGMENTS = frozenset({"N2", "N3", "N4", "PER", "REF", "DTM", "FOB", "TD1", "TD5", "TD3", "TD4", "PKG", "QTY", "SCH"})


def split_party_loops(segments: Sequence[Segment]) -> tuple[list[Segment], list[PartyLoop]]:
    """Segments outside N1 loops, and the N1 loops (an N1 loop holds the segments that may follow an N1)."""
    rest: list[Segment] = []
    loops: list[PartyLoop] = []
    current: PartyLoop | None = None
    for seg in segments:
        if seg.id == "N1":
            current = PartyLoop(seg)
            loops.append(current)
        elif current is not None and seg.id in _PARTY_SEGMENTS:
            current.segments.append(seg)
        else:
            current = None
            rest.append(seg)
    return rest, loops


def read_per(ctx: SetContext, per: Segment | None) -> tuple[str | None, str | None, str | None]:
    """(name, phone, e-mail) of a PER: PER02 and the TE/EM communication pairs."""
    if per is None:
        return None, None, None
    name = ctx.text(per, 2)
    phone = email = None
    for number in (3, 5, 7):
        qualifier, value = ctx.text(per, number), ctx.text(per, number + 1)
        if value is None:
            continue
        if qualifier == "TE" and phone is None:
            phone = value
        elif qualifier == "EM" and email is None:
            email = value
    return name, phone, email


def read_address(ctx: SetContext, loop: PartyLoop) -> Address | None:
    """The loop's party as an address; ``None`` (with issues) when its country is unusable."""
    n2, n3s, n4 = loop.first("N2"), loop.all("N3"), loop.first("N4")
    lines: list[str] = []
    for n3 in n3s[:2]:
        lines += [v for v in (ctx.text(n3, 1), ctx.text(n3, 2)) if v]
    if len(n3s) > 2:
        ctx.warn(n3s[2], "only two N3 segments are read per party; this one is ignored")
    line3 = " ".join(lines[2:]) or None
    country = ctx.country(n4, 4) if n4 is not None else ctx.partner.defaults.country
    if country is None:
        return None
    _, phone, email = read_per(ctx, loop.first("PER"))
    try:
        return Address(
            name=ctx.text(loop.n1, 2),
            company=ctx.text(n2, 1),
            line1=lines[0] if lines else None,
            line2=lines[1] if len(lines) > 1 else None,
            line3=line3,
            city=ctx.text(n4, 1),
            region=ctx.text(n4, 2) or ctx.text(n4, 7),
            postal_code=ctx.text(n4, 3),
            country=country,
            phone=phone,
            email=email,
        )
    except ValidationError as exc:
        ctx.refused(loop.n1, "address", exc)
        return None


def read_contact(ctx: SetContext, loop: PartyLoop | None, per: Segment | None) -> Contact | None:
    """A contact from an N1 loop (company and ID) and a PER (name, phone, e-mail)."""
    name, phone, email = read_per(ctx, per if per is not None else (loop.first("PER") if loop else None))
    company = ctx.text(loop.n1, 2) if loop is not None else None
    external_id = loop.code if loop is not None else None
    if not any((name, phone, email, company, external_id)):
        return None
    return Contact(name=name, company=company, email=email, phone=phone, external_id=external_id)


def per_segment(function: str, name: str | None, phone: str | None, email: str | None) -> Segment | None:
    """A PER with the name and the TE/EM pairs that have values; ``None`` when there is nothing to say."""
    if not (name or phone or email):
        return None
    elements: list[str | None] = [function, checked(name, "PER02", 60)]
    for qualifier, value in (("TE", phone), ("EM", email)):
        if value:
            elements += [qualifier, checked(value, "PER04", 80)]
    return segment("PER", *elements)


def address_segments(
    entity: str, address: Address, *, release: int, code_qualifier: str | None = None, code: str | None = None
) -> list[Segment]:
    """N1 (N2, N3, N4, PER) for an address.

    A region that is not a two-letter code (``NSW``) goes into N407 from 005010 on; 004010 has no
    place for it, which is refused rather than dropped.
    """
    name = address.name or address.company
    company = address.company if address.name else None
    if name is None and code is None:
        raise ValueError(f"an N1*{entity} needs a name or an identification code")
    found = [
        segment(
            "N1",
            entity,
            checked(name, f"N1*{entity} N102", 60),
            code_qualifier if code else None,
            checked(code, f"N1*{entity} N104", 80, min_length=2),
        )
    ]
    if company:
        found.append(segment("N2", checked(company, f"N1*{entity} N201", 60)))
    lines = [line for line in (address.line1, address.line2, address.line3) if line]
    if lines:
        found.append(segment("N3", *(checked(line, f"N1*{entity} N3", 55) for line in lines[:2])))
    if len(lines) > 2:
        found.append(segment("N3", checked(lines[2], f"N1*{entity} N3", 55)))
    region, subdivision = address.region, None
    if region is not None and len(region) != 2:
        if release < 5010:
            raise X12WriteError(f"N1*{entity} N402: region {region!r} is not a two-letter code, and 004010 has no N407")
        region, subdivision = None, checked(address.region, f"N1*{entity} N407", 3)
    found.append(
        segment(
            "N4",
            checked(address.city, f"N1*{entity} N401", 30, min_length=2),
            region,
            checked(address.postal_code, f"N1*{entity} N403", 15, min_length=3),
            address.country,
            None,
            None,
            subdivision,
        )
    )
    per = per_segment("IC", None, address.phone, address.email)
    if per is not None:
        found.append(per)
    return found
