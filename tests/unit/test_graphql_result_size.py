"""Estimating the size of an answer before a query runs: lists multiply, pages size connections, fragments
count where they are spread, and a query whose answer would be too large is refused."""

from __future__ import annotations

import pytest
from graphql import build_schema, parse, validate

from unionfed.graphql_result_size import ListSizes, result_size_rule

SCHEMA = build_schema(
    """
    type Query {
      members(first: Int, after: String): MemberConnection!
      jobs(first: Int! = 20): [Job!]!
      me: Account
    }
    type MemberConnection { totalCount: Int! edges: [MemberEdge!]! }
    type MemberEdge { cursor: String! node: Member! }
    type Member { name: String! union: Organisation! history: [Event!]! }
    type Organisation { name: String! children: [Organisation!]! units: [Unit!]! tags: [String!]! }
    type Unit { name: String! }
    type Event { kind: String! }
    type Job { id: ID! }
    type Account { username: String! }
    """
)
SIZES = ListSizes(max_page=500, default_page=50, default_list=30, expected={"Organisation.children": 10})
LIMIT = 10_000


def refusals(query: str, limit: int = LIMIT) -> list[str]:
    """The codes of the errors the rule reports for ``query``."""
    errors = validate(SCHEMA, parse(query), [result_size_rule(limit, SIZES)])
    return [str((error.extensions or {}).get("code")) for error in errors]


def estimate(query: str) -> int:
    """The estimated size of the answer to ``query``: the smallest limit that admits it."""
    low, high = 0, 10**9
    while low < high:
        middle = (low + high) // 2
        if refusals(query, middle):
            low = middle + 1
        else:
            high = middle
    return low


def test_an_object_counts_one_and_its_scalars_count_nothing() -> None:
    assert estimate("{ me { username } }") == 1


def test_a_connection_s_first_sizes_its_edges() -> None:
    # the connection, then 10 edges each with its member
    assert estimate("{ members(first: 10) { totalCount edges { node { name } } } }") == 1 + 10 * (1 + 1)


def test_a_connection_asked_without_first_has_the_default_page() -> None:
    assert estimate("{ members { edges { cursor } } }") == 1 + 50


def test_a_first_given_as_a_variable_is_taken_at_the_largest_page() -> None:
    assert estimate("query($n: Int) { members(first: $n) { edges { cursor } } }") == 1 + 500


def test_a_list_with_first_is_sized_by_its_default_when_first_is_not_given() -> None:
    assert estimate("{ jobs { id } }") == 20


def test_lists_without_pages_take_the_expected_size_or_the_default() -> None:
    assert estimate("{ me { username } members(first: 1) { edges { node { union { children { name } } } } } }") == (
        1 + 1 + 1 * (1 + 1 + (1 + 10))
    )
    assert estimate("{ members(first: 1) { edges { node { history { kind } } } } }") == 1 + 1 * (1 + 1 + 30)


def test_nested_lists_multiply() -> None:
    query = "{ members(first: 100) { edges { node { union { children { children { units { name } } } } } } } }"
    assert estimate(query) == 1 + 100 * (1 + 1 + (1 + 10 * (1 + 10 * (1 + 30))))


def test_a_fragment_counts_each_time_it_is_spread() -> None:
    once = "{ members(first: 2) { edges { node { ...M } } } } fragment M on Member { union { name } }"
    twice = "{ a: members(first: 2) { edges { node { ...M } } } b: members(first: 2) { edges { node { ...M } } } }"
    fragment = " fragment M on Member { union { name } }"
    assert estimate(twice + fragment) == 2 * estimate(once)


def test_a_fragment_spread_inside_a_list_is_multiplied_by_it() -> None:
    spread = "{ members(first: 100) { edges { node { union { ...O } } } } }"
    spread += " fragment O on Organisation { units { name } }"
    inline = "{ members(first: 100) { edges { node { union { units { name } } } } } }"
    assert estimate(spread) == estimate(inline)


def test_an_inline_fragment_counts_like_its_fields() -> None:
    inline = "{ members(first: 3) { edges { node { ... on Member { history { kind } } } } } }"
    plain = "{ members(first: 3) { edges { node { history { kind } } } } }"
    assert estimate(inline) == estimate(plain)


def test_a_query_within_the_limit_is_not_refused() -> None:
    assert refusals("{ members(first: 100) { edges { node { union { name } history { kind } } } } }") == []


def test_a_query_whose_answer_is_too_large_is_refused_as_too_costly() -> None:
    query = "{ members(first: 500) { edges { node { union { children { units { name } } } } } } }"
    assert refusals(query) == ["QUERY_TOO_COSTLY"]


def test_the_refusal_says_the_estimate_and_the_limit_in_chinese() -> None:
    query = "{ members(first: 500) { edges { node { union { children { units { name } } } } } } }"
    errors = validate(SCHEMA, parse(query), [result_size_rule(LIMIT, SIZES)])
    assert f"上限 {LIMIT}" in errors[0].message
    assert str(estimate(query)) in errors[0].message


@pytest.mark.parametrize("operation", ["mutation", "subscription"])
def test_an_operation_the_schema_does_not_have_is_left_to_the_other_rules(operation: str) -> None:
    assert refusals(f"{operation} {{ x }}") == []


def test_a_fragment_cycle_is_left_to_the_other_rules() -> None:
    query = "{ me { ...A } } fragment A on Account { ...B } fragment B on Account { ...A }"
    assert refusals(query) == []
