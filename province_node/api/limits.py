"""Bounds on one GraphQL request to a tenant, refused before anything runs: depth, aliases, tokens, and
fields that hash a password or look up an ID number asked more than once (``unionfed.graphql_limits``, coded
``QUERY_TOO_COMPLEX``), and the estimated size of the answer (``unionfed.graphql_result_size``, coded
``QUERY_TOO_COSTLY``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from strawberry.extensions import SchemaExtension

from province_node.services.pages import DEFAULT_PAGE_SIZE
from province_node.settings import QueryLimits
from unionfed.graphql_limits import complexity_limits, once_per_request
from unionfed.graphql_result_size import ListSizes, result_size_rule

# Asked once per request, so aliases cannot multiply the guesses or the work: each field hashing a password,
# and the lookup by ID number (each counted against the caller's hourly allowance).
ONCE_PER_REQUEST: Final = once_per_request(
    "login", "changePassword", "createAccount", "resetAccountPassword", "memberByIdNumber"
)

# Lists without pages, at what a large province holds: a county union has tens of unions below it and
# covers tens of units; a union has a few levels above it (city, county, township); a member's history is
# a few changes a year.
EXPECTED_LIST_SIZES: Final = {
    "Organisation.children": 20,
    "Organisation.units": 20,
    "Organisation.ancestors": 7,
    "Member.history": 20,
}
OTHER_LISTS: Final = 50


def query_limits(limits: QueryLimits) -> list[Callable[[], SchemaExtension]]:
    """Schema extension factories enforcing ``limits``."""
    sizes = ListSizes(
        max_page=limits.max_page_size,
        default_page=DEFAULT_PAGE_SIZE,
        default_list=OTHER_LISTS,
        expected=EXPECTED_LIST_SIZES,
    )
    return complexity_limits(
        max_depth=limits.max_depth,
        max_aliases=limits.max_aliases,
        max_tokens=limits.max_tokens,
        more_rules=[ONCE_PER_REQUEST, result_size_rule(limits.max_result_objects, sizes)],
    )
