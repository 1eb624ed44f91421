"""Reading a pyx12 map folder once: maps.xml, dataele.xml, codes.xml and every map they name.

The tree is built the way pyx12 4.0.0's ``map_if`` builds it (``_root.py``, ``_loop.py``,
``_segment.py``, ``_composite.py``, ``_element.py``), because the walk and the counters depend on
its details: children ordered by position with loops first at one position, a segment's path
given a ``[code]`` suffix only when it shares its position, node equality by ID and parent ID.
Where pyx12 would fail only when a file reached the broken part of a map (an undefined data
element, a gap in element numbers), compiling fails at once with :class:`MapCompileError`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..pyx12_maps import MAP_PATH
from ._maps import MAXINT, CompiledMaps, MapCompileError, MapNode, Qualifier, TransactionMap
from ._rules import CompositeRule, ElementRule, SegmentRule, SyntaxRule, syntax_rule
from ._values import quick_pass, type_checker

__all__ = ["compile_maps", "compile_map_file"]

_USAGES = frozenset({"R", "S", "N"})


@dataclass(frozen=True, slots=True)
class _DataElement:
    data_type: str
    min_len: int
    max_len: int
    name: str


def _field(elem: ET.Element, name: str) -> str | None:
    """An attribute, else a child element's text (pyx12 accepts both spellings)."""
    value = elem.get(name)
    return value if value else elem.findtext(name)


def _read_data_elements(path: Path) -> dict[str, _DataElement]:
    found: dict[str, _DataElement] = {}
    for entry in ET.parse(path).getroot().iter("data_ele"):
        number = entry.get("ele_num")
        if number:
            found[number] = _DataElement(
                entry.get("data_type") or "",
                int(entry.get("min_len") or 0),
                int(entry.get("max_len") or 0),
                entry.get("name") or number,
            )
    return found


def _read_code_lists(path: Path) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for codeset in ET.parse(path).getroot().iter("codeset"):
        key = codeset.findtext("id")
        if key:
            found[key] = frozenset(code.text or "" for code in codeset.iterfind("version/code"))
    return found


