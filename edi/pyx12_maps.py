"""Crossdock's retail X12 map folder for pyx12, and what it registers.

pyx12 ships healthcare maps only; given ``map_path`` it reads *everything* (maps.xml, dataele.xml,
codes.xml, control maps, transaction maps) from that folder and never falls back to its own files.
The folder ships inside the package, so the path is resolved from this module's location and works
the same in an editable checkout and an installed wheel.  Its XML is generated from
``crossdock.edi.maps.spec``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import NamedTuple

__all__ = ["MAP_PATH", "RegisteredTransaction", "find_map", "registered_transactions"]

MAP_PATH: Path = Path(__file__).resolve().parent / "maps"


class RegisteredTransaction(NamedTuple):
    """One ``maps.xml`` entry: pyx12 picks ``file`` when ISA12, GS08 and GS01 all match exactly."""

    icvn: str
    vriic: str
    fic: str
    file: str


@cache
def _read_registrations(map_path: Path) -> tuple[RegisteredTransaction, ...]:
    root = ET.parse(map_path / "maps.xml").getroot()
    entries: list[RegisteredTransaction] = []
    for version in root.iter("version"):
        icvn = version.get("icvn", "")
        for entry in version.iter("map"):
            fic = entry.get("fic", "")
            if not fic:
                continue  # the control map entry, not a transaction
            entries.append(RegisteredTransaction(icvn, entry.get("vriic", ""), fic, (entry.text or "").strip()))
    return tuple(entries)


def registered_transactions(map_path: Path = MAP_PATH) -> list[RegisteredTransaction]:
    """Every (ISA12, GS08, GS01) -> map file pyx12 will accept with this folder."""
    return list(_read_registrations(map_path))


def find_map(icvn: str, vriic: str, fic: str, map_path: Path = MAP_PATH) -> str | None:
    """The map file pyx12 would use for a group, or None when pyx12 would stop at its GS."""
    for entry in _read_registrations(map_path):
        if (entry.icvn, entry.vriic, entry.fic) == (icvn, vriic, fic):
            return entry.file
    return None
