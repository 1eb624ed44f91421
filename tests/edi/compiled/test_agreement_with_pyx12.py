"""The compiled validator is held to pyx12's verdicts: on every outside sample, every synthetic retail
document of the map tests, and documents broken at random (a segment dropped, duplicated or moved, an
element blanked, made too long or given a bad code), it flags what pyx12 flags, where pyx12 flags it,
with the same codes.  Where pyx12 is known to be wrong, Crossdock's correction applies; every such rule
is in ``compiled_support.DOCUMENTED_DIFFERENCES`` and named where a test relies on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiled_support import compiled_findings, differences, load_maps_test_module
from crossdock.edi.compiled import CompiledValidator

documents = load_maps_test_module("pyx12_retail_documents")
map_tests = load_maps_test_module("test_pyx12_validation")

VARIANTS = ("4010", "vics", "5010")
VALIDATOR = CompiledValidator()


def _agree(text: str) -> None:
    found = differences(text, VALIDATOR)
    assert not found, "\n".join(found)


def test_agrees_with_pyx12_on_samples(edi_samples_dir: Path) -> None:
    """Every outside sample, per interchange; the two files with a group pyx12 has no map for rely on
    DOCUMENTED_DIFFERENCES['no-map']."""
    samples = sorted(edi_samples_dir.glob("*.edi"))
    assert samples, f"no .edi files in {edi_samples_dir}"
    report: list[str] = []
    for path in samples:
        found = differences(path.read_bytes().decode("latin-1"), VALIDATOR)
        report += [f"{path.name}: {line}" for line in found]
    assert not report, "\n".join(report)


def test_invalid_sample_is_flagged_at_the_same_elements_as_pyx12(edi_samples_dir: Path) -> None:
    text = (edi_samples_dir / "staedi_997_5010_INVALID.edi").read_bytes().decode("latin-1")
    (found,) = compiled_findings(text, VALIDATOR)
    assert not found.ok
    assert found.located == {
        (4, "AK1", 2, ("ele", "5", 1, None)),
        (4, "AK1", 2, ("ele", "7", 1, None)),
        (7, "AK4", 5, ("ele", "5", 2, None)),
        (7, "AK4", 5, ("ele", "6", 2, None)),
    }
    assert {issue.st02 for issue in found.raw} == {"0001"}  # type: ignore[union-attr]


def _synthetic_documents() -> dict[str, str]:
    """The documents tests/edi/maps builds: each set in each variant, and every broken or special case."""
    interchange = documents.interchange
    built: dict[str, str] = {}
    for transaction_set in documents.BODIES:
        for variant in VARIANTS:
            built[f"{transaction_set}_{variant}"] = documents.document(transaction_set, variant)
    built["999"] = interchange("5010", "999", [documents.implementation_acknowledgment()])
    for qualifier in map_tests.ISA_QUALIFIERS:
        built[f"isa_qualifier_{qualifier}"] = documents.document("850", "4010", sender_qualifier=qualifier, receiver_qualifier=qualifier)
    built["isa_qualifier_99"] = documents.document("850", "4010", sender_qualifier="99")
    for variant, fields in [("4010", {"auth_qualifier": "01"}), ("4010", {"responsible_agency": "T"}),
                            ("5010", {"auth_qualifier": "03", "usage": "T"})]:
        built[f"envelope_{variant}_{sorted(fields)}"] = documents.document("856", variant, **fields)
    for case, (spec, _) in map_tests.BROKEN.items():
        kwargs = dict(spec)
        bodies = kwargs.pop("bodies")
        built[f"broken_{case}"] = interchange("4010", "850", bodies, **kwargs)
    built["set_in_wrong_group"] = interchange("4010", "850", [documents.BODIES["855"]("4010")]).replace("ST*850*", "ST*855*")
    built["partner_style_850"] = interchange("4010", "850", [map_tests.PARTNER_STYLE_850])
    built["004010_in_00501"] = documents.document("856", "5010").replace("*005010~", "*004010~", 1)
    ship_notice = documents.BODIES["856"]("4010")
    built["hl_unknown_level"] = interchange("4010", "856", [[s if tuple(s[:2]) != ("HL", "4") else ("HL", "4", "3", "X") for s in ship_notice]])
    built["hl_orphan"] = interchange("4010", "856", [[s if tuple(s[:2]) != ("HL", "4") else ("HL", "4", "9", "I") for s in ship_notice]])
    built["three_sets"] = interchange("4010", "850", [documents.BODIES["850"]("4010")] * 3)
    return built


SYNTHETIC = _synthetic_documents()


@pytest.mark.parametrize("name", list(SYNTHETIC))
def test_agrees_with_pyx12_on_synthetic_documents(name: str) -> None:
    _agree(SYNTHETIC[name])


def test_segment_between_sets_is_left_to_the_readers_envelope_check() -> None:
    """DOCUMENTED_DIFFERENCES['between-sets']: pyx12 files it as not found under the previous set."""
    text = documents.document("850", "4010").replace("~\nST*850", "~\nREF*ZZ*STRAY~\nST*850", 1)
    _agree(text)
    (found,) = compiled_findings(text, VALIDATOR)
    assert ("interchange", "024") in found.envelope


def test_group_with_no_transaction_set_is_reported_where_pyx12_drops_it() -> None:
    """DOCUMENTED_DIFFERENCES['empty-group']."""
    text = documents.document("850", "4010")
    empty = text.split("ST*850*")[0] + "GE*0*101~\nIEA*1*000000101~\n"
    (found,) = compiled_findings(empty, VALIDATOR)
    assert not found.ok and ("group", "no-transaction-sets") in found.envelope
    _agree(empty)


def test_composite_with_too_many_components_is_reported_where_pyx12_crashes() -> None:
    """DOCUMENTED_DIFFERENCES['too-many-components']: not compared, pyx12 raises IndexError."""
    body = [tuple(s) for s in map_tests.PARTNER_STYLE_850]
    broken = [("CTP", "", "UCP", "5.25", "1", "EA>1>2>3>4>5>6>7>8>9>10>11>12>13>14>15>16") if s[:3] == ("CTP", "", "UCP") else s for s in body]
    (found,) = compiled_findings(documents.interchange("4010", "850", [broken]), VALIDATOR)
    assert any(key[1:] == ("CTP", 25, ("seg", "8")) for key in found.located)
    assert [(i.code, i.element_position) for i in found.raw if i.data_element is None] == [("3", 5)]  # type: ignore[union-attr]


# -- differential: random breakage ------------------------------------------------------------------

Body = list[tuple[str, ...]]
OVERLONG = "X" * 90
BAD_CODES = ("ZZ", "99", "Q", "BOGUS")


@st.composite
def broken_documents(draw: st.DrawFn) -> tuple[str, str]:
    """A valid synthetic document with one or two breakages of the kinds partners make."""
    transaction_set = draw(st.sampled_from(sorted(documents.BODIES)))
    variant = draw(st.sampled_from(VARIANTS))
    body: Body = [tuple(s) for s in documents.BODIES[transaction_set]("5010" if variant == "5010" else "4010")]
    applied: list[str] = []
    for _ in range(draw(st.integers(1, 2))):
        index = draw(st.integers(0, len(body) - 1))
        kind = draw(st.sampled_from(["drop", "duplicate", "reorder", "blank", "overlong", "bad_code"]))
        if kind == "drop" and len(body) > 1:
            del body[index]
        elif kind == "duplicate":
            body.insert(index, body[index])
        elif kind == "reorder":
            moved = body.pop(index)
            body.insert(draw(st.integers(0, len(body))), moved)
        else:
            segment = list(body[index])
            position = draw(st.integers(1, len(segment) - 1)) if len(segment) > 1 else 1
            while len(segment) <= position:
                segment.append("")
            segment[position] = {"blank": "", "overlong": OVERLONG}.get(kind) or draw(st.sampled_from(BAD_CODES))
            body[index] = tuple(segment)
        applied.append(f"{kind}@{index}")
    return f"{transaction_set} {variant} {' '.join(applied)}", documents.interchange(variant, transaction_set, [body])


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=broken_documents())
def test_differential_against_pyx12_on_mutations(case: tuple[str, str]) -> None:
    label, text = case
    found = differences(text, VALIDATOR)
    assert not found, label + "\n" + "\n".join(found)


def test_hl_numbering_of_a_segment_pyx12_cannot_place_is_filed_at_that_hl() -> None:
    """DOCUMENTED_DIFFERENCES['unplaced-reader-checks']: CTT moved up, so the HLs after it are not placed;
    pyx12 files their numbering findings under a later segment, the compiled validator at each HL."""
    body = [tuple(s) for s in documents.BODIES["856"]("4010")]
    ctt = body.pop()
    body.insert(8, ctt)  # before HL*2, whose HL01 is then out of sequence
    body = [s for s in body if tuple(s[:2]) != ("HL", "2")] + [("HL", "2", "1", "O")]
    text = documents.interchange("4010", "856", [body])
    _agree(text)
    (found,) = compiled_findings(text, VALIDATOR)
    hl_findings = [i for i in found.raw if i.segment_id == "HL" and i.code == "8"]  # type: ignore[union-attr]
    assert hl_findings and all(i.element_position in (1, 2) for i in hl_findings)  # type: ignore[union-attr]


def test_sets_after_one_without_se_keep_their_own_control_numbers() -> None:
    """DOCUMENTED_DIFFERENCES['set-labels']."""
    bodies = [documents.BODIES["850"]("4010")] * 3
    text = documents.interchange("4010", "850", bodies).replace("SE*28*0001~\n", "", 1)
    _agree(text)
    (found,) = compiled_findings(text, VALIDATOR)
    assert {"0001"} == {i.st02 for i in found.raw if i.code == "3" and i.segment_id == "SE"}  # type: ignore[union-attr]

