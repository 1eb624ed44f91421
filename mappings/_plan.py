"""What a compiled mapping runs per record: evaluators over compiled expressions, nothing else.

The compiler (``_compiler.py``) resolves every path, transform, lookup table and target path once;
this module holds the small evaluators it assembles, one per rule, and defines what each rule does.
An output object is a tuple of ``(key, evaluate, site)`` entries, evaluated in order by a
:data:`Builder` that ``_codegen.py`` generates from them (leaf rules written out inline from their
:class:`LeafSpec`): no parsing, no dotted-path splitting and no dict merging per record. A rule that
produces nothing returns :data:`OMIT` and its key is left out, so optional model fields keep their
defaults.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from string import Formatter
from typing import Any

from ._errors import TransformError
from ._paths import Getter, is_truthy
from ._transforms._coerce import to_text
from ._values import show, truncate_text

__all__ = [
    "OMIT",
    "Evaluate",
    "Entry",
    "RuleSite",
    "Failure",
    "StepCall",
    "Builder",
    "LeafSpec",
    "interpret",
    "failure_at",
    "cause_of",
    "StepFailed",
    "Problem",
    "message_of",
    "make_leaf",
    "make_group",
    "make_object",
    "make_each",
    "make_constant",
    "make_template",
    "make_lookup",
]


class _Omit:
    __slots__ = ()

    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()
"""Returned by an evaluator whose field is left out of the output."""

Evaluate = Callable[[Any, Any], Any]
"""``evaluate(scope, root)``: scope is the record or the current list item, root the top-level record."""

StepCall = tuple[str, Callable[..., Any], bool]
"""A compiled transform step: (name, function, wants_source); source-aware steps get ``(value, source, root)``."""


@dataclass(frozen=True, slots=True)
class RuleSite:
    """Where a rule sits: its target relative to the enclosing ``fields`` block, and its YAML line."""

    target: str
    line: int | None


Entry = tuple[str, Evaluate, RuleSite]

Builder = Callable[[Any, Any], dict[str, Any]]
"""``build(scope, root)``: one output object from a block's entries (see ``_codegen.py``)."""


@dataclass(frozen=True, slots=True)
class LeafSpec:
    """What a leaf rule does, kept on its evaluator so the code generator can write it inline."""

    read: Getter
    steps: tuple[StepCall, ...]
    from_root: bool
    condition: Getter | None
    make_default: Callable[[], Any] | None
    required: bool
    keep_null: bool
    describe_source: str


