"""Trading-partner profiles: who a partner is in X12 and how its documents are read and written.

Everything that differs from one partner to the next lives here, so translation code never
branches on a partner's name: envelope identities and version, separators, which documents flow
each way, the 856 hierarchy, acknowledgment habits, code lists (units, carriers, locations) and
which qualifier carries which item number.  Profiles are YAML files in ``config/partners/`` (see
its README); :func:`load_partner` and :func:`load_partners` report every problem of a file as
``file:line: field: message``, as job files do.

Codes are text.  YAML reads an unquoted ``004010`` as the octal number 2056 and ``01`` as 1, so a
code given as a number is refused with a hint to quote it rather than silently changed.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from crossdock.config.jobs import ConfigIssue, Duration, format_field
from crossdock.config.jobs._validation_issues import issues_from_validation_error
from crossdock.config.jobs._yaml_document import read_yaml_document
from crossdock.core.models._codes import COUNTRY_CODES, CURRENCY_CODES

from .envelope import Interchange
from .segments import Separators

__all__ = [
    "PartnerProfile",
    "PartnerRole",
    "X12Version",
    "StructureCode",
    "PartyIds",
    "InterchangeSettings",
    "GroupSettings",
    "SeparatorSettings",
    "DocumentSettings",
    "ShipNoticeSettings",
    "AcknowledgementSettings",
    "CodeLists",
    "ItemIdMapping",
    "QuantityMapping",
    "MappingSettings",
    "PartnerDefaults",
    "PartnerConfigError",
    "load_partner",
    "load_partners",
    "parse_partner",
    "partner_for_interchange",
    "decode_separator",
]

PartnerRole = Literal["supplier", "retailer"]
"""``supplier``: the merchant buys from the partner (sends it 850s; a dropship partner is one).
``retailer``: the partner buys from the merchant (sends it 850s)."""

X12Version = Literal["004010", "004010VICS", "005010"]
StructureCode = Literal["0001", "0002", "0004"]
"""856 BSN05 hierarchy: 0001 shipment/order/pack/item, 0002 shipment/order/item/pack, 0004 shipment/order/item."""
FunctionalAckSet = Literal["997", "999"]

SUPPORTED_SETS = frozenset({"850", "855", "856", "846", "810", "997", "999"})

_QUOTE_HINT = "write codes in quotes (YAML reads an unquoted 004010 as the number 2056 and 01 as 1)"


def _text_only(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, (int, float)):
        raise ValueError(f"must be text, not the number {value!r}: {_QUOTE_HINT}")
    return value


Code = Annotated[str, BeforeValidator(_text_only), Field(min_length=1)]
"""An X12 code or identifier, always written as text."""
_Version = Annotated[X12Version, BeforeValidator(_text_only)]
_Structure = Annotated[StructureCode, BeforeValidator(_text_only)]
_FunctionalAck = Annotated[FunctionalAckSet, BeforeValidator(_text_only)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PartyIds(_Section):
    """An ISA sender/receiver identity: the qualifier (ISA05/07) and the ID (ISA06/08)."""

    qualifier: Code = Field(max_length=2)
    id: Code = Field(max_length=15)

    @field_validator("qualifier")
    @classmethod
    def _two_characters(cls, value: str) -> str:
        if len(value) != 2:
            raise ValueError(f"an ISA ID qualifier is two characters (e.g. 'ZZ', '01', '12'), not {value!r}")
        return value


class InterchangeSettings(_Section):
    """The ISA envelope: our identity, the partner's, and production or test use."""

    us: PartyIds
    them: PartyIds
    usage: Literal["P", "T"] = "P"
    """ISA15 on what we send: ``P`` production, ``T`` test."""


class GroupSettings(_Section):
    """GS02/GS03 application IDs; each defaults to the ISA ID of the same side."""

    us: Code | None = Field(default=None, max_length=15)
    them: Code | None = Field(default=None, max_length=15)


