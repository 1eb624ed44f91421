"""Reading a job file's YAML while remembering the line of every value.

PyYAML's ``safe_load`` forgets where values were written, so errors could only say *what* is wrong.
Here the file is composed into nodes (safely: no arbitrary tags) and turned into plain data by hand,
keeping ``path → line`` and, for every scalar, where it came from (a literal or a placeholder).
Duplicate keys, which ``safe_load`` silently lets the last one win, are reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ._errors import ConfigIssue, DocPath, format_field
from ._placeholders import SecretSource, ValueOrigin, resolve_placeholders

__all__ = ["YamlDocument", "read_yaml_document"]

_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class YamlDocument:
    """Plain data (dicts with string keys, lists, scalars) and what is known about where it came from."""

    data: Any
    lines: dict[DocPath, int] = field(default_factory=dict)
    origins: dict[DocPath, ValueOrigin] = field(default_factory=dict)
    issues: list[ConfigIssue] = field(default_factory=list)
    unresolved: set[DocPath] = field(default_factory=set)
    """Paths whose placeholders could not be resolved (already reported; later errors there are noise)."""
    syntax_error: bool = False


def read_yaml_document(text: str, *, file_label: str, env: Mapping[str, str], base_dir: Path) -> YamlDocument:
    """Parse ``text``; syntax errors come back as an issue on the line PyYAML points at."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            issue = _syntax_issue(exc, file_label)
            lines = text.splitlines()
            if issue.line is not None and issue.line <= len(lines) and "${" in lines[issue.line - 1]:
                hint = '; inside {…} or […] a placeholder needs quotes: "${env:VAR}"'
                issue = ConfigIssue(issue.file, issue.line, issue.field, issue.message + hint)
            return YamlDocument(data=None, issues=[issue], syntax_error=True)
        except yaml.YAMLError as exc:  # reader errors (e.g. a control character) carry no mark
            return YamlDocument(
                data=None, issues=[ConfigIssue(file_label, None, "", f"not readable as YAML: {exc}")], syntax_error=True
            )
        builder = _Builder(loader, file_label, env, base_dir)
        document = YamlDocument(data=None)
        builder.document = document
        if root is not None:
            document.data = builder.build(root, ())
            document.lines[()] = root.start_mark.line + 1
        return document
    finally:
        loader.dispose()


def _syntax_issue(exc: yaml.MarkedYAMLError, file_label: str) -> ConfigIssue:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    message = f"YAML syntax error: {exc.problem or exc.context or 'cannot parse'}"
    if exc.context and exc.problem:
        message += f" ({exc.context}"
        if exc.context_mark is not None and exc.context_mark.line + 1 != line:
            message += f" at line {exc.context_mark.line + 1}"
        message += ")"
    return ConfigIssue(file_label, line, "", message)


class _Builder:
    document: YamlDocument

    def __init__(self, loader: yaml.SafeLoader, file_label: str, env: Mapping[str, str], base_dir: Path) -> None:
        self.loader = loader
        self.file_label = file_label
        self.env = env
        self.base_dir = base_dir

    def issue(self, path: DocPath, node: Node, message: str) -> None:
        self.document.issues.append(ConfigIssue(self.file_label, node.start_mark.line + 1, format_field(path), message))

    def build(self, node: Node, path: DocPath) -> Any:
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                self.issue(path, node, f"unsupported YAML tag '{node.tag}'")
            items = []
            for index, item in enumerate(node.value):
                self.document.lines[(*path, index)] = item.start_mark.line + 1
                items.append(self.build(item, (*path, index)))
            return items
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: DocPath) -> dict[str, Any]:
        if node.tag != _MAP_TAG:
            self.issue(path, node, f"unsupported YAML tag '{node.tag}'")
        first_seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != _MERGE_TAG:
                key, line = key_node.value, key_node.start_mark.line + 1
                if key in first_seen:
                    self.issue((*path, key), key_node, f"duplicate key '{key}' (first at line {first_seen[key]})")
                else:
                    first_seen[key] = line
        try:
            self.loader.flatten_mapping(node)  # resolves `<<: *anchor` merges; own keys come last and win
        except yaml.MarkedYAMLError as exc:
            self.document.issues.append(_syntax_issue(exc, self.file_label))
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.issue(path, key_node, "a key must be a plain name, not a list or mapping")
                continue
            key = key_node.value
            child = (*path, key)
            self.document.lines[child] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child)
        return result

    def _scalar(self, node: ScalarNode, path: DocPath) -> Any:
        line = node.start_mark.line + 1
        if node.tag == _TIMESTAMP_TAG:
            # Kept as text: pydantic reads ISO dates itself, and PyYAML would make naive datetimes.
            self.document.origins[path] = ValueOrigin(line, SecretSource.LITERAL)
            return node.value
        if node.tag != _STR_TAG:
            try:
                value = self.loader.construct_object(node, deep=True)
            except yaml.MarkedYAMLError as exc:
                self.issue(path, node, exc.problem or "cannot read this value")
                self.document.unresolved.add(path)
                return None
            self.document.origins[path] = ValueOrigin(line, SecretSource.LITERAL)
            return value
        resolved = resolve_placeholders(node.value, env=self.env, base_dir=self.base_dir)
        for problem in resolved.problems:
            self.issue(path, node, problem)
        if resolved.problems:
            self.document.unresolved.add(path)
        self.document.origins[path] = ValueOrigin(line, resolved.source)
        return resolved.value
