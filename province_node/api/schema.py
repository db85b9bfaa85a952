"""The province node's GraphQL schema: every domain's queries and mutations merged at the root.

``schema.graphql`` at the repository root is this schema printed (``unionfed schema --write``); a test
fails when the two differ, so a change to the contract is always a visible, reviewed change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, ParserCache, SchemaExtension, ValidationCache
from strawberry.printer import print_schema
from strawberry.types import ExecutionContext

from province_node.api.accounts.mutations import AccountMutations
from province_node.api.accounts.queries import AccountQueries
from province_node.api.code_lists.queries import CodeListQueries
from province_node.api.conflicts.queries import ConflictQueries
from province_node.api.errors import CodedErrors
from province_node.api.imports.mutations import ImportMutations
from province_node.api.imports.queries import ImportQueries
from province_node.api.limits import query_limits
from province_node.api.members.mutations import MemberMutations
from province_node.api.members.queries import MemberQueries
from province_node.api.organisations.mutations import OrganisationMutations
from province_node.api.organisations.queries import OrganisationQueries
from province_node.api.statistics.queries import StatisticsQueries
from province_node.api.units.mutations import UnitMutations
from province_node.api.units.queries import UnitQueries
from province_node.settings import QueryLimits
from unionfed.graphql_execution import AcyclicExecutionContext

_log = logging.getLogger(__name__)

# Bounded caches of parsed and validated documents: clients send the same few operations over and over.
DOCUMENT_CACHE_SIZE = 512


class NodeSchema(strawberry.Schema):
    """The schema, logging only what is the server's fault.

    strawberry logs every error at ERROR level; a malformed query or a refused permission is the
    client's business (it gets a coded error), and unexpected exceptions are logged by ``CodedErrors``.
    """

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            _log.debug("client error: %s", error.message)


@strawberry.type(description="Everything a province's apps can read, within the caller's subtree.")
class Query(
    AccountQueries,
    OrganisationQueries,
    UnitQueries,
    MemberQueries,
    StatisticsQueries,
    ImportQueries,
    ConflictQueries,
    CodeListQueries,
):
    pass


@strawberry.type(description="Every change, each returning a typed result.")
class Mutation(AccountMutations, OrganisationMutations, UnitMutations, MemberMutations, ImportMutations):
    pass


DEFAULT_LIMITS = QueryLimits()


def build_schema(
    limits: QueryLimits = DEFAULT_LIMITS,
    *,
    introspection: bool = True,
    extra_extensions: tuple[Callable[[], SchemaExtension], ...] = (),
) -> strawberry.Schema:
    """The province node schema with its per-operation extensions.

    Extensions are passed as factories, not instances: strawberry builds them per request. The parser
    and validation caches live at module level keyed by size, so they are shared across requests.
    """
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        *query_limits(limits),
        CodedErrors,
        *extra_extensions,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return NodeSchema(
        query=Query, mutation=Mutation, extensions=extensions, execution_context_class=AcyclicExecutionContext
    )


def schema_sdl() -> str:
    """The schema in SDL, exactly as committed in ``schema.graphql``."""
    return print_schema(build_schema()) + "\n"
