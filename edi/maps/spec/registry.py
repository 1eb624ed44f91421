"""Which map file pyx12 uses for which (ISA12, GS08, GS01): the content of ``maps.xml``.

pyx12 needs an exact match on all three keys, so every version string a retail partner writes in
GS08 is listed.  Registered beyond plain 004010/005010:

- ``004010VICS`` / ``005010VICS``: the VICS retail guides, same structures;
- ``004060`` / ``004060VICS`` under ISA12 00401: pyx12 only reads 00401/00501 envelopes, so a
  normaliser rewrites ISA12 00406 to 00401 and the 004060 group is then checked against the
  004010 maps (best effort: elements 004060 added would be reported as extra);
- 004010 groups inside a 00501 interchange, which partners who upgraded their envelope send;
- ``005010X230`` (997) and ``005010X231``/``005010X231A1`` (999), the acknowledgment guides.
  A plain ``005010`` FA group is read as a 997: pyx12 keys maps on GS01, and 997 and 999 share FA.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import transactions as t
from .envelope import Version
from .model import TransactionDef

FUNCTIONAL_ID: dict[str, str] = {
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "846": "IB",
    "810": "IN",
    "997": "FA",
    "999": "FA",
}


@dataclass(frozen=True)
class MapFile:
    file_name: str
    transaction: TransactionDef

    @property
    def functional_id(self) -> str:
        return FUNCTIONAL_ID[self.transaction.id]


@dataclass(frozen=True)
class Registration:
    icvn: str
    vriic: str
    fic: str
    file_name: str
    abbr: str


def _file(builder: Callable[[Version], TransactionDef], version: Version) -> MapFile:
    transaction = builder(version)
    return MapFile(f"{transaction.id}.{version}.xml", transaction)


MAP_FILES: tuple[MapFile, ...] = (
    *(_file(builder, "4010") for builder in t.RETAIL_TRANSACTIONS),
    *(_file(builder, "5010") for builder in t.RETAIL_TRANSACTIONS),
    MapFile("999.5010.xml", t.implementation_acknowledgment()),
)

_VERSIONS_BY_ENVELOPE: tuple[tuple[str, Version, tuple[str, ...]], ...] = (
    ("00401", "4010", ("004010", "004010VICS", "004060", "004060VICS")),
    ("00501", "5010", ("005010", "005010VICS")),
    ("00501", "4010", ("004010", "004010VICS")),
)


def _registrations() -> tuple[Registration, ...]:
    out: list[Registration] = []
    retail = [m for m in MAP_FILES if m.transaction.id != "999"]
    for icvn, version, vriics in _VERSIONS_BY_ENVELOPE:
        for vriic in vriics:
            for map_file in retail:
                if map_file.transaction.version == version:
                    out.append(
                        Registration(icvn, vriic, map_file.functional_id, map_file.file_name, map_file.transaction.id)
                    )
    out.append(Registration("00501", "005010X230", "FA", "997.5010.xml", "997"))
    for vriic in ("005010X231", "005010X231A1"):
        out.append(Registration("00501", vriic, "FA", "999.5010.xml", "999"))
    return tuple(out)


REGISTRATIONS: tuple[Registration, ...] = _registrations()


def versions_for(file_name: str) -> tuple[str, ...]:
    """Every GS08 a map file is registered under: the map's GS08 accepts exactly these."""
    seen: dict[str, None] = {}
    for registration in REGISTRATIONS:
        if registration.file_name == file_name:
            seen.setdefault(registration.vriic, None)
    return tuple(seen)
