"""Running pyx12 and the compiled validator on the same X12, and comparing what each finds.

Both sides are reduced to *located findings*: (segment ordinal in the interchange, segment ID,
segment position in its set, what was found).  What was found is an element code with its element and component, a segment
code, or one of two reader-level checks pyx12 makes outside its map walk (HL numbering, an empty
segment).  Envelope findings (counts, control numbers, trailers) come from different readers on the
two sides (pyx12's ``X12Reader``, Crossdock's envelope tracker) and are compared by verdict only.

Where pyx12 is known to be wrong, :func:`differences` applies Crossdock's corrected behaviour;
each rule is listed in :data:`DOCUMENTED_DIFFERENCES` and the test modules cite them.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from crossdock.edi import X12Issue, prepare_for_pyx12, read_interchanges
from crossdock.edi.compiled import CompiledValidator
from crossdock.edi.validation_pyx12 import Pyx12Issue, validate_with_pyx12

logging.getLogger("pyx12").setLevel(logging.CRITICAL)  # pyx12 logs every finding as an error

MAPS_TESTS = Path(__file__).resolve().parents[1] / "maps"

DOCUMENTED_DIFFERENCES = {
    "unplaced-reader-checks": (
        "pyx12 files its reader-level checks (HL numbering, an empty segment) of a segment it could not place "
        "under a later segment; the compiled validator files them at the segment itself.  In a set with an "
        "unplaced segment these findings are not compared."
    ),
    "between-sets": (
        "pyx12 reports a segment between transaction sets as not found (1) under the previous set; the reader "
        "reports it at interchange level (TA1 024), once per run of such segments."
    ),
    "no-map": (
        "pyx12 stops at a functional group it has no map for and loses what it found in the interchange; the "
        "compiled validator reports the group (AK905 1 or 2) and goes on."
    ),
    "empty-group": (
        "pyx12 drops the 'ST_LOOP missing' of a group with no transaction set (no set is open to file it under); "
        "the compiled validator reports the group (no-transaction-sets)."
    ),
    "set-labels": (
        "after a set without SE, pyx12 labels every later set of the group with that set's control number "
        "(X12Reader.get_st_id returns the first open ST); findings are therefore compared by segment (its ordinal "
        "in the interchange), not by set label."
    ),
    "too-many-components": (
        "pyx12 raises IndexError on a composite with more components than the map defines; the compiled "
        "validator reports element code 3.  Documents with one are not compared."
    ),
}


def load_maps_test_module(name: str) -> ModuleType:
    """A module of ``tests/edi/maps`` (the retail document builders), imported by path."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, MAPS_TESTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


Located = tuple[int | None, str | None, int | None, tuple[object, ...]]


@dataclass
class Findings:
    """One side's verdict on one interchange, reduced for comparison."""

    ok: bool
    located: set[Located] = field(default_factory=set)
    envelope: set[tuple[str, str]] = field(default_factory=set)
    aborted: str | None = None
    raw: list[object] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"ok={self.ok} aborted={self.aborted}"]
        lines += [f"  {issue}" for issue in self.raw]
        return "\n".join(lines)


def _pyx12_what(issue: Pyx12Issue) -> tuple[object, ...]:
    if issue.kind == "ele":
        return ("ele", issue.code, issue.element_position, issue.subelement_position)
    if issue.code in ("HL1", "HL2"):
        return ("hl",)
    if issue.code == "8" and issue.message.endswith("is empty"):
        return ("empty",)
    return ("seg", issue.code)


def _compiled_what(issue: X12Issue) -> tuple[object, ...]:
    if issue.level == "element":
        if issue.data_element is None:
            return ("seg", "8")  # a segment-wide finding, which pyx12 files as a bare segment code 8
        return ("ele", issue.code, issue.element_position, issue.component_position)
    if issue.code == "8" and issue.element_position is not None:
        return ("hl",)
    if issue.code == "8" and issue.message.endswith("is empty"):
        return ("empty",)
    return ("seg", issue.code)


def pyx12_findings(text: str) -> list[Findings]:
    """pyx12's verdict on each interchange, as Crossdock runs it (normalised first)."""
    out: list[Findings] = []
    for interchange in read_interchanges(text.encode("latin-1")):
        result = validate_with_pyx12(prepare_for_pyx12(interchange).text)
        found = Findings(ok=result.ok, aborted=result.aborted, raw=list(result.errors))
        for issue in result.errors:
            if issue.kind in ("seg", "ele"):
                found.located.add((issue.line, issue.segment_id, issue.segment_position, _pyx12_what(issue)))
            else:
                found.envelope.add((issue.kind, issue.code))
        out.append(found)
    return out


