"""The compiled form of a map folder: a node graph per transaction map, and the registry over them.

A :class:`TransactionMap` keeps pyx12's tree (loops and segments with positions, usage and repeat
counts) because the walk through it is pyx12's own; what changes is that every lookup pyx12 does
by path string at run time is resolved here once:

* each node's counter is an index into a flat list (pyx12 keeps a dict keyed by parsed path
  objects); nodes pyx12 counts together, because their paths are the same string, share an index;
* a loop's descendants occupy one contiguous range of that list, so entering a loop resets its
  children's counts with one slice assignment;
* each segment node that pyx12 tells apart by a qualifier (``HL03``, ``N101`` ...) has a *slot*:
  its qualifier is evaluated once per segment and the walk plan is looked up by the result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from ._rules import SegmentRule

__all__ = ["MAXINT", "MapNode", "Qualifier", "TransactionMap", "CompiledMaps", "MapCompileError"]

MAXINT = 2147483647
"""pyx12's "unbounded" repeat (``>1``)."""

NodeKind = Literal["root", "loop", "segment"]


class MapCompileError(ValueError):
    """A map pyx12 could not validate with either: an undefined data element, a gap in element
    sequence numbers, an unknown usage or code list.  The message names the file and node."""


@dataclass(slots=True, eq=False)
class MapNode:
    """A loop or segment of a transaction map (or its root), as pyx12's ``loop_if``/``segment_if``."""

    kind: NodeKind
    id: str
    name: str
    usage: str
    pos: int
    max_repeat: int
    path: str
    parent: MapNode | None
    children: list[MapNode] = field(default_factory=list)
    """Loops and segments in pyx12's scan order: by position, loops before segments at one position."""
    rule: SegmentRule | None = None
    key: int = -1
    """Index of this node's count in the walk's counter list."""
    reset: tuple[int, int] = (0, 0)
    """For a loop: the counter range of its descendants, cleared when the loop is entered."""
    same_as: tuple[str, str] = ("", "")
    """What pyx12's node equality compares: the node's ID and its parent's ID."""
    slot: int | None = None
    """For a segment told apart by a qualifier: which qualifier result decides whether it matches."""
    plans: dict[Any, Any] = field(default_factory=dict)
    """Walk plans starting at this segment node, by segment signature (filled lazily, see ``_walk``)."""

    @property
    def is_loop(self) -> bool:
        return self.kind == "loop"

    @property
    def is_segment(self) -> bool:
        return self.kind == "segment"

    @property
    def first(self) -> MapNode | None:
        return self.children[0] if self.children else None

    def __repr__(self) -> str:
        return f"<{self.kind} {self.path} pos={self.pos}>"


class Qualifier(NamedTuple):
    """Where a segment's qualifier sits and which values select a node.

    ``component`` is ``None`` for a simple element; the value is read as pyx12 reads it
    (trailing empty components dropped).
    """

    element: int
    component: int | None
    codes: frozenset[str | None]


@dataclass(slots=True, eq=False)
class TransactionMap:
    """One map file compiled: its node tree, counter layout and qualifier slots."""

    file: str
    id: str
    name: str
    icvn: str | None
    root: MapNode
    counter_paths: tuple[str, ...]
    counter_index: Mapping[str, int]
    qualifiers: Mapping[str, tuple[Qualifier, ...]]
    """Per segment ID, the qualifier slots of its nodes (IDs absent here match on the ID alone)."""
    known_ids: frozenset[str]
    segments: tuple[MapNode, ...]

    by_path: Mapping[str, MapNode]
    """The first node (in map order) of each pyx12 path."""

    def node_at(self, path: str) -> MapNode | None:
        """The first segment or loop node whose pyx12 path is ``path`` (``/ISA_LOOP/GS_LOOP/GS``)."""
        return self.by_path.get(path)

    def new_counts(self) -> list[int]:
        return [0] * len(self.counter_paths)

    def counts_from(self, other: TransactionMap, counts: list[int]) -> list[int]:
        """This map's counter list carrying over ``other``'s counts for the paths both maps have."""
        if other is self:
            return counts
        carried = self.new_counts()
        index = other.counter_index
        for path, position in self.counter_index.items():
            previous = index.get(path)
            if previous is not None:
                carried[position] = counts[previous]
        return carried


CONTROL_MAP_FILES = {"00401": "x12.control.00401.xml", "00501": "x12.control.00501.xml"}
"""pyx12's envelope maps by ISA12 (any ISA12 but 00501 uses the 00401 one)."""


class CompiledMaps:
    """Every map a folder registers, and the (ISA12, GS08, GS01) lookup pyx12 uses.

    Each map file is compiled once: all of them up front (:func:`compile_maps` by default, so a
    broken map fails at once), or each the first time a file needs it (``lazy=True``).
    """

    def __init__(
        self,
        map_path: Path,
        registrations: tuple[tuple[str, str, str, str], ...],
        compile_file: Callable[[str], TransactionMap],
    ) -> None:
        self.map_path = map_path
        self.registrations = registrations
        """``maps.xml`` entries in file order: (ISA12, GS08, GS01, file); the first match wins, as in pyx12."""
        self.functional_ids = frozenset(fic for _, _, fic, _ in registrations if fic)
        self.files = tuple(sorted({file for *_, file in registrations} | set(CONTROL_MAP_FILES.values())))
        self._compile_file = compile_file
        self._compiled: dict[str, TransactionMap] = {}
        self._lock = threading.Lock()

    def transaction(self, file: str) -> TransactionMap:
        """The compiled map in ``file`` (compiled now if it was not yet)."""
        found = self._compiled.get(file)
        if found is None:
            with self._lock:
                found = self._compiled.get(file)
                if found is None:
                    found = self._compiled[file] = self._compile_file(file)
        return found

    @property
    def transactions(self) -> Mapping[str, TransactionMap]:
        """Every map of the folder by file name (control maps included), all compiled."""
        return {file: self.transaction(file) for file in self.files}

    def find(self, icvn: str, vriic: str, fic: str) -> TransactionMap | None:
        """The map pyx12 would load for a group, or ``None`` where pyx12 stops with "Map not found"."""
        for entry_icvn, entry_vriic, entry_fic, file in self.registrations:
            if entry_icvn == icvn and entry_vriic == vriic and entry_fic == fic:
                return self.transaction(file)
        return None

    def control(self, icvn: str) -> TransactionMap:
        """The envelope map for an ISA12 (00501, else 00401)."""
        return self.transaction(CONTROL_MAP_FILES["00501" if icvn == "00501" else "00401"])
