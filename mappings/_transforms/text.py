"""Text transforms: conversions to text and the small clean-ups partner data always needs."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .._errors import TransformError
from .._values import show
from ._coerce import to_text
from ._registry import register_transform

__all__: list[str] = []

_NOT_DIGITS = re.compile(r"[^0-9]")


def _require_text(value: Any, name: str) -> str:
    if type(value) is str:
        return value
    if not isinstance(value, str):
        raise TransformError(f"{name}: expected text, got {show(value)}")
    return value


@register_transform("str")
def str_(value: Any) -> str:
    return to_text(value)


@register_transform("strip")
def strip(value: Any) -> str:
    return _require_text(value, "strip").strip()


@register_transform("upper")
def upper(value: Any) -> str:
    return _require_text(value, "upper").upper()


@register_transform("lower")
def lower(value: Any) -> str:
    return _require_text(value, "lower").lower()


@register_transform("digits_only")
def digits_only(value: Any) -> str:
    """Phone numbers, UPCs and GS1 IDs arrive with spaces, dashes and brackets."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TransformError(f"digits_only: expected text or an integer, got {show(value)}")
    return _NOT_DIGITS.sub("", str(value))


@register_transform("truncate", shorthand="length", factory=True)
def truncate(params: dict[str, Any]) -> Callable[[Any], str]:
    """Cut text to a field's maximum length (X12 elements, marketplace title limits)."""
    length = params.pop("length", None)
    _no_more(params)
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        raise ValueError(f"length must be a whole number >= 0, got {length!r}")

    def step(value: Any) -> str:
        return _require_text(value, "truncate")[:length]

    return step


@register_transform("pad", shorthand="width", factory=True)
def pad(params: dict[str, Any]) -> Callable[[Any], str]:
    """Pad to a fixed width (``{pad: 9}`` zero-fills an X12 control number; ``side: right`` space-fills IDs).

    Values longer than ``width`` are left as they are; chain ``truncate`` to cut them.
    """
    width = params.pop("width", None)
    side = params.pop("side", "left")
    char = params.pop("char", "0" if side == "left" else " ")
    _no_more(params)
    if isinstance(width, bool) or not isinstance(width, int) or width < 0:
        raise ValueError(f"width must be a whole number >= 0, got {width!r}")
    if not isinstance(char, str) or len(char) != 1:
        raise ValueError(f"char must be a single character, got {char!r}")
    if side not in ("left", "right"):
        raise ValueError(f"side must be left or right, got {side!r}")

    def step(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise TransformError(f"pad: expected text or an integer, got {show(value)}")
        text = str(value)
        return text.rjust(width, char) if side == "left" else text.ljust(width, char)

    return step


@register_transform("split", shorthand="sep", factory=True)
def split(params: dict[str, Any]) -> Callable[[Any], list[str]]:
    """``"a, b,,c"`` → ``["a", "b", "c"]``: items stripped and empty ones dropped unless told otherwise."""
    sep = params.pop("sep", ",")
    strip_items = params.pop("strip", True)
    drop_empty = params.pop("drop_empty", True)
    _no_more(params)
    if not isinstance(sep, str) or not sep:
        raise ValueError(f"sep must be non-empty text, got {sep!r}")

    def step(value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        items = _require_text(value, "split").split(sep)
        if strip_items:
            items = [item.strip() for item in items]
        return [item for item in items if item] if drop_empty else items

    return step


@register_transform("join", shorthand="sep", factory=True)
def join(params: dict[str, Any]) -> Callable[[Any], str]:
    """``["a", "b"]`` → ``"a, b"``; null items are skipped."""
    sep = params.pop("sep", ", ")
    _no_more(params)
    if not isinstance(sep, str):
        raise ValueError(f"sep must be text, got {sep!r}")

    def step(value: Any) -> str:
        if isinstance(value, str):
            return value
        if not isinstance(value, (list, tuple)):
            raise TransformError(f"join: expected a list, got {show(value)}")
        return sep.join(to_text(item) for item in value if item is not None)

    return step


@register_transform("first")
def first(value: Any) -> Any:
    """The first item of a list (null when empty); a single value passes through as it is.

    Passing single values through absorbs the XML-to-JSON habit of giving one element as an
    object and several as a list.
    """
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


@register_transform("default_if_empty", shorthand="value", factory=True)
def default_if_empty(params: dict[str, Any]) -> Callable[[Any], Any]:
    """Empty text (or only spaces), an empty list or mapping becomes ``value``: null by default, so
    the rule's ``default`` applies."""
    replacement = params.pop("value", None)
    _no_more(params)

    def step(value: Any) -> Any:
        if isinstance(value, str):
            return value if value.strip() else replacement
        if isinstance(value, (list, tuple, dict)) and not value:
            return replacement
        return value

    return step


def _no_more(params: dict[str, Any]) -> None:
    if params:
        raise ValueError(f"unknown parameter '{sorted(params)[0]}'")
