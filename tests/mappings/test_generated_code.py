"""Mappings run generated code; it gives what the rule evaluators give, output and errors alike.

Each shipped mapping is compiled twice: as it runs (each ``fields`` block generated into one
function) and interpreted, rule by rule, through the evaluators that define what a rule does. Both
get the same records, drawn from the names the mapping itself uses, so most of them hit its paths,
its transforms and its errors.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crossdock.connectors.file._transforms  # noqa: F401  (registers file_readable)
import crossdock.connectors.netsuite._transforms  # noqa: F401  (registers the NetSuite transforms)
from crossdock.mappings import CompiledMapping, MappingError, _compiled, _compiler, compile_mapping
from crossdock.mappings._plan import interpret

SHIPPED = sorted(Path(__file__).resolve().parents[2].joinpath("mappings").glob("*/*.yaml"))


def _interpreted(text: str, source: str, monkeypatch: pytest.MonkeyPatch) -> CompiledMapping:
    with monkeypatch.context() as patch:
        reference = lambda entries: partial(interpret, entries)
        patch.setattr(_compiler, "generate_builder", reference)
        patch.setattr(_compiled, "generate_builder", reference)
        return compile_mapping(text, source=source)


def _outcome(mapping: CompiledMapping, record: Any) -> Any:
    try:
        return ("ok", mapping.apply(record, record_key="r1"))
    except MappingError as exc:
        return ("error", str(exc), exc.field, exc.line)


def _records(text: str) -> st.SearchStrategy[dict[str, Any]]:
    names = sorted(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)))
    keys = st.sampled_from(names)
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-5, 50)
        | st.decimals(min_value=-100, max_value=1000, places=2, allow_nan=False)
        | st.sampled_from(["USD", "eur", "US", "2026-03-01T10:00:00Z", "2026-03-01", "", " A-1 ", "open", "paid"])
        | keys
    )
    values = st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=6), max_leaves=30
    )
    return st.dictionaries(keys, values, min_size=1, max_size=14)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_generated_code_and_the_rule_evaluators_agree(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text()
    source = f"mappings/{path.parent.name}/{path.name}"
    generated = compile_mapping(text, source=source)
    reference = _interpreted(text, source, monkeypatch)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(record=_records(text))
    def agree(record: dict[str, Any]) -> None:
        assert _outcome(generated, record) == _outcome(reference, record)

    agree()


def test_a_failing_step_inside_a_list_is_reported_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    text = """
name: t
fields:
  lines:
    each: items
    fields:
      qty: {path: q, transform: int, required: true}
      price: {path: p, transform: {money: {currency: USD}}}
"""
    record = {"items": [{"q": 1, "p": "1.00"}, {"q": "x", "p": "2"}]}
    generated = _outcome(compile_mapping(text, source="t.yaml"), record)
    assert generated == _outcome(_interpreted(text, "t.yaml", monkeypatch), record)
    assert generated[0] == "error" and generated[2] == "lines[1].qty" and generated[3] == 7
    assert _outcome(compile_mapping(text, source="t.yaml"), {"items": [{"q": 2, "p": Decimal("3.5")}]}) == (
        "ok", {"lines": [{"qty": 2, "price": {"amount": Decimal("3.5"), "currency": "USD"}}]}
    )


@pytest.mark.parametrize(
    "record", [{"s": "  "}, {"s": " ab "}, {"s": None}, {}, {"s": 5}, {"s": "zz"}, {"flag": True, "s": "x"}]
)
def test_steps_stop_at_null_and_defaults_conditions_and_nulls_apply_the_same_way(
    record: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = """
name: t
lookups:
  codes: {AB: alpha, ZZ: zulu}
fields:
  code: {path: s, transform: [default_if_empty, strip, upper], lookup: codes, default: none}
  kept: {path: s, transform: default_if_empty, keep_null: true}
  only_flagged: {path: s, when: flag, transform: str}
  needed: {path: "s || t", transform: str, required: true}
"""
    assert _outcome(compile_mapping(text, source="t.yaml"), record) == _outcome(
        _interpreted(text, "t.yaml", monkeypatch), record
    )