def decode_separator(value: Any) -> Any:
    """A separator as written in YAML: one character, or an escape such as ``\\x1d``, ``\\n`` or ``\\u001f``."""
    if not isinstance(value, str) or len(value) <= 1:
        return value
    named = {"\\n": "\n", "\\r": "\r", "\\t": "\t", "\\\\": "\\"}
    if value in named:
        return named[value]
    match = re.fullmatch(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})", value)
    if match:
        return chr(int(match.group(1) or match.group(2), 16))
    raise ValueError(f"a separator is one character or an escape such as '\\x1d', not {value!r}")


Separator = Annotated[
    str, StringConstraints(strip_whitespace=False, min_length=1, max_length=1), BeforeValidator(decode_separator)
]
"""One character, kept as written: a newline or a space-like control character is a valid terminator."""


class SeparatorSettings(_Section):
    """The delimiters we write with (what we read is always taken from the partner's ISA)."""

    element: Separator = "*"
    component: Separator = ">"
    segment: Separator = "~"
    repetition: Separator = "^"
    """Written in ISA11 from 00402 on (005010); unused with 004010, whose ISA11 is ``U``."""
    line_breaks: bool = False
    """A newline after every segment terminator (readable files; some VANs refuse it)."""

    @model_validator(mode="after")
    def _usable(self) -> SeparatorSettings:
        problems = Separators(self.element, self.component, self.segment, self.repetition).problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self


class DocumentSettings(_Section):
    """Which transaction sets flow each way (``inbound``: the partner sends them to us)."""

    inbound: list[Code] = Field(default_factory=list)
    outbound: list[Code] = Field(default_factory=list)

    @field_validator("inbound", "outbound")
    @classmethod
    def _known_sets(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in SUPPORTED_SETS]
        if unknown:
            raise ValueError(
                f"Crossdock does not translate {', '.join(unknown)} (supported: {', '.join(sorted(SUPPORTED_SETS))})"
            )
        if len(set(value)) != len(value):
            raise ValueError("a transaction set is listed twice")
        return value


class ShipNoticeSettings(_Section):
    structure: _Structure = "0001"
    """BSN05 of the 856s we send; any structure is read."""


class AcknowledgementSettings(_Section):
    functional: _FunctionalAck = "997"
    """The functional acknowledgment we send for the partner's groups."""
    ta1_when_requested: bool = True
    """Send a TA1 when the partner's ISA14 is 1."""
    request_ta1: bool = False
    """ISA14 on what we send."""
    window: Duration = timedelta(hours=24)
    """How long the partner has to acknowledge what we send before it is reported overdue."""
    expect_acknowledgement: bool = True
    """Whether the partner acknowledges our groups at all (no overdue alerts when it does not)."""


