"""The province node's GraphQL schema: every domain's queries merged at the root.

``schema.graphql`` at the repository root is this schema printed (``unionfed node export-schema``);
a test fails when the two differ, so a change to the contract is always a visible, reviewed change.
"""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.printer import print_schema

from province_node.api.code_lists.queries import CodeListQueries

# Bounded caches of parsed and validated documents: clients send the same few operations over and over.
DOCUMENT_CACHE_SIZE = 512


@strawberry.type
class Query(CodeListQueries):
    """Everything a province's apps can read."""


def build_schema() -> strawberry.Schema:
    """The province node schema with its per-operation extensions."""
    return strawberry.Schema(
        query=Query,
        # Factories, not instances: strawberry builds extensions per request; both caches live at module
        # level keyed by size, so they are shared across requests all the same.
        extensions=[
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        ],
    )


def schema_sdl() -> str:
    """The schema in SDL, exactly as committed in ``schema.graphql``."""
    return print_schema(build_schema()) + "\n"
