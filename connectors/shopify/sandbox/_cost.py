"""Calculated query cost, after Shopify's published rules for the GraphQL Admin API.

The approximation, field by field (``requestedQueryCost``, computed before execution):

- scalars and enums cost 0, and so do ``__typename`` and introspection fields;
- an object costs 1 plus what is selected inside it;
- a connection (a type named ``…Connection``) costs 2 plus ``first`` (or ``last``) times the cost of one
  node: ``nodes`` / ``edges.node`` (1 plus its selection); ``pageInfo`` and cursors are in the 2;
- a list of objects with a ``first`` argument (``Order.fulfillments(first:)``) costs ``first`` times one
  item; other lists of objects cost like one object;
- every mutation field costs 10, whatever its payload selects;
- fields selected twice (directly and through a fragment) are counted once.

``actualQueryCost`` applies the same rules to what was returned: a connection costs 2 plus its returned
nodes, a null object nothing. Shopify refunds the difference to the bucket after the query runs.
A query whose requested cost exceeds :data:`MAX_QUERY_COST` (1000) is refused before it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_object_type,
    value_from_ast,
)

__all__ = ["MAX_QUERY_COST", "MUTATION_COST", "requested_cost", "actual_cost"]

MAX_QUERY_COST = 1000
MUTATION_COST = 10

Fragments = Mapping[str, FragmentDefinitionNode]


def _collect(selection_set: SelectionSetNode | None, fragments: Fragments) -> dict[str, list[FieldNode]]:
    """Fields by response key, fragments flattened (the sandbox schema has no abstract types)."""
    fields: dict[str, list[FieldNode]] = {}
    if selection_set is None:
        return fields

    def visit(selections: Any, seen: frozenset[str]) -> None:
        for selection in selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                visit(selection.selection_set.selections, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in seen:
                    visit(fragment.selection_set.selections, seen | {name})

    visit(selection_set.selections, frozenset())
    return fields


def _merged_selection(nodes: list[FieldNode]) -> SelectionSetNode | None:
    selections = [s for node in nodes if node.selection_set for s in node.selection_set.selections]
    return SelectionSetNode(selections=tuple(selections)) if selections else None


def _argument(node: FieldNode, name: str, variables: Mapping[str, Any]) -> Any:
    for argument in node.arguments or ():
        if argument.name.value == name:
            return value_from_ast(argument.value, GraphQLInt, variables)
    return None


def _unwrap(type_: Any) -> tuple[Any, bool]:
    nullable = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return get_named_type(type_), isinstance(nullable, GraphQLList)


def _is_connection(type_: Any) -> bool:
    return is_object_type(type_) and type_.name.endswith("Connection")


def _size(node: FieldNode, variables: Mapping[str, Any]) -> int:
    size = _argument(node, "first", variables)
    if size is None:
        size = _argument(node, "last", variables)
    return max(int(size), 0) if isinstance(size, int) else 1


def _node_selection(connection_fields: dict[str, list[FieldNode]], fragments: Fragments) -> list[SelectionSetNode]:
    """The per-node selections of a connection: ``nodes { … }`` and ``edges { node { … } }``."""
    selections = []
    if "nodes" in connection_fields:
        merged = _merged_selection(connection_fields["nodes"])
        if merged is not None:
            selections.append(merged)
    if "edges" in connection_fields:
        edge_fields = _collect(_merged_selection(connection_fields["edges"]), fragments)
        if "node" in edge_fields:
            merged = _merged_selection(edge_fields["node"])
            if merged is not None:
                selections.append(merged)
    return selections


def _selection_cost(
    parent: GraphQLObjectType, selection_set: SelectionSetNode | None, fragments: Fragments, variables: Mapping[str, Any]
) -> int:
    total = 0
    for nodes in _collect(selection_set, fragments).values():
        name = nodes[0].name.value
        if name.startswith("__"):
            continue
        definition = parent.fields.get(name)
        if definition is None:
            continue
        named, is_list = _unwrap(definition.type)
        if not is_object_type(named):
            continue
        merged = _merged_selection(nodes)
        if _is_connection(named):
            inner = _collect(merged, fragments)
            node_type = named.fields["nodes"].type
            node_named, _ = _unwrap(node_type)
            per_node = max(
                (1 + _selection_cost(node_named, s, fragments, variables) for s in _node_selection(inner, fragments)),
                default=0,
            )
            total += 2 + _size(nodes[0], variables) * per_node
        else:
            one = 1 + _selection_cost(named, merged, fragments, variables)
            sized = is_list and any(a.name.value in ("first", "last") for a in nodes[0].arguments or ())
            total += one * (_size(nodes[0], variables) if sized else 1)
    return total


def requested_cost(
    schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Fragments, variables: Mapping[str, Any]
) -> int:
    """What ``operation`` may cost at most, before it runs."""
    if operation.operation is OperationType.MUTATION:
        return MUTATION_COST * len(_collect(operation.selection_set, fragments))
    root = schema.query_type
    assert root is not None
    return _selection_cost(root, operation.selection_set, fragments, variables)


def _actual(parent: GraphQLObjectType, selection_set: SelectionSetNode | None, data: Any, fragments: Fragments) -> int:
    if not isinstance(data, Mapping):
        return 0
    total = 0
    for key, nodes in _collect(selection_set, fragments).items():
        name = nodes[0].name.value
        definition = parent.fields.get(name)
        if definition is None or name.startswith("__"):
            continue
        named, _ = _unwrap(definition.type)
        value = data.get(key)
        if not is_object_type(named) or value is None:
            continue
        merged = _merged_selection(nodes)
        if _is_connection(named):
            inner = _collect(merged, fragments)
            node_named, _ = _unwrap(named.fields["nodes"].type)
            returned = value.get("nodes") if "nodes" in inner else None
            if returned is None and "edges" in inner:
                returned = [edge.get("node") for edge in value.get("edges") or []]
            per_node_selections = _node_selection(inner, fragments)
            node_costs = 0
            for item in returned or []:
                node_costs += max(
                    (1 + _actual(node_named, s, item, fragments) for s in per_node_selections), default=1
                )
            total += 2 + node_costs
        elif isinstance(value, list):
            total += sum(1 + _actual(named, merged, item, fragments) for item in value) if value else 0
        else:
            total += 1 + _actual(named, merged, value, fragments)
    return total


def actual_cost(
    schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Fragments, data: Any
) -> int:
    """What ``operation`` cost given the ``data`` it returned."""
    if operation.operation is OperationType.MUTATION:
        return MUTATION_COST * len(_collect(operation.selection_set, fragments))
    root = schema.query_type
    assert root is not None
    return _actual(root, operation.selection_set, data, fragments)