def compiled_findings(text: str, validator: CompiledValidator | None = None) -> list[Findings]:
    """The compiled validator's verdict, split by interchange (errors only, as pyx12 has no warnings)."""
    data = text.encode("latin-1")
    starts = [ic.isa.position.byte_offset for ic in read_interchanges(data) if ic.isa.position is not None]
    per_interchange = [Findings(ok=True) for _ in starts]
    for issue in (validator or CompiledValidator()).validate(data):
        if not issue.is_error:
            continue
        offset = issue.byte_offset if issue.byte_offset is not None else len(data)
        index = max(i for i, start in enumerate(starts) if start <= offset)
        found = per_interchange[index]
        found.ok = False
        found.raw.append(issue)
        if issue.level in ("segment", "element"):
            found.located.add((issue.segment_ordinal, issue.segment_id, issue.segment_position, _compiled_what(issue)))
        else:
            found.envelope.add((issue.level, issue.code))
    return per_interchange


def _has_unplaced(found: Findings) -> bool:
    return any(what == ("seg", "1") for *_, what in found.located)


def _loose_positions(text: str) -> set[int]:
    """Segment ordinals (pyx12's ``line``) of segments outside any transaction set, per interchange."""
    loose: set[int] = set()
    for interchange in read_interchanges(text.encode("latin-1")):
        for segment in interchange.loose_segments:
            if segment.position is not None:
                loose.add(segment.position.in_interchange)
    return loose


def differences(text: str, validator: CompiledValidator | None = None) -> list[str]:
    """What the compiled validator and pyx12 disagree on, after the documented corrections (empty: agree)."""
    theirs, ours = pyx12_findings(text), compiled_findings(text, validator)
    loose = _loose_positions(text)
    problems: list[str] = []
    for number, (pyx12, compiled) in enumerate(zip(theirs, ours, strict=True), start=1):
        where = f"interchange {number}"
        if pyx12.aborted is not None:  # DOCUMENTED_DIFFERENCES["no-map"]
            stop = [i for i in pyx12.raw if isinstance(i, Pyx12Issue) and i.kind == "gs"]
            ours_at_gs = [i for i in compiled.raw if isinstance(i, X12Issue) and i.level == "group" and i.segment_id == "GS"]
            if not stop or not any(o.code == s.code and o.gs06 == s.gs06 for s in stop for o in ours_at_gs):
                problems.append(f"{where}: pyx12 stopped ({pyx12.aborted}); no matching group issue\n{compiled.describe()}")
            continue
        empty_groups = [i for i in compiled.raw if isinstance(i, X12Issue) and i.code == "no-transaction-sets"]
        expected_ok = pyx12.ok and not empty_groups  # DOCUMENTED_DIFFERENCES["empty-group"]
        pyx12_located = set(pyx12.located)
        between_sets = {
            (i.line, i.segment_id, i.segment_position, _pyx12_what(i))
            for i in pyx12.raw
            if isinstance(i, Pyx12Issue) and i.kind == "seg" and i.line in loose
        }
        if between_sets:  # DOCUMENTED_DIFFERENCES["between-sets"]
            pyx12_located -= between_sets
            if ("interchange", "024") not in compiled.envelope:
                problems.append(f"{where}: segments between sets not reported by the reader (024)")
        compiled_located = set(compiled.located)
        if _has_unplaced(pyx12) or _has_unplaced(compiled):  # DOCUMENTED_DIFFERENCES["unplaced-reader-checks"]
            reader_level = {("hl",), ("empty",)}
            pyx12_located = {k for k in pyx12_located if k[3] not in reader_level}
            compiled_located = {k for k in compiled_located if k[3] not in reader_level}
        if compiled.ok != expected_ok:
            problems.append(f"{where}: verdicts differ (pyx12 ok={pyx12.ok}, compiled ok={compiled.ok})")
        if pyx12_located != compiled_located:
            problems.append(
                f"{where}: located findings differ\n  pyx12 only: {sorted(pyx12_located - compiled_located, key=str)}"
                f"\n  compiled only: {sorted(compiled_located - pyx12_located, key=str)}"
            )
        if pyx12.envelope and not compiled.envelope:
            problems.append(f"{where}: pyx12 found envelope errors {sorted(pyx12.envelope)}, the compiled validator none")
        if problems:
            problems.append(f"pyx12:\n{pyx12.describe()}\ncompiled:\n{compiled.describe()}")
    return problems