class CodeLists(_Section):
    """The partner's codes and Crossdock's, as ``partner code: Crossdock value``.

    Read inbound as given; written outbound reversed (the first partner code for a value wins).
    """

    units: dict[Code, Code] = Field(default_factory=dict)
    """Units of measure: ``UN: EA``."""
    carriers: dict[Code, Code] = Field(default_factory=dict)
    """Carrier codes (a TD5 SCAC or the partner's own carrier code) to SCACs: ``FDE: FDEG``."""
    locations: dict[Code, Code] = Field(default_factory=dict)
    """The partner's location codes (N104) to Crossdock location IDs: ``DC01: acme-dallas``."""

    @field_validator("carriers")
    @classmethod
    def _scacs(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [scac for scac in value.values() if not 2 <= len(scac) <= 4]
        if bad:
            raise ValueError(f"a SCAC is 2 to 4 characters: {', '.join(repr(b) for b in bad)}")
        return value


_ITEM_QUALIFIER = re.compile(r"[A-Z0-9]{2}")


def _qualifiers(value: list[str]) -> list[str]:
    bad = [code for code in value if not _ITEM_QUALIFIER.fullmatch(code)]
    if bad:
        raise ValueError(f"product ID qualifiers (element 235) are two letters or digits: {', '.join(map(repr, bad))}")
    return value


class ItemIdMapping(_Section):
    """Which product ID qualifiers (PO1/LIN/IT1 pairs) fill which canonical field; the first present wins.

    ``sku`` is the merchant's SKU; ``partner_item`` is the partner's own item number, kept in the
    canonical ``vendor_sku`` (for a retailer that is its buyer item number); ``gtin`` the GS1 number.
    Outbound, the first qualifier of each list is written.  When none of the ``sku`` qualifiers is
    present, the first partner item, then GTIN, then any other ID stands in, so a line is never lost.
    """

    sku: list[Code] = Field(default_factory=lambda: ["SK", "BP", "IN", "CB", "VP", "VN", "VC"], min_length=1)
    partner_item: list[Code] = Field(default_factory=lambda: ["VP", "VN", "VC"])
    gtin: list[Code] = Field(default_factory=lambda: ["UK", "EN", "UP"])

    _check = field_validator("sku", "partner_item", "gtin")(_qualifiers)


class QuantityMapping(_Section):
    """846 QTY01 qualifiers per canonical quantity; the first present wins.  SCH lines are always incoming stock."""

    available: list[Code] = Field(default_factory=lambda: ["33"])
    on_hand: list[Code] = Field(default_factory=lambda: ["17"])
    committed: list[Code] = Field(default_factory=list)
    incoming: list[Code] = Field(default_factory=list)
    """Qualifiers whose quantity is stock on its way without a date (dated stock comes as SCH)."""


class MappingSettings(_Section):
    item_ids: ItemIdMapping = Field(default_factory=ItemIdMapping)
    quantities: QuantityMapping = Field(default_factory=QuantityMapping)
    order_line_reference: Code = Field(default="LI", max_length=3)
    """REF qualifier on a PO1 line carrying the customer-order line a PO line fulfils."""
    customer_order_reference: Code = Field(default="CO", max_length=3)
    """REF qualifier of the 850 header carrying the customer order number behind a dropship PO."""


class PartnerDefaults(_Section):
    currency: Code = "USD"
    """When a document has no CUR segment."""
    country: Code = "US"
    """When an N4 has no country (N404)."""

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if value.upper() not in CURRENCY_CODES:
            raise ValueError(f"'{value}' is not an ISO 4217 currency code")
        return value.upper()

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if value.upper() not in COUNTRY_CODES:
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
        return value.upper()


_PARTNER_ID = re.compile(r"[a-z0-9][a-z0-9_.-]*")


class PartnerProfile(_Section):
    """One trading partner, as its YAML profile describes it."""

    id: Code
    """Crossdock's name for the partner: lowercase letters, digits, ``-``, ``_``, ``.``; the file is named after it."""
    name: str
    role: PartnerRole
    timezone: str = "UTC"
    """IANA zone in which the partner's dates and times are read and written (X12 carries no zone)."""
    interchange: InterchangeSettings
    group: GroupSettings = Field(default_factory=GroupSettings)
    version: _Version = "004010"
    separators: SeparatorSettings = Field(default_factory=SeparatorSettings)
    documents: DocumentSettings = Field(default_factory=DocumentSettings)
    ship_notice: ShipNoticeSettings = Field(default_factory=ShipNoticeSettings)
    acknowledgements: AcknowledgementSettings = Field(default_factory=AcknowledgementSettings)
    codes: CodeLists = Field(default_factory=CodeLists)
    mapping: MappingSettings = Field(default_factory=MappingSettings)
    defaults: PartnerDefaults = Field(default_factory=PartnerDefaults)
    stock_location_id: Code | None = None
    """The Crossdock location of the partner's stock (a dropship partner's warehouse): where 846 quantities
    go when the 846 names no location of its own."""

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _PARTNER_ID.fullmatch(value):
            raise ValueError("a partner id is lowercase letters, digits, '-', '_' or '.', starting with a letter or digit")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA time zone (e.g. 'UTC', 'America/Chicago')") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> PartnerProfile:
        if self.acknowledgements.functional == "999" and self.version != "005010":
            raise ValueError("a 999 acknowledgment exists from 005010 on; use functional: '997' with version " + self.version)
        return self

    # -- derived facts --------------------------------------------------------------------------
    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def release(self) -> int:
        """The numeric release of the profile's version: 4010 or 5010."""
        return int(self.version[:6])

    @property
    def isa_version(self) -> str:
        """ISA12 for the profile's version (``00401`` or ``00501``)."""
        return "00501" if self.version.startswith("005") else "00401"

    @property
    def source_system(self) -> str:
        """The ``SourceRef.system`` and order channel of documents from this partner: ``edi:<id>``."""
        return f"edi:{self.id}"

    @property
    def our_group_id(self) -> str:
        return self.group.us or self.interchange.us.id

    @property
    def their_group_id(self) -> str:
        return self.group.them or self.interchange.them.id

    def writer_separators(self) -> Separators:
        """The separators we write with; no repetition separator before 00402 (ISA11 is then ``U``)."""
        seps = self.separators
        repetition = seps.repetition if self.isa_version >= "00402" else None
        return Separators(seps.element, seps.component, seps.segment, repetition)

    def sends(self, set_id: str) -> bool:
        return set_id in self.documents.inbound

    def receives(self, set_id: str) -> bool:
        return set_id in self.documents.outbound

    def unit_in(self, code: str) -> str:
        """A partner unit of measure as Crossdock writes it."""
        return self.codes.units.get(code, code)

    def unit_out(self, unit: str) -> str:
        return _reverse(self.codes.units, unit)

    def carrier_in(self, code: str) -> str | None:
        """The SCAC for a partner carrier code, ``None`` when the code is neither mapped nor SCAC-shaped."""
        mapped = self.codes.carriers.get(code)
        if mapped is not None:
            return mapped
        return code if 2 <= len(code) <= 4 and code.isalnum() else None

    def carrier_out(self, scac: str) -> str:
        return _reverse(self.codes.carriers, scac)

    def location_in(self, code: str) -> str | None:
        """The Crossdock location for a partner location code; with no location map, the code itself."""
        if not self.codes.locations:
            return code
        return self.codes.locations.get(code)

    def location_out(self, location_id: str) -> str:
        return _reverse(self.codes.locations, location_id)

    @classmethod
    def anonymous(cls, sender_qualifier: str = "ZZ", sender_id: str = "UNKNOWN") -> PartnerProfile:
        """A stand-in with default settings, for translating a file whose partner has no profile."""
        slug = re.sub(r"[^a-z0-9_.-]+", "-", sender_id.strip().lower()).strip("-") or "unknown"
        if not slug[0].isalnum():
            slug = "x" + slug
        return cls(
            id=slug,
            name=sender_id.strip() or "unknown partner",
            role="retailer",
            interchange=InterchangeSettings(
                us=PartyIds(qualifier="ZZ", id="CROSSDOCK"),
                them=PartyIds(qualifier=(sender_qualifier or "ZZ").ljust(2)[:2], id=(sender_id.strip() or "UNKNOWN")[:15]),
            ),
        )


def _reverse(mapping: Mapping[str, str], value: str) -> str:
    for partner_code, ours in mapping.items():
        if ours == value:
            return partner_code
    return value


# -- loading ----------------------------------------------------------------------------------------


class PartnerConfigError(ValueError):
    """Partner profiles that cannot be used, with every problem as ``file:line: field: message``."""

    def __init__(self, issues: Iterable[ConfigIssue]) -> None:
        self.issues: list[ConfigIssue] = sorted(
            issues, key=lambda i: (i.file, i.line if i.line is not None else 1 << 30, i.field)
        )
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.issues)


