"""Reading mapping YAML safely while remembering where every rule was written.

Mappings are edited by people, so the loader is stricter than plain ``yaml.safe_load`` where YAML's
defaults bite: duplicate keys are an error (the second silently won before), only ``true``/``false``
are booleans (``NO`` is Norway and ``ON`` is Ontario, not ``False``/``True``), and numbers with a
fraction are read as exact ``Decimal`` from their text, never as binary floats.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from ._errors import MappingError

__all__ = ["LineDict", "parse_yaml", "line_of"]


class LineDict(dict[Any, Any]):
    """A dict from YAML that knows the line it starts on and the line of each of its keys."""

    __slots__ = ("line", "key_lines")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line: int | None = None
        self.key_lines: dict[Any, int] = {}

    def copy(self) -> LineDict:  # type: ignore[override]
        """A shallow copy that keeps the line numbers (overrides are merged into copies)."""
        clone = LineDict(self)
        clone.line = self.line
        clone.key_lines = dict(self.key_lines)
        return clone


def line_of(node: Any, key: Any = None) -> int | None:
    """The line of ``key`` inside ``node`` if known, else the line ``node`` starts on, else None."""
    if isinstance(node, LineDict):
        if key is not None and key in node.key_lines:
            return node.key_lines[key]
        return node.line
    return None


class _MappingLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans, exact decimals and line-aware, duplicate-free mappings."""


_MappingLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_MappingLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_map(loader: _MappingLoader, node: yaml.MappingNode) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark
            ) from None
        if key in data:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {data.key_lines[key]})", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=False)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_decimal(loader: _MappingLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node))
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        return loader.construct_yaml_float(node)
    return value if value.is_finite() else loader.construct_yaml_float(node)


_MappingLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_MappingLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def parse_yaml(text: str, source: str | None) -> Any:
    """Parse one YAML document; syntax errors become :class:`MappingError` with the line."""
    try:
        return yaml.load(text, Loader=_MappingLoader)  # noqa: S506 - _MappingLoader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise MappingError(
            f"invalid YAML: {problem}", mapping=source, line=mark.line + 1 if mark is not None else None
        ) from None
    except yaml.YAMLError as exc:
        raise MappingError(f"invalid YAML: {exc}", mapping=source) from None
