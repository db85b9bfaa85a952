"""Delegating a selection to a province node unchanged: the part of the client's document under a delegated
field becomes the node's own query, with the fragments and variables it uses, and the node's answer and
errors come back into the gateway's response where the field stands.

Two touches, neither changing what is asked: ``__typename`` is asked in every nested selection (so the
gateway can tell which member of a union or interface the node returned), and a fragment on
``ProvinceQuery`` is sent as one on the node's ``Query``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    print_ast,
    visit,
)

from gateway.api.node_contract import NODE_QUERY, PROVINCE_QUERY

OPERATION_NAME: Final = "GatewayDelegated"
TYPENAME: Final = "__typename"


@dataclass(frozen=True, slots=True)
class DelegatedQuery:
    """A query for one node: its text and variables."""

    document: str
    variables: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RootField:
    """A field of the node's ``Query`` to wrap the client's selection in, with variables of the gateway's own
    (e.g. ``memberByIdNumber(idNumber: $gatewayIdNumber)``)."""

    name: str
    arguments: dict[str, tuple[str, str, Any]]  # argument -> (variable name, GraphQL type, value)


class _ForTheNode(Visitor):
    """Asks ``__typename`` in nested selections and renames fragments on ``ProvinceQuery``."""

    def leave_selection_set(self, node: SelectionSetNode, *_: object) -> SelectionSetNode:
        if any(isinstance(s, FieldNode) and s.alias is None and s.name.value == TYPENAME for s in node.selections):
            return node
        return dataclasses.replace(node, selections=(*node.selections, FieldNode(name=NameNode(value=TYPENAME))))

    def leave_inline_fragment(self, node: InlineFragmentNode, *_: object) -> InlineFragmentNode:
        if node.type_condition is not None and node.type_condition.name.value == PROVINCE_QUERY:
            return dataclasses.replace(node, type_condition=_NODE_QUERY_TYPE)
        return node

    def leave_fragment_definition(self, node: FragmentDefinitionNode, *_: object) -> FragmentDefinitionNode:
        if node.type_condition.name.value == PROVINCE_QUERY:
            return dataclasses.replace(node, type_condition=_NODE_QUERY_TYPE)
        return node


_NODE_QUERY_TYPE: Final = NamedTypeNode(name=NameNode(value=NODE_QUERY))


class _Usages(Visitor):
    """The variables and fragments a piece of document uses."""

    def __init__(self) -> None:
        super().__init__()
        self.variables: set[str] = set()
        self.fragments: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: object) -> None:
        self.variables.add(node.name.value)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.fragments.add(node.name.value)


def _used(
    selections: Sequence[SelectionNode], fragments: dict[str, FragmentDefinitionNode]
) -> tuple[set[str], list[str]]:
    usages = _Usages()
    visit(SelectionSetNode(selections=tuple(selections)), usages)
    done: list[str] = []
    waiting = sorted(usages.fragments)
    while waiting:
        name = waiting.pop()
        if name in done or name not in fragments:
            continue
        done.append(name)
        inner = _Usages()
        visit(fragments[name], inner)
        usages.variables |= inner.variables
        waiting += sorted(inner.fragments)
    return usages.variables, sorted(done)


def _variable_definition(name: str, type_name: str) -> VariableDefinitionNode:
    named = NamedTypeNode(name=NameNode(value=type_name.rstrip("!")))
    return VariableDefinitionNode(
        variable=VariableNode(name=NameNode(value=name)),
        type=NonNullTypeNode(type=named) if type_name.endswith("!") else named,
    )


def delegated_query(info: GraphQLResolveInfo[Any], root: RootField | None = None) -> DelegatedQuery:
    """The node query asking, unchanged, what the client asked under the field being resolved."""
    document, variables_used = _DOCUMENTS.text(info, root)
    # graphql-core 3.3 keeps coerced values in ``.coerced``; strawberry hands resolvers the plain mapping.
    raw: Any = info.variable_values
    given: dict[str, Any] = raw.coerced if hasattr(raw, "coerced") else raw
    values = {name: given[name] for name in variables_used if name in given}
    for variable, _, value in root.arguments.values() if root is not None else ():
        values[variable] = value
    return DelegatedQuery(document=document, variables=values)


def _delegated_document(info: GraphQLResolveInfo[Any], root: RootField | None) -> tuple[str, tuple[str, ...]]:
    """The node query's text, and the client's variables it uses."""
    selections = [s for field in info.field_nodes if field.selection_set for s in field.selection_set.selections]
    variables_used, fragment_names = _used(selections, info.fragments)
    definitions = [
        definition
        for definition in info.operation.variable_definitions or ()
        if definition.variable.name.value in variables_used
    ]
    selection_set = SelectionSetNode(selections=tuple(selections))
    if root is not None:
        definitions += [_variable_definition(variable, type_name) for variable, type_name, _ in root.arguments.values()]
        wrapped = FieldNode(
            name=NameNode(value=root.name),
            arguments=tuple(
                ArgumentNode(name=NameNode(value=argument), value=VariableNode(name=NameNode(value=variable)))
                for argument, (variable, _, _) in root.arguments.items()
            ),
            selection_set=selection_set,
        )
        selection_set = SelectionSetNode(selections=(wrapped,))
    operation = OperationDefinitionNode(
        operation=OperationType.QUERY,
        name=NameNode(value=OPERATION_NAME),
        variable_definitions=tuple(definitions),
        selection_set=selection_set,
    )
    document = DocumentNode(definitions=(operation, *(info.fragments[name] for name in fragment_names)))
    return print_ast(visit(document, _ForTheNode())), tuple(sorted(variables_used))


class _DelegatedDocuments:
    """Delegated query texts kept per client document (building one costs about a millisecond).

    strawberry's parser cache gives every request sending the same text the same parsed document, so the
    identity of the operation and field nodes names the selection; an entry holds the operation, so those
    identities cannot be reused while it is kept. The values of variables are never kept.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: dict[tuple[object, ...], tuple[OperationDefinitionNode, str, tuple[str, ...]]] = {}

    def text(self, info: GraphQLResolveInfo[Any], root: RootField | None) -> tuple[str, tuple[str, ...]]:
        """``_delegated_document`` of the selection under the field being resolved, kept."""
        shape = None if root is None else (root.name, *((a, v, t) for a, (v, t, _) in root.arguments.items()))
        key = (id(info.operation), *map(id, info.field_nodes), shape)
        kept = self._kept.get(key)
        if kept is not None and kept[0] is info.operation:
            return kept[1], kept[2]
        document, variables_used = _delegated_document(info, root)
        if len(self._kept) >= self.size:
            self._kept.clear()
        self._kept[key] = (info.operation, document, variables_used)
        return document, variables_used


_DOCUMENTS: Final = _DelegatedDocuments(size=1_000)


def node_errors_at(
    errors: Iterable[dict[str, Any]], prefix: Sequence[str | int], *, drop: int, province: str
) -> list[dict[str, Any]]:
    """The node's errors re-pathed under the gateway's field: the gateway's ``prefix``, then the node's path
    without its first ``drop`` keys; each says which province it comes from."""
    placed = []
    for error in errors:
        message = error.get("message")
        node_path = error.get("path")
        found = error.get("extensions")
        extensions: dict[str, Any] = found if isinstance(found, dict) else {}
        path = [*prefix, *(node_path[drop:] if isinstance(node_path, list) else [])]
        placed.append(
            {
                "message": message if isinstance(message, str) else "省级节点返回了错误",
                "path": path,
                "extensions": {"code": str(extensions.get("code", "NODE_ERROR")), "province": province},
            }
        )
    return placed