def parse_partner(
    text: str, *, source_file: str | os.PathLike[str], env: Mapping[str, str] | None = None
) -> PartnerProfile:
    """Validate profile YAML ``text`` as if read from ``source_file`` (named in messages)."""
    label = str(source_file)
    document = read_yaml_document(
        text, file_label=label, env=os.environ if env is None else env, base_dir=Path(source_file).absolute().parent
    )
    issues: list[ConfigIssue] = list(document.issues)
    if document.syntax_error:
        raise PartnerConfigError(issues)
    data = document.data
    if not isinstance(data, dict):
        issues.append(ConfigIssue(label, document.lines.get((), 1), "", "a partner profile is a mapping with keys id, name, role …"))
        raise PartnerConfigError(issues)

    def line_of(path: tuple[str | int, ...]) -> int | None:
        for end in range(len(path), -1, -1):
            if (line := document.lines.get(path[:end])) is not None:
                return line
        return None

    profile: PartnerProfile | None = None
    try:
        profile = PartnerProfile.model_validate(data)
    except ValidationError as exc:
        issues += issues_from_validation_error(
            exc, file=label, data=data, model=PartnerProfile, line_of=line_of, skip=document.unresolved
        )
    if profile is not None:
        stem = Path(source_file).stem
        if profile.id != stem:
            issues.append(
                ConfigIssue(label, line_of(("id",)), "id", f"the id '{profile.id}' must match the file name ('{stem}.yaml')")
            )
    if issues or profile is None:
        raise PartnerConfigError(issues)
    return profile