class Failure(Exception):
    """A rule failed for this record; ``field`` grows list positions as it travels up (``lines[2].sku``)."""

    def __init__(self, field: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.line = line
        self.message = message


class StepFailed(Exception):
    def __init__(self, step: str, error: Exception) -> None:
        super().__init__(step)
        self.step = step
        self.error = error


class Problem(ValueError):
    """A rule-level problem (a required value missing, a list that is not a list)."""


def message_of(exc: Exception) -> str:
    if isinstance(exc, StepFailed):
        error = exc.error
        if isinstance(error, TransformError):
            return truncate_text(str(error), 300)
        if isinstance(error, ValueError):
            return truncate_text(f"{exc.step}: {error}", 300)
        return truncate_text(f"transform '{exc.step}' failed: {type(error).__name__}: {error}", 300)
    if isinstance(exc, ValueError):
        return truncate_text(str(exc), 300)
    return truncate_text(f"{type(exc).__name__}: {exc}", 300)


def interpret(entries: tuple[Entry, ...], scope: Any, root: Any) -> dict[str, Any]:
    """One output object, evaluated entry by entry through the evaluators themselves.

    The reference for what a generated :data:`Builder` must do (the tests compare the two on every
    shipped mapping); mappings run the generated code.
    """
    out: dict[str, Any] = {}
    site = RuleSite("", None)
    try:
        for key, evaluate, site in entries:
            value = evaluate(scope, root)
            if value is not OMIT:
                out[key] = value
    except Failure:
        raise
    except Exception as exc:
        raise failure_at(site, exc) from cause_of(exc)
    return out


def failure_at(site: RuleSite, exc: Exception) -> Failure:
    """The :class:`Failure` for a rule at ``site`` that raised ``exc``."""
    return Failure(site.target, site.line, message_of(exc))


def cause_of(exc: Exception) -> BaseException:
    """What a failure is chained to: the transform's own error for a failed step."""
    return exc.error if isinstance(exc, StepFailed) else exc


def make_group(build: Builder) -> Evaluate:
    """A nested object made by dotted targets (``ship_to.country``); left out when nothing in it is set."""

    def group(scope: Any, root: Any) -> Any:
        out = build(scope, root)
        return out if out else OMIT

    group.group_builder = build  # type: ignore[attr-defined]  # inlined by the generated parent
    return group


def _default_maker(has_default: bool, default: Any) -> Callable[[], Any] | None:
    if not has_default:
        return None
    if isinstance(default, (dict, list)):
        return lambda: copy.deepcopy(default)
    return lambda: default


def make_leaf(
    read: Getter,
    steps: tuple[StepCall, ...],
    *,
    from_root: bool,
    condition: Getter | None,
    has_default: bool,
    default: Any,
    required: bool,
    keep_null: bool,
    describe_source: str,
) -> Evaluate:
    """A single value: read, run the steps (stopping at null), fall back to the default."""
    make_default = _default_maker(has_default, default)
    missing = OMIT if not keep_null else None
    spec = LeafSpec(read, steps, from_root, condition, make_default, required, keep_null, describe_source)

    if not steps and condition is None and make_default is None and not required:
        if from_root:
            plain = lambda scope, root: missing if (value := read(root)) is None else value
        else:
            plain = lambda scope, root: missing if (value := read(scope)) is None else value
        plain.leaf_spec = spec  # type: ignore[attr-defined]
        return plain

    def leaf(scope: Any, root: Any) -> Any:
        source = root if from_root else scope
        if condition is not None and not is_truthy(condition(source)):
            return OMIT
        value = read(source)
        if value is not None and steps:
            name = ""
            try:
                for name, function, wants_source in steps:
                    value = function(value, source, root) if wants_source else function(value)
                    if value is None:
                        break
            except Exception as exc:
                raise StepFailed(name, exc) from exc
        if value is None:
            if make_default is not None:
                return make_default()
            if required:
                raise Problem(f"a value is required but {describe_source} gave nothing")
            return missing
        return value

    leaf.leaf_spec = spec  # type: ignore[attr-defined]
    return leaf


def make_object(
    read: Getter | None,
    build: Builder,
    *,
    from_root: bool,
    condition: Getter | None,
    required: bool,
    describe_source: str,
) -> Evaluate:
    """A nested object whose rules read from a sub-object (``path: shippingAddress``) or the same scope."""

    def obj(scope: Any, root: Any) -> Any:
        source = root if from_root else scope
        if condition is not None and not is_truthy(condition(source)):
            return OMIT
        inner = read(source) if read is not None else source
        if inner is None:
            if required:
                raise Problem(f"a value is required but {describe_source} gave nothing")
            return OMIT
        if type(inner) is not dict and not isinstance(inner, Mapping):
            raise Problem(f"expected an object at {describe_source}, got {show(inner)}")
        out = build(inner, root)
        return out if out else OMIT

    return obj


def make_each(
    read: Getter,
    build: Builder,
    *,
    target: str,
    from_root: bool,
    condition: Getter | None,
    has_default: bool,
    default: Any,
    required: bool,
    describe_source: str,
) -> Evaluate:
    """A list of objects, one per item of the source list; errors name the item (``lines[2].sku``)."""
    make_default = _default_maker(has_default, default)

    def each(scope: Any, root: Any) -> Any:
        source = root if from_root else scope
        if condition is not None and not is_truthy(condition(source)):
            return OMIT
        items = read(source)
        if items is None:
            if make_default is not None:
                return make_default()
            if required:
                raise Problem(f"a list is required but {describe_source} gave nothing")
            return OMIT
        if not isinstance(items, (list, tuple)):
            raise Problem(f"'each' expected a list at {describe_source}, got {show(items)}")
        out = []
        index = 0
        try:
            for index, item in enumerate(items):
                out.append(build(item, root))
        except Failure as failure:
            failure.field = f"{target}[{index}].{failure.field}"
            raise
        return out

    return each


def make_constant(value: Any) -> Getter:
    if isinstance(value, (dict, list)):
        return lambda source: copy.deepcopy(value)
    return lambda source: value


def make_template(template: str, compile_path: Callable[[str], Getter]) -> Getter:
    """``"{firstName} {lastName}"``: each field is a path on the source; a missing one renders empty,
    and the template gives null when every field is missing (so ``default``/``required`` apply)."""
    parts: list[tuple[str, Getter | None, str]] = []
    for literal, field_name, format_spec, conversion in Formatter().parse(template):
        if field_name is None:
            parts.append((literal, None, ""))
            continue
        if not field_name.strip():
            raise ValueError("template fields must name a path, as in {firstName}")
        if conversion:
            raise ValueError(f"template field {{{field_name}!{conversion}}}: conversions are not supported")
        parts.append((literal, compile_path(field_name.strip()), format_spec or ""))
    frozen = tuple(parts)

    def render(source: Any) -> str | None:
        pieces: list[str] = []
        found = False
        for literal, getter, spec in frozen:
            pieces.append(literal)
            if getter is None:
                continue
            value = getter(source)
            if value is None:
                continue
            found = True
            pieces.append(format(value, spec) if spec else to_text(value))
        return "".join(pieces) if found else None

    return render


def make_lookup(table: Mapping[str, Any], table_name: str, *, soft: bool) -> Callable[[Any], Any]:
    """A lookup step. Keys compare as text (``1`` and ``"1"`` are one key); a miss is an error naming
    the table and the key unless the rule has a default (``soft``), which then applies."""

    copy_values = any(isinstance(value, (dict, list)) for value in table.values())

    def lookup(value: Any) -> Any:
        key = value if type(value) is str else to_text(value)
        try:
            found = table[key]
            return copy.deepcopy(found) if copy_values else found
        except KeyError:
            if soft:
                return None
            raise TransformError(f"no entry for {show(value)} in lookup table '{table_name}'") from None

    return lookup
