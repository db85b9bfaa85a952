"""Bounds on one GraphQL request to a tenant: depth, aliases, tokens, and fields that hash a password asked
more than once (``unionfed.graphql_limits``), refused before anything runs with ``extensions.code``
``QUERY_TOO_COMPLEX``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from strawberry.extensions import SchemaExtension

from province_node.settings import QueryLimits
from unionfed.graphql_limits import complexity_limits, once_per_request

# Each hashes a password: asked once per request, so aliases cannot multiply the guesses or the work.
PASSWORD_FIELDS_ONCE: Final = once_per_request("login", "changePassword", "createAccount", "resetAccountPassword")


def query_limits(limits: QueryLimits) -> list[Callable[[], SchemaExtension]]:
    """Schema extension factories enforcing ``limits``."""
    return complexity_limits(
        max_depth=limits.max_depth,
        max_aliases=limits.max_aliases,
        max_tokens=limits.max_tokens,
        more_rules=[PASSWORD_FIELDS_ONCE],
    )