def load_partner(path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None) -> PartnerProfile:
    """Read one profile file; raises :class:`PartnerConfigError` (or ``FileNotFoundError``)."""
    source = Path(path)
    return parse_partner(source.read_text(encoding="utf-8"), source_file=source, env=env)


def load_partners(folder: str | os.PathLike[str], *, env: Mapping[str, str] | None = None) -> dict[str, PartnerProfile]:
    """Every ``*.yaml``/``*.yml`` profile in ``folder``, by id.

    All files are read before anything is raised, so one :class:`PartnerConfigError` lists the
    problems of every file, plus identities two profiles share (an inbound ISA could not be told
    apart).
    """
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"no partner profile folder at {root}")
    issues: list[ConfigIssue] = []
    profiles: dict[str, PartnerProfile] = {}
    files: dict[str, Path] = {}
    identities: dict[tuple[str, str, str, str], Path] = {}
    for path in sorted([*root.glob("*.yaml"), *root.glob("*.yml")]):
        try:
            profile = load_partner(path, env=env)
        except PartnerConfigError as exc:
            issues += exc.issues
            continue
        identity = (
            profile.interchange.them.qualifier,
            profile.interchange.them.id,
            profile.interchange.us.qualifier,
            profile.interchange.us.id,
        )
        if identity in identities:
            issues.append(
                ConfigIssue(
                    str(path), None, format_field(("interchange", "them")),
                    f"{identity[0]}/{identity[1]} to {identity[2]}/{identity[3]} is already the identity of {identities[identity].name}",
                )
            )
        identities.setdefault(identity, path)
        if profile.id in profiles:
            issues.append(ConfigIssue(str(path), None, "id", f"partner id '{profile.id}' is also used by {files[profile.id].name}"))
            continue
        profiles[profile.id] = profile
        files[profile.id] = path
    if issues:
        raise PartnerConfigError(issues)
    return profiles


def partner_for_interchange(partners: Iterable[PartnerProfile], interchange: Interchange) -> PartnerProfile | None:
    """The profile whose partner sent ``interchange`` to us (ISA05/06 theirs, ISA07/08 ours), if any."""
    for profile in partners:
        them, us = profile.interchange.them, profile.interchange.us
        if (
            interchange.sender_qualifier == them.qualifier
            and interchange.sender_id == them.id
            and interchange.receiver_qualifier == us.qualifier
            and interchange.receiver_id == us.id
        ):
            return profile
    return None

