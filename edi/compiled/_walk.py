"""pyx12's map walk, worked out once per (starting node, kind of segment) and replayed per segment.

pyx12's ``walk_tree.walk_errors`` scans from the current segment node forward through its loop,
then up through the enclosing loops, until a node matches the next segment.  Which nodes it visits
and which one matches depend only on the start node and on which map nodes match the segment (its
ID and, for same-ID segments, its qualifier), never on the counts; the counts only decide whether
a visited mandatory node that was passed over is *missing*, and whether a match exceeds its
repeat limit.  So the scan is done once, symbolically, into a :class:`Plan`:

* ``requirements``: the mandatory segments and loops the scan passes over, each to be reported
  missing if its count is still 0 when the plan runs;
* the outcome: ``MATCH`` a segment in the current loop (count it, check its maximum use),
  ``ENTER`` a loop at its first segment (reset the loop's inner counts, check its repeat), or
  ``NOT_FOUND`` (pyx12's segment error 1; everything pending is dropped, as pyx12 drops it).

Running a plan is a few list lookups, where pyx12 builds path objects and scans sorted children
for every segment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ._maps import MapNode, TransactionMap

__all__ = ["MATCH", "ENTER", "NOT_FOUND", "LOST", "Requirement", "Plan", "plan_for", "NOT_FOUND_PLAN"]

MATCH = 0
ENTER = 1
NOT_FOUND = 2
LOST = 3
"""pyx12 matched a wrapper loop but found no segment inside it: it then reports nothing and stays put."""


class Requirement(NamedTuple):
    """A mandatory node the walk passed over: missing if ``key``'s count is 0 when the plan runs.

    ``segment_id``/``pos``/``same_as`` are those of the segment pyx12 files the error under (a
    missing loop is filed under its first segment).
    """

    key: int
    segment_id: str
    pos: int
    same_as: tuple[str, str]
    message: str


class Plan(NamedTuple):
    requirements: tuple[Requirement, ...]
    outcome: int
    target: MapNode | None
    """The segment node the walk settles on (``MATCH``/``ENTER``)."""
    loop: MapNode | None
    """The loop entered (``ENTER``)."""


NOT_FOUND_PLAN = Plan((), NOT_FOUND, None, None)


def _segment_requirement(node: MapNode) -> Requirement:
    return Requirement(node.key, node.id, node.pos, node.same_as, f'Mandatory segment "{node.name}" ({node.id}) missing')


def _loop_requirement(loop: MapNode, first: MapNode) -> Requirement:
    return Requirement(loop.key, first.id, first.pos, first.same_as, f'Mandatory loop "{loop.name}" ({loop.id}) missing')


def build_plan(start: MapNode, matches: Callable[[MapNode], bool]) -> Plan:
    """pyx12's ``walk_errors`` from ``start`` for a segment matching exactly the nodes ``matches`` accepts."""
    requirements: list[Requirement] = []

    def loop_matches(loop: MapNode) -> bool:
        first = loop.first
        if first is None:
            return False
        if first.is_loop:
            return any(child.is_loop and loop_matches(child) for child in loop.children)
        if matches(first):
            return True
        if loop.usage == "R":
            requirements.append(_loop_requirement(loop, first))
        return False

    def enter(loop: MapNode) -> Plan | None:
        first = loop.first
        if first is not None and first.is_segment and matches(first):
            return Plan(tuple(requirements), ENTER, first, loop)
        for child in loop.children:
            if child.is_loop:
                found = enter(child)
                if found is not None:
                    return found
        return None

    node = start.parent
    assert node is not None, "a walk starts at a segment node"
    after = start.pos
    while True:
        for child in node.children:
            if child.pos < after:
                continue
            if child.is_segment:
                if matches(child):
                    if node.is_loop and loop_matches(node):
                        return enter(node) or Plan(tuple(requirements), LOST, None, None)
                    return Plan(tuple(requirements), MATCH, child, None)
                if child.usage == "R":
                    requirements.append(_segment_requirement(child))
            elif loop_matches(child):
                return enter(child) or Plan(tuple(requirements), LOST, None, None)
        if node.parent is None:
            return NOT_FOUND_PLAN
        after = node.pos
        node = node.parent


def plan_for(transaction: TransactionMap, start: MapNode, segment_id: str, signature: tuple[bool, ...] | None) -> Plan:
    """The (cached) plan for a segment with this ID and qualifier results, walking from ``start``."""
    key = segment_id if signature is None else (segment_id, signature)
    plan = start.plans.get(key)
    if plan is None:
        if segment_id not in transaction.known_ids:
            return NOT_FOUND_PLAN  # not cached: partner data could hold any number of unknown IDs

        def matches(node: MapNode) -> bool:
            return node.is_segment and node.id == segment_id and (node.slot is None or bool(signature and signature[node.slot]))

        plan = build_plan(start, matches)
        start.plans[key] = plan
    return plan
