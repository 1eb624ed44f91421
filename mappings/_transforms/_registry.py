"""The registry of named transforms and the compilation of a rule's ``transform:`` steps.

A transform is registered once under a name and used from YAML as ``int``, ``{truncate: 35}`` or
``{unit: {from: lb, to: kg}}``. Parameters are checked when the mapping compiles, so a typo in a
parameter fails the job at start-up rather than on the first record. Two kinds exist:

* plain: ``fn(value, **params)``; parameters are bound once with ``functools.partial``;
* factory: ``fn(params) -> step`` runs once per rule and may validate and precompute (a time zone,
  a unit ratio); the returned ``step(value)`` is what runs per record.

Steps only ever see non-null values: the engine stops the chain at the first null.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

__all__ = [
    "register_transform",
    "registered_transforms",
    "Step",
    "build_step",
    "source_aware",
    "RESERVED_STEP_NAMES",
]

F = TypeVar("F", bound=Callable[..., Any])

RESERVED_STEP_NAMES = frozenset({"lookup"})
"""Step names the compiler handles itself (``{lookup: table}`` needs the mapping's tables)."""


@dataclass(frozen=True)
class _Registered:
    name: str
    function: Callable[..., Any]
    shorthand: str | None
    factory: bool


@dataclass(frozen=True)
class Step:
    """One compiled step of a chain. ``wants_source`` steps are called as ``fn(value, source, root)``:
    the record the rule reads (the list item inside ``each``) and the top-level record."""

    name: str
    function: Callable[..., Any]
    wants_source: bool = False


_REGISTRY: dict[str, _Registered] = {}


def register_transform(
    name: str, *, shorthand: str | None = None, factory: bool = False, replace: bool = False
) -> Callable[[F], F]:
    """Register a transform under ``name`` (decorator).

    ``shorthand`` names the parameter a bare scalar fills (``{truncate: 35}`` → ``length=35``).
    ``factory=True`` registers ``fn(params: dict) -> Callable[[value], value]``, called once per rule at
    compile time. Registering a taken name raises unless ``replace=True`` (connectors must not
    silently change what a built-in means for everyone).
    """
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"transform names are letters, digits and underscores, got {name!r}")
    if name in RESERVED_STEP_NAMES:
        raise ValueError(f"'{name}' is reserved by the mapping engine")

    def decorator(fn: F) -> F:
        existing = _REGISTRY.get(name)
        if existing is not None and existing.function is not fn and not replace:
            raise ValueError(f"transform '{name}' is already registered (pass replace=True to replace it)")
        _REGISTRY[name] = _Registered(name, fn, shorthand, factory)
        return fn

    return decorator


def registered_transforms() -> list[str]:
    """Names of every registered transform, sorted (for error messages and documentation)."""
    return sorted(_REGISTRY)


def source_aware(fn: Callable[[Any, Any, Any], Any]) -> Callable[[Any, Any, Any], Any]:
    """Mark a factory's step as taking ``(value, source, root)`` (e.g. money's ``currency_path``)."""
    fn.wants_source = True  # type: ignore[attr-defined]
    return fn


def build_step(name: str, params: Any) -> Step:
    """Compile one step; raises ``ValueError`` with a readable message when it cannot be built."""
    registered = _REGISTRY.get(name)
    if registered is None:
        known = ", ".join(registered_transforms())
        raise ValueError(f"unknown transform '{name}' (known: {known})")
    if params is None:
        params = {}
    elif not isinstance(params, Mapping):
        if registered.shorthand is None:
            raise ValueError(f"transform '{name}' takes no shorthand value; write {{{name}: {{param: value}}}}")
        params = {registered.shorthand: params}
    params = dict(params)
    if registered.factory:
        try:
            step = registered.function(params)
        except (ValueError, TypeError, LookupError) as exc:
            raise ValueError(f"transform '{name}': {exc}") from None
        return Step(name, step, bool(getattr(step, "wants_source", False)))
    _check_parameters(name, registered.function, params)
    return Step(name, partial(registered.function, **params) if params else registered.function)


def _check_parameters(name: str, fn: Callable[..., Any], params: dict[str, Any]) -> None:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature: nothing to check
        return
    accepted = [p for p in list(signature.parameters.values())[1:]]
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted)
    known = {p.name for p in accepted if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    unknown = sorted(set(params) - known)
    if unknown and not takes_any:
        hint = f" (known: {', '.join(sorted(known))})" if known else " (it takes none)"
        raise ValueError(f"transform '{name}': unknown parameter '{unknown[0]}'{hint}")
    missing = [
        p.name
        for p in accepted
        if p.default is inspect.Parameter.empty
        and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.name not in params
    ]
    if missing:
        raise ValueError(f"transform '{name}': missing parameter '{missing[0]}'")
