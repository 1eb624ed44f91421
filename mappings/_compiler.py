"""Compiling a mapping document into a :class:`CompiledMapping`.

Everything that can be wrong with a mapping is found here, with the file and line of the rule:
unknown keys, invalid JMESPath, unknown transforms or parameters, unknown lookup tables, targets
that collide. What comes out is a tree of evaluators (``_plan.py``) that does no parsing per record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._codegen import generate_builder
from ._compiled import CompiledMapping
from ._errors import MappingError
from ._overrides import apply_overrides
from ._paths import Getter, PathSyntaxError, compile_path
from ._plan import (
    Entry,
    Evaluate,
    RuleSite,
    StepCall,
    make_constant,
    make_each,
    make_group,
    make_leaf,
    make_lookup,
    make_object,
    make_template,
)
from ._transforms import RESERVED_STEP_NAMES, build_step
from ._transforms._coerce import to_text
from ._values import show
from ._yaml import LineDict, line_of, parse_yaml

__all__ = ["compile_mapping", "DIRECTIONS"]

DIRECTIONS = ("to_canonical", "from_canonical")
_DOCUMENT_KEYS = frozenset({"name", "direction", "description", "lookups", "fields"})
_LEAF_KEYS = frozenset(
    {"path", "const", "template", "default", "required", "lookup", "transform", "when", "from_root", "keep_null", "note"}
)
_EACH_KEYS = frozenset({"each", "fields", "when", "from_root", "default", "required", "note"})
_OBJECT_KEYS = frozenset({"path", "fields", "when", "from_root", "required", "note"})
_SOURCES = ("path", "const", "template")


def compile_mapping(
    document: Mapping[str, Any] | str,
    overrides: Mapping[str, Any] | None = None,
    *,
    source: str | None = None,
) -> CompiledMapping:
    """Compile a mapping document (a parsed mapping, or YAML text) with optional job overrides.

    ``source`` names the file in error messages; without it the document's ``name`` is used.
    Raises :class:`MappingError` naming the line of the first problem found.
    """
    if isinstance(document, str):
        document = parse_yaml(document, source)
    label = source
    if not isinstance(document, Mapping):
        raise MappingError(f"a mapping document is a YAML mapping, got {show(document)}", mapping=label)
    name = document.get("name")
    label = label or (name if isinstance(name, str) else None)
    compiler = _Compiler(label)
    compiler.check_document(document)
    if overrides:
        document = apply_overrides(document, overrides, label)
    compiler.lookups = compiler.compile_lookups(document.get("lookups"), line_of(document, "lookups"))
    entries = compiler.compile_fields(document["fields"], prefix="", loc=(), line=line_of(document, "fields"))
    return CompiledMapping(
        name=document["name"],
        direction=document.get("direction"),
        source=label or document["name"],
        entries=entries,
        target_lines=compiler.target_lines,
    )


class _Compiler:
    def __init__(self, label: str | None) -> None:
        self.label = label
        self.lookups: dict[str, dict[str, Any]] = {}
        self.target_lines: dict[tuple[str, ...], int | None] = {}
        # Compile errors inside ``each`` name ``lines[].sku``: there is no item position yet.
        self.error_prefix = ""

    def error(self, message: str, line: int | None, field: str | None = None) -> MappingError:
        return MappingError(message, mapping=self.label, field=f"{self.error_prefix}{field}" if field else None, line=line)

    # -- document ----------------------------------------------------------------------------
    def check_document(self, document: Mapping[str, Any]) -> None:
        for key in document:
            if key not in _DOCUMENT_KEYS:
                raise self.error(
                    f"unknown key '{key}' (a mapping has {', '.join(sorted(_DOCUMENT_KEYS))})", line_of(document, key)
                )
        name = document.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.error("a mapping needs a 'name'", line_of(document, "name") or 1)
        direction = document.get("direction")
        if direction is not None and direction not in DIRECTIONS:
            raise self.error(
                f"direction must be {' or '.join(DIRECTIONS)}, got {show(direction)}", line_of(document, "direction")
            )
        fields = document.get("fields")
        if not isinstance(fields, Mapping) or not fields:
            raise self.error("a mapping needs 'fields': target paths mapped to rules", line_of(document, "fields") or 1)

    def compile_lookups(self, lookups: Any, line: int | None) -> dict[str, dict[str, Any]]:
        if lookups is None:
            return {}
        if not isinstance(lookups, Mapping):
            raise self.error("'lookups' maps table names to tables", line)
        tables: dict[str, dict[str, Any]] = {}
        for table_name, table in lookups.items():
            table_line = line_of(lookups, table_name)
            if not isinstance(table, Mapping):
                raise self.error(f"lookup table '{table_name}' must map keys to values", table_line)
            normalized: dict[str, Any] = {}
            for key, value in table.items():
                if key is None or isinstance(key, (list, dict)):
                    raise self.error(f"lookup table '{table_name}' has a key that is not a value: {show(key)}", table_line)
                text = key if isinstance(key, str) else to_text(key)
                if text in normalized:
                    raise self.error(
                        f"lookup table '{table_name}' has {show(text)} twice (keys compare as text)",
                        line_of(table, key) or table_line,
                    )
                normalized[text] = value
            tables[str(table_name)] = normalized
        return tables

    # -- fields --------------------------------------------------------------------------------
    def compile_fields(self, fields: Any, *, prefix: str, loc: tuple[str, ...], line: int | None) -> tuple[Entry, ...]:
        """Compile a ``fields`` block; dotted targets become nested objects built in document order."""
        if not isinstance(fields, Mapping) or not fields:
            raise self.error("'fields' must map target paths to rules", line, prefix.rstrip(".") or None)
        tree: dict[str, Any] = {}
        for target, rule in fields.items():
            target_line = line_of(fields, target) if isinstance(fields, LineDict) and target in fields.key_lines else None
            if not isinstance(target, str):
                raise self.error(f"a target is a dotted path of names, got {show(target)}", target_line)
            segments = target.split(".")
            if not all(segment.strip() == segment and segment for segment in segments):
                raise self.error(f"target '{target}' has an empty or padded name", target_line)
            node = tree
            for depth, segment in enumerate(segments[:-1]):
                child = node.setdefault(segment, {})
                if isinstance(child, tuple):
                    where = f" on line {child[2]}" if child[2] else ""
                    raise self.error(
                        f"target '{target}' is inside '{'.'.join(segments[: depth + 1])}', which a rule{where} sets whole",
                        target_line,
                        prefix + target,
                    )
                node = child
            last = segments[-1]
            if isinstance(node.get(last), dict):
                raise self.error(
                    f"target '{target}' is set whole here but other rules map inside it", target_line, prefix + target
                )
            if last in node:
                raise self.error(f"target '{target}' is mapped twice", target_line, prefix + target)
            node[last] = (rule, target, target_line)
        return self._entries(tree, prefix=prefix, loc=loc, group="")

    def _entries(self, tree: dict[str, Any], *, prefix: str, loc: tuple[str, ...], group: str) -> tuple[Entry, ...]:
        entries: list[Entry] = []
        for key, node in tree.items():
            if isinstance(node, tuple):
                rule, target, line = node
                evaluate = self.compile_rule(rule, target=prefix + target, loc=(*loc, *target.split(".")), line=line)
                entries.append((key, evaluate, RuleSite(prefix + target, line)))
            else:
                inner = self._entries(node, prefix=prefix, loc=loc, group=f"{group}{key}.")
                entries.append((key, make_group(generate_builder(inner)), RuleSite(f"{prefix}{group}{key}", None)))
        return tuple(entries)

    # -- rules ---------------------------------------------------------------------------------
    def compile_rule(self, rule: Any, *, target: str, loc: tuple[str, ...], line: int | None) -> Evaluate:
        if isinstance(rule, str):
            rule = {"path": rule}
        if not isinstance(rule, Mapping):
            raise self.error(
                f"a rule is a path (text) or a mapping such as {{path: ...}}, got {show(rule)}", line, target
            )
        self.target_lines[loc] = line
        if "each" in rule:
            return self._each(rule, target, loc, line)
        if "fields" in rule:
            return self._object(rule, target, loc, line)
        return self._leaf(rule, target, line)

    def _check_keys(self, rule: Mapping[str, Any], allowed: frozenset[str], kind: str, target: str, line: int | None) -> None:
        for key in rule:
            if key not in allowed:
                raise self.error(
                    f"unknown key '{key}' in {kind} (allowed: {', '.join(sorted(allowed))})",
                    line_of(rule, key) or line,
                    target,
                )

    def _flag(self, rule: Mapping[str, Any], key: str, target: str, line: int | None) -> bool:
        value = rule.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f"'{key}' must be true or false, got {show(value)}", line_of(rule, key) or line, target)
        return value

    def _path(self, expression: Any, rule: Mapping[str, Any], key: str, target: str, line: int | None) -> Getter:
        try:
            return compile_path(expression)
        except PathSyntaxError as exc:
            raise self.error(f"'{key}': {exc}", line_of(rule, key) or line, target) from None

    def _condition(self, rule: Mapping[str, Any], target: str, line: int | None) -> Getter | None:
        if "when" not in rule:
            return None
        return self._path(rule["when"], rule, "when", target, line)

    def _leaf(self, rule: Mapping[str, Any], target: str, line: int | None) -> Evaluate:
        self._check_keys(rule, _LEAF_KEYS, "a rule", target, line)
        given = [key for key in _SOURCES if key in rule]
        if len(given) != 1:
            problem = "has none" if not given else f"has {' and '.join(given)}"
            raise self.error(
                f"a rule needs exactly one of path, const, template, each or fields ({problem})", line, target
            )
        kind = given[0]
        if kind == "path":
            read = self._path(rule["path"], rule, "path", target, line)
            describe = f"path '{rule['path']}'"
        elif kind == "const":
            read = make_constant(rule["const"])
            describe = "the constant"
        else:
            template = rule["template"]
            if not isinstance(template, str):
                raise self.error("'template' must be text", line_of(rule, "template") or line, target)
            try:
                read = make_template(template, compile_path)
            except (ValueError, PathSyntaxError) as exc:
                raise self.error(f"'template': {exc}", line_of(rule, "template") or line, target) from None
            describe = f"template {show(template)}"
        from_root = self._flag(rule, "from_root", target, line)
        if from_root:
            describe += " (on the top-level record)"
        has_default = "default" in rule
        steps = self._steps(rule, target, line, soft_lookup=has_default)
        return make_leaf(
            read,
            steps,
            from_root=from_root,
            condition=self._condition(rule, target, line),
            has_default=has_default,
            default=rule.get("default"),
            required=self._flag(rule, "required", target, line),
            keep_null=self._flag(rule, "keep_null", target, line),
            describe_source=describe,
        )

    def _steps(self, rule: Mapping[str, Any], target: str, line: int | None, *, soft_lookup: bool) -> tuple[StepCall, ...]:
        steps: list[StepCall] = []
        spec = rule.get("transform")
        transform_line = line_of(rule, "transform") or line
        if spec is not None:
            for item in spec if isinstance(spec, list) else [spec]:
                steps.append(self._step(item, target, transform_line, soft_lookup))
        if "lookup" in rule:
            steps.append(self._lookup_step(rule["lookup"], target, line_of(rule, "lookup") or line, soft_lookup))
        return tuple(steps)

    def _step(self, item: Any, target: str, line: int | None, soft_lookup: bool) -> StepCall:
        if isinstance(item, str):
            name, params = item, None
        elif isinstance(item, Mapping) and len(item) == 1:
            ((name, params),) = item.items()
            line = line_of(item, name) or line
        else:
            raise self.error(
                f"a transform is a name or {{name: parameters}} with one name, got {show(item)}", line, target
            )
        if name in RESERVED_STEP_NAMES:
            return self._lookup_step(params, target, line, soft_lookup)
        try:
            step = build_step(str(name), params)
        except ValueError as exc:
            raise self.error(str(exc), line, target) from None
        return (step.name, step.function, step.wants_source)

    def _lookup_step(self, table_name: Any, target: str, line: int | None, soft: bool) -> StepCall:
        if not isinstance(table_name, str) or table_name not in self.lookups:
            known = ", ".join(sorted(self.lookups)) or "none defined"
            raise self.error(f"unknown lookup table {show(table_name)} (tables: {known})", line, target)
        return ("lookup", make_lookup(self.lookups[table_name], table_name, soft=soft), False)

    def _each(self, rule: Mapping[str, Any], target: str, loc: tuple[str, ...], line: int | None) -> Evaluate:
        self._check_keys(rule, _EACH_KEYS, "an 'each' rule", target, line)
        if "fields" not in rule:
            raise self.error("an 'each' rule needs 'fields' for every item", line, target)
        read = self._path(rule["each"], rule, "each", target, line)
        from_root = self._flag(rule, "from_root", target, line)
        outer_prefix = self.error_prefix
        self.error_prefix = f"{outer_prefix}{target}[]."
        try:
            entries = self.compile_fields(rule["fields"], prefix="", loc=loc, line=line_of(rule, "fields") or line)
        finally:
            self.error_prefix = outer_prefix
        return make_each(
            read,
            generate_builder(entries),
            target=target,
            from_root=from_root,
            condition=self._condition(rule, target, line),
            has_default="default" in rule,
            default=rule.get("default"),
            required=self._flag(rule, "required", target, line),
            describe_source=f"each '{rule['each']}'",
        )

    def _object(self, rule: Mapping[str, Any], target: str, loc: tuple[str, ...], line: int | None) -> Evaluate:
        self._check_keys(rule, _OBJECT_KEYS, "an object rule", target, line)
        read = self._path(rule["path"], rule, "path", target, line) if "path" in rule else None
        entries = self.compile_fields(rule["fields"], prefix=f"{target}.", loc=loc, line=line_of(rule, "fields") or line)
        return make_object(
            read,
            generate_builder(entries),
            from_root=self._flag(rule, "from_root", target, line),
            condition=self._condition(rule, target, line),
            required=self._flag(rule, "required", target, line),
            describe_source=f"path '{rule['path']}'" if "path" in rule else "the record",
        )
