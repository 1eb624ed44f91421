"""What the compiled validator reports and how: located issues in the 997/999 vocabulary, filed on the
live envelope structures so acknowledgments carry them, in memory that does not grow with the input."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from compiled_support import load_maps_test_module
from crossdock.edi import EnvelopeEvent, FunctionalGroup, Interchange, X12Issue, build_functional_ack, render_segments
from crossdock.edi.compiled import CompiledValidator, compile_maps

documents = load_maps_test_module("pyx12_retail_documents")
VALIDATOR = CompiledValidator()


def _purchase_order(**replace: tuple[str, ...]) -> str:
    body = [replace.get(s[0], tuple(s)) for s in documents.purchase_order("4010")]
    return documents.interchange("4010", "850", [body])


def _errors(text: str | bytes, validator: CompiledValidator = VALIDATOR) -> list[X12Issue]:
    data = text.encode("latin-1") if isinstance(text, str) else text
    return [issue for issue in validator.validate(data) if issue.is_error]


def test_valid_documents_give_no_issue() -> None:
    for transaction_set in documents.BODIES:
        for variant in ("4010", "vics", "5010"):
            assert _errors(documents.document(transaction_set, variant)) == [], (transaction_set, variant)


def test_issues_name_segment_position_and_element() -> None:
    text = _purchase_order(BEG=("BEG", "99", "SA", "PO1001", "", "20240105"))
    (issue,) = _errors(text)
    assert (issue.level, issue.code) == ("element", "7")
    assert (issue.segment_id, issue.segment_position, issue.element_position, issue.component_position) == ("BEG", 2, 1, None)
    assert (issue.data_element, issue.bad_value) == ("353", "99")
    assert (issue.isa13, issue.gs06, issue.st02, issue.st01) == ("000000101", "101", "0001", "850")
    assert issue.segment_ordinal == 4 and issue.line == 4
    assert text.encode("latin-1")[issue.byte_offset : issue.byte_offset + 6] == b"BEG*99"  # type: ignore[index, operator]
    assert issue.in_ack and "BEG01" in str(issue)


def test_component_errors_name_the_component() -> None:
    body = [("BEG", "00", "SA", "PO1", "", "20240105"), ("PO1", "1", "1", "EA", "1"), ("CTP", "", "UCP", "5.25", "1", "EA>X")]
    (issue,) = _errors(documents.interchange("4010", "850", [body]))
    assert (issue.segment_id, issue.element_position, issue.component_position, issue.code) == ("CTP", 5, 2, "6")
    assert (issue.data_element, issue.bad_value) == ("1018", "X")


def test_missing_mandatory_segment_is_named_at_the_position_where_it_was_due() -> None:
    text = documents.interchange("4010", "850", [[s for s in documents.purchase_order("4010") if s[0] != "BEG"]])
    (issue,) = _errors(text)
    assert (issue.level, issue.code, issue.segment_id, issue.segment_position) == ("segment", "3", "BEG", 2)


def test_syntax_rule_and_too_many_elements_are_located_at_the_element() -> None:
    text = _purchase_order(N1=("N1", "ST"), CUR=("CUR", "BY", "USD", *[""] * 19, "EXTRA"))
    found = {(i.segment_id, i.code, i.element_position, i.data_element) for i in _errors(text)}
    assert ("N1", "2", 2, None) in found  # R0203: N102 or N103 required
    assert ("CUR", "3", 22, None) in found  # CUR has 21 elements


def test_segment_repeated_past_its_maximum_use_is_code_5() -> None:
    body = list(documents.purchase_order("4010"))
    body.insert(1, body[0])
    (issue,) = _errors(documents.interchange("4010", "850", [body]))
    assert (issue.code, issue.segment_id, issue.segment_position) == ("5", "BEG", 3)


def test_hierarchy_checks_name_hl01_and_hl02_and_can_be_left_to_the_caller() -> None:
    body = [s if tuple(s[:2]) != ("HL", "4") else ("HL", "5", "9", "I") for s in documents.ship_notice("4010")]
    text = documents.interchange("4010", "856", [body])
    found = [(i.segment_id, i.code, i.element_position, i.bad_value) for i in _errors(text)]
    assert found == [("HL", "8", 1, "5"), ("HL", "8", 2, "9")]
    assert _errors(text, CompiledValidator(hierarchy=False)) == []


def test_non_ascii_letters_are_judged_as_the_normaliser_shows_them_to_pyx12() -> None:
    text = _purchase_order(N3=("N3", "1 RUE DE L'ÉGLISE")).encode("latin-1")
    assert _errors(text) == []


def test_group_without_a_map_is_reported_and_the_next_group_is_still_checked() -> None:
    good = documents.document("850", "4010")
    head, rest = good.split("GS*", 1)
    group = "GS*" + rest.rsplit("IEA*", 1)[0]
    unmapped = group.replace("*004010~", "*003010~", 1).replace("*101*", "*102*", 1).replace("GE*1*101", "GE*1*102")
    broken = group.replace("BEG*00*", "BEG*99*", 1)
    text = head + unmapped + broken + "IEA*2*000000101~\n"
    found = [(i.level, i.code, i.segment_id, i.gs06) for i in _errors(text)]
    assert ("group", "2", "GS", "102") in found  # GS01 PO is known, its version is not
    assert ("element", "7", "BEG", "101") in found  # pyx12 would have stopped at group 102


def test_unreadable_input_is_an_issue_not_an_exception() -> None:
    (issue,) = VALIDATOR.validate(b"ISA*00*" + b"x" * 40)
    assert issue.level == "interchange" and issue.code == "023"


def test_findings_are_on_the_live_structures_so_the_997_rejects_the_set() -> None:
    order = [tuple(s) for s in documents.purchase_order("4010")]
    first_line = order.index(next(s for s in order if s[0] == "PO1"))
    broken = list(order)
    broken[first_line] = ("PO1", "1", "12A", "EA", "9.99")
    text = documents.interchange("4010", "850", [order, broken])
    acks: list[str] = []
    interchange: Interchange | None = None
    for kind, obj in VALIDATOR.iter_events(text.encode("latin-1")):
        if kind == EnvelopeEvent.INTERCHANGE_START:
            interchange = obj  # type: ignore[assignment]
        elif kind == EnvelopeEvent.GROUP_END:
            assert interchange is not None
            ack = build_functional_ack(interchange, obj, isa13=7, gs06=7, when=datetime(2024, 1, 5, tzinfo=UTC))  # type: ignore[arg-type]
            acks.append(render_segments(ack))
    (ack,) = acks
    assert "AK2*850*0001~AK5*A~" in ack.replace("\n", "")
    assert f"AK2*850*0002~AK3*PO1*{first_line + 2}**8~AK4*2*330*6*12A~AK5*R*5~" in ack.replace("\n", "")
    assert "AK9*P*2*2*1~" in ack.replace("\n", "")


# -- memory --------------------------------------------------------------------------------------

class _GeneratedInventory(io.RawIOBase):
    """An 846 with one transaction set of about ``lines`` × 4 segments, produced as it is read."""

    def __init__(self, lines: int) -> None:
        self._chunks = self._generate(lines)
        self._pending = b""

    @staticmethod
    def _generate(lines: int) -> Iterator[bytes]:
        isa = documents.segment_text(documents.isa(documents.RELEASES["4010"], "000000001"))
        head = [isa, "GS*IB*CROSSDOCK*RETAILER*20240105*1200*1*X*004010", "ST*846*0001", "BIA*00*SI*INV1*20240105"]
        yield ("~\n".join(head) + "~\n").encode()
        for n in range(lines):
            yield (f"LIN**UP*{n:012d}*VN*SKU-{n}~\nPID*F****ITEM {n}~\nQTY*33*{n % 500}*EA~\n"
                   f"SCH*{n % 90 + 1}*EA***018*20240201~\n").encode()
        yield f"CTT*{lines}~\nSE*{lines * 4 + 4}*0001~\nGE*1*1~\nIEA*1*000000001~\n".encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        while len(self._pending) < len(buffer):
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._pending += chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _peak_while_validating(validator: CompiledValidator, lines: int) -> int:
    tracemalloc.start()
    try:
        issues = list(validator.iter_issues(io.BufferedReader(_GeneratedInventory(lines))))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert not [i for i in issues if i.is_error]


def test_streams_large_set_in_bounded_memory() -> None:
    validator = CompiledValidator(compile_maps())
    list(validator.iter_issues(io.BufferedReader(_GeneratedInventory(9_000))))  # fill the bounded caches first
    small = _peak_while_validating(validator, 2_000)  # one set of 8,000 segments
    large = _peak_while_validating(validator, 9_900)  # one set of 39,600 segments (the map allows 10,000 LIN loops)
    assert large < small * 1.25 + 256 * 1024, (small, large)


@pytest.mark.parametrize("lines", [1, 3])
def test_generated_inventory_is_itself_valid(lines: int) -> None:
    data = io.BufferedReader(_GeneratedInventory(lines)).read()
    assert _errors(data) == []
