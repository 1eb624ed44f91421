"""Turning a pydantic ``ValidationError`` into issues that name the file, line and field."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from ._errors import ConfigIssue, DocPath, format_field
from ._model_types import keys_accepted_at

__all__ = ["issues_from_validation_error", "data_path"]


def data_path(loc: Sequence[str | int], data: Any) -> DocPath:
    """A pydantic ``loc`` as a path in the data, without union-member tags and ``[key]`` markers."""
    return _split_loc(loc, data, "missing")[0]


_Branch = tuple[DocPath, str | int]
"""A union member chosen at a place in the data: (path of the union value, member tag)."""


_KEY_ERRORS = frozenset({"missing", "extra_forbidden"})


def _split_loc(loc: Sequence[str | int], data: Any, kind: str = "") -> tuple[DocPath, list[_Branch]]:
    """Separate the data path in ``loc`` from the union-member tags pydantic puts into it.

    A part the data does not have is a tag, except the last part of a missing or unknown key.
    """
    parts = [p for p in loc if p != "[key]"]
    path: list[str | int] = []
    branches: list[_Branch] = []
    node: Any = data
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if _has(node, part):
            path.append(part)
            node = node[part]
        elif last and kind in _KEY_ERRORS:
            path.append(part)
        else:
            branches.append((tuple(path), part))
    return tuple(path), branches


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, Mapping):
        return part in node
    if isinstance(node, list) and isinstance(part, int):
        return 0 <= part < len(node)
    return False


def issues_from_validation_error(
    error: ValidationError,
    *,
    file: str,
    data: Any,
    model: type[Any],
    line_of: Callable[[DocPath], int | None],
    prefix: DocPath = (),
    skip: Collection[DocPath] = (),
) -> list[ConfigIssue]:
    """One issue per pydantic error; errors under ``skip`` (already reported) are dropped.

    ``data`` is what was validated and ``prefix`` where it sits in the job document. Where a value
    matched no member of a union, pydantic reports every member's errors; only the closest member's
    (fewest errors) are kept, since "type: Input should be 'basic'" for a bearer token is noise.
    """
    located = []
    for detail in error.errors(include_url=False, include_input=False, include_context=False):
        path, branches = _split_loc(detail["loc"], data, detail["type"])
        located.append((path, branches, detail))
    closest = _closest_union_members([(path, branches) for path, branches, _ in located])
    messages: dict[DocPath, list[str]] = {}
    for path, branches, detail in located:
        if any(tag not in closest[site] for site, tag in branches):
            continue
        full = (*prefix, *path)
        if any(full[: len(s)] == s for s in skip):
            continue
        text = _message(detail["type"], detail["msg"], model, path)
        if text not in messages.setdefault(full, []):
            messages[full].append(text)
    return [
        ConfigIssue(file, line_of(full), format_field(full), "; or ".join(texts)) for full, texts in messages.items()
    ]


def _closest_union_members(located: list[tuple[DocPath, list[_Branch]]]) -> dict[DocPath, list[str | int]]:
    """Per union, the members whose errors to report: the one with fewest errors, or, when the value
    fit no member at all (a list where a number or a date was expected), every member."""
    counts: dict[DocPath, Counter[str | int]] = {}
    deeper: set[DocPath] = set()
    for path, branches in located:
        for site, tag in branches:
            counts.setdefault(site, Counter())[tag] += 1
            if path != site:
                deeper.add(site)
    chosen: dict[DocPath, list[str | int]] = {}
    for site, tags in counts.items():
        fewest = min(tags.values())
        best = [tag for tag, count in tags.items() if count == fewest]
        # Counter keeps first-seen order, so a tie goes to the member pydantic tried first.
        chosen[site] = best if site not in deeper and fewest == 1 else best[:1]
    return chosen


def _message(kind: str, message: str, model: type[Any], path: DocPath) -> str:
    if kind == "extra_forbidden" and path:
        key = str(path[-1])
        known = keys_accepted_at(model, path[:-1])
        text = f"unknown key '{key}'"
        close = difflib.get_close_matches(key, known, n=1)
        if close:
            text += f" (did you mean '{close[0]}'?)"
        if known:
            text += f"; expected one of: {', '.join(known)}"
        return text
    if kind == "missing":
        return "required, but missing"
    for noise in ("Value error, ", "Assertion failed, "):
        if message.startswith(noise):
            return message[len(noise) :]
    return message
