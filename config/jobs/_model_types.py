"""Looking inside pydantic model *types*: which keys a model takes, where its secret fields are.

Both questions are asked of the type, not of a validated instance, because they matter most when
validation fails: an unknown key needs the list of known ones, and a literal secret must be refused
even when the rest of the config is broken.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Iterator, Mapping, Sequence
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints, is_typeddict

from pydantic import BaseModel, SecretBytes, SecretStr

__all__ = ["ANY_KEY", "KeyPattern", "secret_field_patterns", "match_pattern", "keys_accepted_at", "secret_values"]

ANY_KEY = "*"
"""Pattern part matching every key of a mapping and every index of a list."""

KeyPattern = tuple[frozenset[str] | str, ...]
"""A path into config data; each part is the set of keys a field answers to (name and alias) or ANY_KEY."""

_SECRET_TYPES: tuple[type, ...] = (SecretStr, SecretBytes)
try:  # pydantic >= 2.7 has a generic Secret[T]
    from pydantic import Secret

    _SECRET_TYPES += (Secret,)
except ImportError:  # pragma: no cover
    pass

_UNION_ORIGINS = (Union, types.UnionType)
_SEQUENCE_ORIGINS = (list, tuple, set, frozenset, Sequence)
_MAPPING_ORIGINS = (dict, Mapping)


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _field_keys(cls: type) -> Iterator[tuple[frozenset[str], Any]]:
    """(keys the field is written as, its type) for a pydantic model, dataclass or TypedDict."""
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        for name, info in cls.model_fields.items():
            keys = {name}
            if info.alias:
                keys.add(info.alias)
            if isinstance(info.validation_alias, str):
                keys.add(info.validation_alias)
            yield frozenset(keys), info.annotation
    elif dataclasses.is_dataclass(cls) or is_typeddict(cls):
        for name, annotation in get_type_hints(cls, include_extras=True).items():
            yield frozenset({name}), annotation


def _is_structured(cls: Any) -> bool:
    return isinstance(cls, type) and (issubclass(cls, BaseModel) or dataclasses.is_dataclass(cls) or is_typeddict(cls))


def secret_field_patterns(model: type[BaseModel]) -> list[KeyPattern]:
    """Every place a secret can sit in data for ``model``: nested models, Optional/Union, lists, dicts."""
    found: list[KeyPattern] = []
    _collect_secrets(model, (), found, frozenset())
    return found


def _collect_secrets(annotation: Any, prefix: KeyPattern, found: list[KeyPattern], seen: frozenset[type]) -> None:
    annotation = _unwrap(annotation)
    origin = get_origin(annotation)
    target = origin if origin is not None else annotation
    if isinstance(target, type) and issubclass(target, _SECRET_TYPES):
        found.append(prefix)
    elif origin in _UNION_ORIGINS:
        for member in get_args(annotation):
            _collect_secrets(member, prefix, found, seen)
    elif origin in _SEQUENCE_ORIGINS:
        for item in get_args(annotation):
            if item is not Ellipsis:
                _collect_secrets(item, (*prefix, ANY_KEY), found, seen)
    elif origin in _MAPPING_ORIGINS:
        args = get_args(annotation)
        if len(args) == 2:
            _collect_secrets(args[1], (*prefix, ANY_KEY), found, seen)
    elif _is_structured(annotation) and annotation not in seen:
        for keys, field_type in _field_keys(annotation):
            _collect_secrets(field_type, (*prefix, keys), found, seen | {annotation})


def match_pattern(data: Any, pattern: KeyPattern) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """The (path, value) pairs in ``data`` that ``pattern`` points at."""
    if not pattern:
        yield (), data
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(data, Mapping):
        for key, value in data.items():
            if head == ANY_KEY or (isinstance(head, frozenset) and key in head):
                for path, found in match_pattern(value, rest):
                    yield (key, *path), found
    elif isinstance(data, list) and head == ANY_KEY:
        for index, value in enumerate(data):
            for path, found in match_pattern(value, rest):
                yield (index, *path), found


def keys_accepted_at(model: type[Any], path: Sequence[str | int]) -> list[str]:
    """The keys the model takes at ``path`` (for "unknown key 'confg'" hints); empty when unknown."""
    candidates: list[Any] = [model]
    for part in path:
        following: list[Any] = []
        for candidate in _expand(candidates):
            origin = get_origin(candidate)
            args = get_args(candidate)
            if isinstance(part, int) and origin in _SEQUENCE_ORIGINS:
                following += [a for a in args if a is not Ellipsis]
            elif isinstance(part, str) and origin in _MAPPING_ORIGINS and len(args) == 2:
                following.append(args[1])
            elif isinstance(part, str) and _is_structured(candidate):
                following += [t for keys, t in _field_keys(candidate) if part in keys]
        candidates = following
    keys: set[str] = set()
    for candidate in _expand(candidates):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            keys |= {info.alias or name for name, info in candidate.model_fields.items()}
        else:
            keys |= {min(k, key=len) for k, _ in _field_keys(candidate)}
    return sorted(keys)


def _expand(candidates: list[Any]) -> Iterator[Any]:
    for candidate in candidates:
        candidate = _unwrap(candidate)
        if get_origin(candidate) in _UNION_ORIGINS:
            yield from _expand(list(get_args(candidate)))
        else:
            yield candidate


def secret_values(value: Any) -> Iterator[str]:
    """The plain text of every secret inside a validated config (for redaction)."""
    if isinstance(value, _SECRET_TYPES):
        secret = value.get_secret_value()
        if isinstance(secret, bytes):
            secret = secret.decode("utf-8", errors="ignore")
        if isinstance(secret, str):
            yield secret
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            yield from secret_values(item)
        for item in (value.__pydantic_extra__ or {}).values():
            yield from secret_values(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from secret_values(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from secret_values(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from secret_values(item)
