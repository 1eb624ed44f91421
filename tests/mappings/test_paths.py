"""Compiled paths give exactly what JMESPath gives, however the record is shaped."""

from __future__ import annotations

from typing import Any

import jmespath
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock.mappings._paths import compile_path, is_truthy

_NAMES = st.sampled_from(["a", "b", "c"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=2),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_NAMES, children, max_size=3),
    max_leaves=12,
)
_STEP = _NAMES.map(lambda name: f".{name}") | st.integers(-3, 3).map(lambda index: f"[{index}]")


@st.composite
def _paths(draw: Any) -> str:
    first = draw(_NAMES)
    return first + "".join(draw(st.lists(_STEP, max_size=4)))


@settings(max_examples=150, deadline=None)
@given(record=_JSON, path=_paths())
def test_fast_paths_agree_with_jmespath(record: Any, path: str) -> None:
    assert compile_path(path)(record) == jmespath.search(path, record)


@settings(max_examples=150, deadline=None)
@given(record=_JSON, paths=st.lists(_paths(), min_size=2, max_size=3))
def test_fallbacks_between_paths_agree_with_jmespath(record: Any, paths: list[str]) -> None:
    expression = " || ".join(paths)
    assert compile_path(expression)(record) == jmespath.search(expression, record)


def test_fallbacks_between_plain_paths_do_not_run_the_jmespath_interpreter() -> None:
    getter = compile_path("updated_at || created_at")
    assert getter({"updated_at": "", "created_at": "2026-01-01"}) == "2026-01-01"
    assert "visit" not in repr(getter)  # a closure over the two getters, not jmespath's tree walk


@settings(max_examples=50, deadline=None)
@given(record=_JSON)
def test_truthiness_is_jmespaths(record: Any) -> None:
    assert is_truthy(record) == bool(jmespath.search("@ && `true`", record))
