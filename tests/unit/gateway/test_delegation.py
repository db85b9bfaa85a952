"""Delegated queries: the node is asked exactly the client's selection, with the variables of this request,
also when the same parsed document comes again (its text is kept, never its values)."""

from __future__ import annotations

import re
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    execute_sync,
    parse,
)

from gateway.api.delegation import DelegatedQuery, RootField, delegated_query

ASKED: list[DelegatedQuery] = []


def _delegate(_: object, info: Any, **__: object) -> dict[str, Any]:
    ASKED.append(delegated_query(info))
    return {}


def _locate(_: object, info: Any, **__: object) -> dict[str, Any]:
    ASKED.append(delegated_query(info, RootField("memberByIdNumber", {"idNumber": ("gatewayId", "String!", "X1")})))
    return {}


MEMBER = GraphQLObjectType("Member", {"name": GraphQLField(GraphQLString), "phone": GraphQLField(GraphQLString)})
PROVINCE = GraphQLObjectType(
    "ProvinceQuery", {"member": GraphQLField(MEMBER, args={"id": GraphQLArgument(GraphQLNonNull(GraphQLString))})}
)
SCHEMA = GraphQLSchema(
    GraphQLObjectType(
        "Query",
        {
            "province": GraphQLField(PROVINCE, args={"code": GraphQLArgument(GraphQLString)}, resolve=_delegate),
            "located": GraphQLField(MEMBER, resolve=_locate),
        },
    )
)


def asked(document: Any, variables: dict[str, Any] | None = None) -> DelegatedQuery:
    ASKED.clear()
    result = execute_sync(SCHEMA, document, variable_values=variables)
    assert result.errors is None
    (query,) = ASKED
    return query


def test_the_same_document_sent_again_asks_the_same_query_with_this_requests_variables() -> None:
    document = parse('query($id: String!, $unused: String) { province(code: "43") { member(id: $id) { name } } }')
    first = asked(document, {"id": "TWVtYmVyOjE", "unused": "x"})
    second = asked(document, {"id": "TWVtYmVyOjI"})
    assert first.document == second.document
    assert "query GatewayDelegated($id: String!)" in first.document
    assert (first.variables, second.variables) == ({"id": "TWVtYmVyOjE"}, {"id": "TWVtYmVyOjI"})


def test_a_different_selection_is_a_different_query() -> None:
    names = asked(parse('{ province(code: "43") { member(id: "1") { name } } }'))
    phones = asked(parse('{ province(code: "43") { member(id: "1") { phone } } }'))
    assert re.search(r"\bname\b", names.document)
    assert re.search(r"\bphone\b", phones.document)
    assert not re.search(r"\bname\b", phones.document)


def test_a_root_field_wraps_the_selection_and_brings_its_own_variable() -> None:
    document = parse("{ located { name } }")
    query = asked(document)
    assert asked(document) == query
    assert "memberByIdNumber(idNumber: $gatewayId)" in query.document
    assert query.variables == {"gatewayId": "X1"}
