"""The gateway's GraphQL schema: its own fields (strawberry), the province node's contract beneath them,
and the limits. ``gateway/schema.graphql`` is this schema printed (``unionfed gateway schema --write``);
a test fails when the two differ.

strawberry builds the gateway's own types; the node contract's types (``node_contract``) and the fields
that use them (``contract_fields.EXTENSION``) are then added with graphql-core's ``extend_schema``, which
keeps every strawberry resolver, and the new fields get their resolvers. Nodes answer the node types'
fields under the keys the client asked, so those read by response key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import strawberry
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    extend_schema,
    parse,
    print_schema,
    validate_schema,
)
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions import DisableIntrospection, ParserCache, SchemaExtension, ValidationCache
from strawberry.types import ExecutionContext

from gateway.api import contract_fields
from gateway.api.errors import CodedErrors
from gateway.api.limits import query_limits
from gateway.api.mutations import GatewayMutations
from gateway.api.node_contract import NODE_CONTRACT, province_contract
from gateway.api.queries import GatewayQueries
from gateway.api.types import LocatedMember, NationalConflictsResult, NationalStatistics
from gateway.settings import QueryLimits
from unionfed.graphql_execution import AcyclicExecutionContext

_log = logging.getLogger(__name__)
DOCUMENT_CACHE_SIZE = 512
DEFAULT_LIMITS = QueryLimits()
DEFAULT_PROVINCES = 31  # the cost limit's province count when the schema is built without a federation


@strawberry.type(description="The national view: statistics over every province, each province's own API, lookups.")
class Query(GatewayQueries):
    pass


@strawberry.type(description="The gateway's own changes (it never writes to a province).")
class Mutation(GatewayMutations):
    pass


class GatewaySchema(strawberry.Schema):
    """The schema, logging only what is the server's fault (clients get coded errors)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            _log.debug("client error: %s", error.message)


def _with_contract(schema: GraphQLSchema, contract: DocumentNode) -> GraphQLSchema:
    node_type_names = {definition.name.value for definition in contract.definitions}  # type: ignore[attr-defined]
    extension = parse(contract_fields.EXTENSION)
    extended = extend_schema(schema, DocumentNode(definitions=(*contract.definitions, *extension.definitions)))
    for name in node_type_names:
        node_type = extended.type_map[name]
        if isinstance(node_type, GraphQLObjectType):
            for field in node_type.fields.values():
                field.resolve = contract_fields.by_response_key
    query = extended.query_type
    located = extended.type_map["LocatedMember"]
    if query is None or not isinstance(located, GraphQLObjectType):
        raise RuntimeError("the gateway schema lost its Query or LocatedMember type")
    query.fields["nationalStatistics"].resolve = contract_fields.resolve_national_statistics
    query.fields["province"].resolve = contract_fields.resolve_province
    query.fields["conflicts"].resolve = contract_fields.resolve_conflicts
    located.fields["member"].resolve = contract_fields.resolve_located_member
    errors = validate_schema(extended)
    if errors:
        raise RuntimeError("invalid gateway schema: " + "; ".join(error.message for error in errors))
    return extended


def build_schema(
    limits: QueryLimits = DEFAULT_LIMITS,
    *,
    provinces: int = DEFAULT_PROVINCES,
    introspection: bool = True,
    node_contract: Path = NODE_CONTRACT,
    extra_extensions: tuple[Callable[[], SchemaExtension], ...] = (),
) -> strawberry.Schema:
    """The gateway schema with its per-operation extensions (factories: strawberry builds them per request)."""
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        *query_limits(limits, provinces),
        CodedErrors,
        *extra_extensions,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    # The contract's fields return these types; strawberry builds them only when given.
    types = [NationalStatistics, LocatedMember, StrawberryAnnotation(NationalConflictsResult).resolve()]
    schema = GatewaySchema(
        query=Query,
        mutation=Mutation,
        types=types,
        extensions=extensions,
        execution_context_class=AcyclicExecutionContext,
    )
    extended = _with_contract(schema._schema, province_contract(node_contract))
    schema._schema = extended
    schema._schema._strawberry_schema = schema  # type: ignore[attr-defined]  # as strawberry does after sorting
    for name, concrete in schema.schema_converter.type_map.items():  # strawberry resolves unions through these
        concrete.implementation = extended.type_map[name]
    return schema


def schema_sdl() -> str:
    """The schema in SDL, exactly as committed in ``gateway/schema.graphql``."""
    return print_schema(build_schema()._schema) + "\n"
