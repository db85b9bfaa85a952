"""Bounds on one GraphQL request to a tenant: depth, aliases and tokens (``unionfed.graphql_limits``),
refused before anything runs with ``extensions.code`` ``QUERY_TOO_COMPLEX``."""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import SchemaExtension

from province_node.settings import QueryLimits
from unionfed.graphql_limits import complexity_limits


def query_limits(limits: QueryLimits) -> list[Callable[[], SchemaExtension]]:
    """Schema extension factories enforcing ``limits``."""
    return complexity_limits(max_depth=limits.max_depth, max_aliases=limits.max_aliases, max_tokens=limits.max_tokens)
