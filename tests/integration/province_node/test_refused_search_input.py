"""Search arguments the database cannot take (a NUL in text, a cursor key beyond ``bigint``) are refused with
a stable code and a Chinese message, never an internal error."""

from __future__ import annotations

import base64

import pytest

from tests.integration.province_node.conftest import GraphQLClient

pytestmark = pytest.mark.anyio

NUL_TEXT = "a\u0000b"
SEARCHES = {
    "members by name": "query($t: String!) { members(filter: {name: $t}) { edges { node { id } } } }",
    "units by name": "query($t: String!) { units(name: $t) { edges { node { id } } } }",
    "units by credit code": "query($t: String!) { units(creditCode: $t) { edges { node { id } } } }",
    "organisations by name": "query($t: String!) { organisations(name: $t) { edges { node { id } } } }",
    "organisation by credit code": "query($t: String!) { organisationByCreditCode(creditCode: $t) { id } }",
}
MEMBERS_AFTER = "query($after: String!) { members(after: $after) { edges { node { id } } } }"


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("query", SEARCHES.values(), ids=SEARCHES.keys())
async def test_search_text_with_a_nul_is_refused_as_an_invalid_argument(
    province_admin: GraphQLClient, query: str
) -> None:
    body = await province_admin.raw(query, {"t": NUL_TEXT})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT"
    assert "控制字符" in error["message"]


async def test_a_login_with_a_nul_in_the_username_is_refused_as_an_invalid_argument(
    anonymous: GraphQLClient,
) -> None:
    data = await anonymous.data(
        """mutation($u: String!) { login(username: $u, password: "x") {
             __typename ... on Error { code message } } }""",
        {"u": "hn\u0000admin"},
    )
    assert data["login"]["__typename"] == "RuleViolationError"
    assert data["login"]["code"] == "INVALID_ARGUMENT"


async def test_a_cursor_whose_key_is_beyond_bigint_is_refused_as_an_invalid_cursor(
    province_admin: GraphQLClient,
) -> None:
    codes = await province_admin.error_codes(MEMBERS_AFTER, {"after": _cursor("member:" + "9" * 45)})
    assert codes == ["INVALID_CURSOR"]
    assert await province_admin.error_codes(MEMBERS_AFTER, {"after": _cursor(f"member:{2**63}")}) == ["INVALID_CURSOR"]


async def test_a_cursor_with_the_longest_key_accepted_still_pages(province_admin: GraphQLClient) -> None:
    data = await province_admin.data(MEMBERS_AFTER, {"after": _cursor("member:" + "9" * 18)})
    assert data["members"]["edges"] == []


async def test_search_text_with_surrounding_blanks_still_finds_the_organisation(
    province_admin: GraphQLClient,
) -> None:
    data = await province_admin.data('{ organisations(name: " 芙蓉区总工会\\t") { edges { node { name } } } }')
    assert [edge["node"]["name"] for edge in data["organisations"]["edges"]] == ["芙蓉区总工会"]
