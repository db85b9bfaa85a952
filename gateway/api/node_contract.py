"""The province node's GraphQL contract (``schema.graphql`` at the repository root, exported from the node's
code and drift-checked there), made ready to sit inside the gateway's schema.

Nothing of it is declared again by hand: the node's SDL is parsed, its ``Query`` type becomes
``ProvinceQuery`` (the type of ``province(code)``), and only what a query can reach is kept — mutations and
their inputs and results stay with the node, which the gateway never writes to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from graphql import (
    DefinitionNode,
    DocumentNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    NamedTypeNode,
    NameNode,
    ObjectTypeDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    parse,
)

NODE_CONTRACT: Final = Path(__file__).resolve().parents[2] / "schema.graphql"
NODE_QUERY: Final = "Query"
PROVINCE_QUERY: Final = "ProvinceQuery"
_BUILT_IN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})


class NodeContractError(RuntimeError):
    """The node's contract cannot be read or does not have what the gateway relies on."""


def _named(type_node: TypeNode) -> str:
    while not isinstance(type_node, NamedTypeNode):
        type_node = type_node.type  # type: ignore[attr-defined]
    return type_node.name.value


def _references(definition: TypeDefinitionNode) -> set[str]:
    names: set[str] = set()
    if isinstance(definition, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
        names |= {interface.name.value for interface in definition.interfaces or ()}
        for field in definition.fields or ():
            names.add(_named(field.type))
            names |= {_named(argument.type) for argument in field.arguments or ()}
    elif isinstance(definition, InputObjectTypeDefinitionNode):
        names |= {_named(field.type) for field in definition.fields or ()}
    elif isinstance(definition, UnionTypeDefinitionNode):
        names |= {member.name.value for member in definition.types or ()}
    return names


def _reachable(types: dict[str, TypeDefinitionNode], root: str) -> set[str]:
    implementations: dict[str, set[str]] = {}
    for name, definition in types.items():
        if isinstance(definition, ObjectTypeDefinitionNode):
            for interface in definition.interfaces or ():
                implementations.setdefault(interface.name.value, set()).add(name)
    seen: set[str] = set()
    waiting = [root]
    while waiting:
        name = waiting.pop()
        if name in seen or name in _BUILT_IN_SCALARS:
            continue
        if name not in types:
            raise NodeContractError(f"the node contract uses type {name} without defining it")
        seen.add(name)
        waiting += [*_references(types[name]), *implementations.get(name, ())]
    return seen


def province_types(sdl: str) -> list[TypeDefinitionNode]:
    """The node's types a query can reach, its ``Query`` renamed ``ProvinceQuery``."""
    document = parse(sdl)
    types: dict[str, TypeDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, TypeDefinitionNode):
            types[definition.name.value] = definition
    if NODE_QUERY not in types:
        raise NodeContractError("the node contract has no Query type")
    kept = _reachable(types, NODE_QUERY)
    result: list[TypeDefinitionNode] = []
    for name in sorted(kept):
        definition = types[name]
        if name == NODE_QUERY:
            if not isinstance(definition, ObjectTypeDefinitionNode):
                raise NodeContractError("the node contract's Query is not an object type")
            definition = ObjectTypeDefinitionNode(
                name=NameNode(value=PROVINCE_QUERY),
                description=StringValueNode(
                    value="One province's own API, answered by its node for the national caller (masked "
                    "personal numbers; the node scopes and audits)."
                ),
                interfaces=definition.interfaces,
                directives=definition.directives,
                fields=definition.fields,
            )
        result.append(definition)
    return result


def province_contract(path: Path = NODE_CONTRACT) -> DocumentNode:
    """The node's reachable types as a document to extend the gateway's schema with."""
    try:
        sdl = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NodeContractError(f"the province node contract {path} cannot be read: {exc}") from exc
    definitions: list[DefinitionNode] = list(province_types(sdl))
    return DocumentNode(definitions=tuple(definitions))
