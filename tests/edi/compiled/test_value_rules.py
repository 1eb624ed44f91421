"""Data type rules restated without regular expressions decide exactly as pyx12's own functions do,
quirks included (a lone ``-`` is a valid R, a time is compared as text, ``YYMMDD`` below 50 is 20xx)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock.edi.compiled import compile_maps
from crossdock.edi.compiled._rules import CompositeRule, ElementRule
from crossdock.edi.compiled._values import as_pyx12_text, type_checker
from pyx12 import validation

TYPES = ["N0", "N2", "R", "DT", "D8", "D6", "TM", "RD8", "AN", "ID", "B", "ZZ"]
values = st.text(alphabet="0123456789-.:^`aZ #", min_size=1, max_size=14) | st.sampled_from(
    ["20240229", "20230229", "19000229", "20000229", "240105", "491231", "501231", "202401051260", "202401052359",
     "2359", "2400", "235960", "23595999", "235959999", "-", ".", "-.5", "1.", "20240101-20240131", "20240101-2024013"]
)


@settings(max_examples=600, deadline=None)
@given(data_type=st.sampled_from(TYPES), value=values)
def test_value_rules_decide_as_pyx12(data_type: str, value: str) -> None:
    if data_type == "RD8" and value.count("-") > 1:
        return  # pyx12 raises ValueError unpacking the range; the compiled rule calls it invalid
    checker = type_checker(data_type, extended_5010=False)
    ours = True if checker is None else checker(value)
    assert ours == validation.IsValidDataType(value, data_type, "E", "00401"), (data_type, value)


@settings(max_examples=200, deadline=None)
@given(value=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=10))
def test_text_on_a_5010_map_allows_every_printable_ascii_character(value: str) -> None:
    checker = type_checker("AN", extended_5010=True)
    assert (checker is None or checker(value)) == validation.IsValidDataType(value, "AN", "E", "00501")


@pytest.mark.parametrize(
    ("received", "shown"),
    [("CAFÉ", "CAFE"), ("a\tb", "a b"), ("€", "?"), ("plain", "plain")],
)
def test_non_ascii_is_judged_as_the_normaliser_shows_it(received: str, shown: str) -> None:
    assert as_pyx12_text(received) == shown


def _open_rules() -> list[ElementRule]:
    """Every element rule of every map that has a fast path (one per data type and length)."""
    seen: dict[tuple[str, int, int, bool], ElementRule] = {}
    for transaction in compile_maps().transactions.values():
        for node in transaction.segments:
            assert node.rule is not None
            for item in node.rule.items:
                for rule in item.components if isinstance(item, CompositeRule) else (item,):
                    if rule.quick is not None:
                        key = (rule.data_type, rule.min_len, rule.max_len, transaction.icvn == "00501")
                        seen.setdefault(key, rule)
    return list(seen.values())


OPEN_RULES = _open_rules()


@settings(max_examples=400, deadline=None)
@given(rule=st.sampled_from(OPEN_RULES), value=st.text(alphabet="0123456789.- ^`aZ", min_size=1, max_size=40))
def test_the_fast_path_never_accepts_what_the_full_check_rejects(rule: ElementRule, value: str) -> None:
    if rule.quick is not None and rule.quick(value):
        assert rule.check_text(value) == [], (rule.refdes, rule.data_type, value)