class _MapReader:
    """Builds one :class:`TransactionMap` from its XML."""

    def __init__(self, file: str, data_elements: dict[str, _DataElement], code_lists: dict[str, frozenset[str]]) -> None:
        self.file = file
        self.data_elements = data_elements
        self.code_lists = code_lists
        self.extended_5010 = False

    def fail(self, message: str) -> MapCompileError:
        return MapCompileError(f"{self.file}: {message}")

    # -- elements -----------------------------------------------------------------------------
    def element(self, elem: ET.Element, segment_id: str, position: int | None, composite: CompositeRule | None,
                composite_usage: str | None) -> ElementRule:
        refdes = elem.get("xid") or ""
        number = _field(elem, "data_ele") or ""
        definition = self.data_elements.get(number)
        if definition is None:
            raise self.fail(f"{segment_id} element {refdes} names data element {number!r}, which dataele.xml does not define")
        usage = _field(elem, "usage") or ""
        if usage not in _USAGES:
            raise self.fail(f"{segment_id} element {refdes} has usage {usage!r}")
        seq = int(_field(elem, "seq") or 0)
        inline: list[str] = []
        codes: set[str] = set()
        valid = elem.find("valid_codes")
        external = None
        if valid is not None:
            inline = [code.text or "" for code in valid.findall("code")]
            codes.update(inline)
            external = valid.get("external")
            if external is not None:
                if external not in self.code_lists:
                    raise self.fail(f"{segment_id} element {refdes} uses code list {external!r}, which codes.xml does not define")
                codes |= self.code_lists[external]
        checked = bool(codes) or external is not None
        pattern = elem.findtext("regex")
        try:
            regex = re.compile(pattern, re.S) if pattern else None
        except re.error as exc:
            raise self.fail(f"{segment_id} element {refdes} has a regex that does not compile: {exc}") from None
        in_composite = composite_usage is not None
        required = usage == "R" and (seq != 1 or not in_composite or composite_usage == "R")
        return ElementRule(
            position=position if position is not None else seq,
            component=seq if in_composite else None,
            refdes=refdes,
            data_element=number,
            name=_field(elem, "name") or refdes,
            usage=usage,
            required=required,
            data_type=definition.data_type,
            min_len=definition.min_len,
            max_len=definition.max_len,
            codes=frozenset(codes) if checked else None,
            inline_codes=tuple(inline),
            regex=regex,
            type_ok=type_checker(definition.data_type, extended_5010=self.extended_5010),
            quick=quick_pass(definition.data_type, definition.min_len, definition.max_len, extended_5010=self.extended_5010),
        )

    def composite(self, elem: ET.Element, segment_id: str) -> CompositeRule:
        refdes = _field(elem, "refdes") or elem.get("xid") or ""
        usage = _field(elem, "usage") or ""
        if usage not in _USAGES:
            raise self.fail(f"{segment_id} composite {refdes} has usage {usage!r}")
        seq = int(_field(elem, "seq") or 0)
        components = tuple(self.element(child, segment_id, seq, None, usage) for child in elem.findall("element"))
        return CompositeRule(
            position=seq,
            refdes=refdes,
            data_element=_field(elem, "data_ele") or refdes,
            name=_field(elem, "name") or refdes,
            usage=usage,
            components=components,
        )

    def segment_rule(self, elem: ET.Element, segment_id: str, name: str) -> SegmentRule:
        by_seq: dict[int, ET.Element] = {}
        for child in elem.findall("element"):
            by_seq[int(_field(child, "seq") or 0)] = child
        for child in elem.findall("composite"):
            by_seq[int(_field(child, "seq") or 0)] = child
        if sorted(by_seq) != list(range(1, len(by_seq) + 1)):
            raise self.fail(f"segment {segment_id} numbers its elements {sorted(by_seq)}, not 1..{len(by_seq)}")
        items: list[ElementRule | CompositeRule] = []
        for seq in sorted(by_seq):
            child = by_seq[seq]
            if child.tag == "composite":
                items.append(self.composite(child, segment_id))
            else:
                items.append(self.element(child, segment_id, None, None, None))
        syntax: list[SyntaxRule] = []
        for note in elem.findall("syntax"):
            text = note.text or ""
            if not text or text[0] not in "PRCLE":
                continue  # pyx12 ignores notes of other kinds
            positions = [int(text[1 + 2 * i : 3 + 2 * i]) for i in range(len(text[1:]) // 2)]
            if len(positions) < 2:
                raise self.fail(f"segment {segment_id} has syntax note {text!r} naming fewer than two elements")
            syntax.append(syntax_rule(segment_id, text[0], positions))
        return SegmentRule(segment_id, name, tuple(items), tuple(syntax), split_components=segment_id != "ISA")

    # -- tree ---------------------------------------------------------------------------------
    def node(self, elem: ET.Element, parent: MapNode) -> MapNode:
        kind = "loop" if elem.tag == "loop" else "segment"
        node_id = elem.get("xid") or ""
        usage = _field(elem, "usage") or ""
        if usage not in _USAGES:
            raise self.fail(f"{kind} {node_id} has usage {usage!r}")
        limit = _field(elem, "repeat") if kind == "loop" else _field(elem, "max_use")
        node = MapNode(
            kind=kind,  # type: ignore[arg-type]
            id=node_id,
            name=_field(elem, "name") or node_id,
            usage=usage,
            pos=int(_field(elem, "pos") or 0),
            max_repeat=MAXINT if limit in (None, ">1", "&gt;1") else int(limit),  # type: ignore[arg-type]
            path=node_id,
            parent=parent,
            same_as=(node_id, parent.id),
        )
        if kind == "segment":
            node.rule = self.segment_rule(elem, node_id, node.name)
        else:
            self.children(elem, node)
        return node

    def children(self, elem: ET.Element, parent: MapNode) -> None:
        by_pos: dict[int, list[MapNode]] = {}
        for child in [*elem.findall("loop"), *elem.findall("segment")]:
            node = self.node(child, parent)
            by_pos.setdefault(node.pos, []).append(node)
        for pos in sorted(by_pos):
            siblings = by_pos[pos]
            if len(siblings) > 1:
                for node in siblings:
                    code = _guess_key_code(node)
                    if code is not None:
                        node.path = f"{node.path}[{code}]"
            parent.children += siblings

    def read(self, path: Path) -> TransactionMap:
        root_elem = ET.parse(path).getroot()
        self.extended_5010 = _map_icvn(root_elem) == "00501"
        root = MapNode("root", root_elem.get("xid") or "", _field(root_elem, "name") or "", "R", 0, MAXINT, "/", None)
        self.children(root_elem, root)
        return _finish(self.file, root, _map_icvn(root_elem))


def _map_icvn(root: ET.Element) -> str | None:
    """ISA12's first valid code in the map (pyx12 picks the character set by it)."""
    for loop in root.findall("loop"):
        if loop.get("xid") == "ISA_LOOP":
            for segment in loop.findall("segment"):
                if segment.get("xid") == "ISA":
                    for element in segment.findall("element"):
                        if element.get("xid") == "ISA12":
                            code = element.find("valid_codes/code")
                            return code.text if code is not None else None
    return None


def _first_rule_item(node: MapNode, index: int) -> ElementRule | CompositeRule | None:
    items = node.rule.items if node.rule is not None else ()
    return items[index] if len(items) > index else None


def _guess_key_code(node: MapNode) -> str | None:
    """pyx12's ``guess_unique_key_id_element``: the first code of the element that tells same-position segments apart."""
    if not node.is_segment:
        return None
    first, second, third = (_first_rule_item(node, i) for i in range(3))
    for candidate, ok in (
        (first, isinstance(first, ElementRule) and first.data_type == "ID"),
        (second, node.id == "ENT" and isinstance(second, ElementRule) and second.data_type == "ID"),
        (first.components[0] if isinstance(first, CompositeRule) and first.components else None,
         isinstance(first, CompositeRule) and bool(first.components) and first.components[0].data_type == "ID"),
        (third, node.id == "HL" and isinstance(third, ElementRule)),
    ):
        if ok and isinstance(candidate, ElementRule) and candidate.codes is not None and _inline_codes(candidate):
            return _inline_codes(candidate)[0]
    return None


def _inline_codes(rule: ElementRule) -> tuple[str, ...]:
    return rule.inline_codes


def _qualifier(node: MapNode) -> Qualifier | None:
    """pyx12's ``_resolve_unique_key_field(with_qual=False)``: where ``is_match`` reads the qualifier."""
    first, second, third = (_first_rule_item(node, i) for i in range(3))
    if isinstance(first, ElementRule) and first.data_type == "ID" and first.usage == "R" and _inline_codes(first):
        return Qualifier(1, None, frozenset(_inline_codes(first)))
    if node.id == "ENT" and isinstance(second, ElementRule) and second.data_type == "ID" and _inline_codes(second):
        return Qualifier(2, None, frozenset(_inline_codes(second)))
    if isinstance(first, CompositeRule) and first.components:
        component = first.components[0]
        if _inline_codes(component) and (component.data_type == "ID" or (node.id == "CTX" and component.data_type == "AN")):
            return Qualifier(1, 1, frozenset(_inline_codes(component)))
    if node.id == "HL" and isinstance(third, ElementRule) and _inline_codes(third):
        return Qualifier(3, None, frozenset(_inline_codes(third)))
    return None


def _walk_nodes(root: MapNode) -> list[MapNode]:
    out: list[MapNode] = []
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out


def _full_path(node: MapNode) -> str:
    parts: list[str] = []
    current: MapNode | None = node
    while current is not None and current.kind != "root":
        parts.append(current.path)
        current = current.parent
    return "/" + "/".join(reversed(parts))


def _finish(file: str, root: MapNode, icvn: str | None) -> TransactionMap:
    nodes = _walk_nodes(root)
    full = {id(node): _full_path(node) for node in nodes}
    for node in nodes:
        node.path = full[id(node)]
    paths = sorted({node.path for node in nodes}, key=lambda p: tuple(p.split("/")))
    index = {path: i for i, path in enumerate(paths)}
    split = [tuple(p.split("/")) for p in paths]
    for node in nodes:
        node.key = index[node.path]
        if node.is_loop:
            own = split[node.key]
            end = node.key + 1
            while end < len(split) and split[end][: len(own)] == own:
                end += 1
            node.reset = (node.key + 1, end)
    segments = [node for node in nodes if node.is_segment]
    slots: dict[str, list[Qualifier]] = {}
    for node in segments:
        qualifier = _qualifier(node)
        if qualifier is not None:
            found = slots.setdefault(node.id, [])
            if qualifier not in found:
                found.append(qualifier)
            node.slot = found.index(qualifier)
    return TransactionMap(
        file=file,
        id=root.id,
        name=root.name,
        icvn=icvn,
        root=root,
        counter_paths=tuple(paths),
        counter_index=index,
        qualifiers={seg_id: tuple(found) for seg_id, found in slots.items()},
        known_ids=frozenset(node.id for node in segments),
        segments=tuple(segments),
        by_path={path: node for node in reversed(nodes) for path in (node.path,)},
    )


def compile_map_file(path: Path, data_elements: dict[str, _DataElement], code_lists: dict[str, frozenset[str]]) -> TransactionMap:
    """One map file, with the folder's data element and code list definitions."""
    return _MapReader(path.name, data_elements, code_lists).read(path)


def compile_maps(map_path: Path = MAP_PATH, *, lazy: bool = False) -> CompiledMaps:
    """Compile a pyx12 map folder: every map ``maps.xml`` names, and the two envelope maps.

    ``maps.xml``, ``dataele.xml`` and ``codes.xml`` are read here; each map file once, here or (with
    ``lazy``) when a file first needs it.  The result holds no reference to the XML.  Raises
    :class:`MapCompileError` for a map pyx12 could not validate with either (with ``lazy``, when
    that map is first used).
    """
    folder = Path(map_path)
    data_elements = _read_data_elements(folder / "dataele.xml")
    code_lists = _read_code_lists(folder / "codes.xml")
    registrations: list[tuple[str, str, str, str]] = []
    for version in ET.parse(folder / "maps.xml").getroot().iter("version"):
        icvn = version.get("icvn") or ""
        for entry in version.iterfind("map"):
            registrations.append((icvn, entry.get("vriic") or "", entry.get("fic") or "", (entry.text or "").strip()))

    def compile_file(file: str) -> TransactionMap:
        if Path(file).name != file:
            raise MapCompileError(f"maps.xml names {file!r}, which is not a file name in the folder")
        return compile_map_file(folder / file, data_elements, code_lists)

    maps = CompiledMaps(folder, tuple(registrations), compile_file)
    if not lazy:
        maps.transactions  # noqa: B018 - compile every map now, so a broken one fails here
    return maps
