"""Bounds on what one request may ask for, introspection, and the node's health and metrics endpoints."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
from sqlalchemy import text

from province_node.app import create_app
from province_node.settings import NodeSettings, QueryLimits
from tests.integration.province_node.conftest import GraphQLClient, settings_for
from tests.integration.province_node.world import PASSWORD, World

pytestmark = pytest.mark.anyio

LIMITS = QueryLimits()
INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE_INTROSPECTION = '{ __type(name: "Member") { name } }'


def nested_parents(levels: int) -> str:
    """A member query reaching ``levels`` parents up from each member's union."""
    return "{ members { edges { node { union { " + "parent { " * levels + "name" + " }" * levels + " } } } } }"


def error_codes(body: dict[str, object]) -> list[str]:
    errors = body.get("errors")
    assert isinstance(errors, list)
    return [error.get("extensions", {}).get("code", "") for error in errors]


async def test_a_query_within_the_depth_limit_is_answered(world: World, city_admin: GraphQLClient) -> None:
    data = await city_admin.data(nested_parents(LIMITS.max_depth - 5))
    assert len(data["members"]["edges"]) == 5


async def test_a_query_deeper_than_the_limit_is_refused_before_it_runs(world: World, city_admin: GraphQLClient) -> None:
    body = await city_admin.raw(nested_parents(LIMITS.max_depth))
    assert body["data"] is None
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "depth" in str(body["errors"])


async def test_a_query_with_too_many_aliases_is_refused(world: World, city_admin: GraphQLClient) -> None:
    query = "{ " + " ".join(f"a{index}: me {{ username }}" for index in range(LIMITS.max_aliases + 1)) + " }"
    body = await city_admin.raw(query)
    assert body["data"] is None
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]


async def test_as_many_aliases_as_the_limit_are_answered(world: World, city_admin: GraphQLClient) -> None:
    query = "{ " + " ".join(f"a{index}: me {{ username }}" for index in range(LIMITS.max_aliases)) + " }"
    data = await city_admin.data(query)
    assert data["a0"] == {"username": "cs_admin"}


async def test_a_login_asked_twice_in_one_request_is_refused_before_any_password_is_checked(
    world: World, anonymous: GraphQLClient
) -> None:
    guesses = " ".join(
        f'g{index}: login(username: "cs_admin", password: "guess{index}") {{ __typename }}' for index in range(2)
    )
    body = await anonymous.raw(f"mutation {{ {guesses} }}")
    assert body["data"] is None
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "只能调用一次 login" in str(body["errors"])


async def test_a_query_with_too_many_tokens_is_refused(world: World, city_admin: GraphQLClient) -> None:
    body = await city_admin.raw("{ me { " + "username " * LIMITS.max_tokens + "} }")
    assert body["data"] is None
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]


async def test_a_syntax_error_is_not_mistaken_for_a_query_too_complex(world: World, city_admin: GraphQLClient) -> None:
    body = await city_admin.raw("{ me { username ")
    assert body["data"] is None
    assert error_codes(body) == ["GRAPHQL_PARSE_FAILED"]


async def test_an_unknown_field_is_a_validation_error(world: World, city_admin: GraphQLClient) -> None:
    body = await city_admin.raw("{ me { password } }")
    assert body["data"] is None
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_a_query_whose_answer_would_be_too_large_is_refused_before_it_runs(
    world: World, city_admin: GraphQLClient
) -> None:
    # 500 members x their union's children x each child's units: a short query, a huge answer
    query = "{ members(first: 500) { edges { node { union { children { units { name } } } } } } }"
    body = await city_admin.raw(query)
    assert body["data"] is None
    assert error_codes(body) == ["QUERY_TOO_COSTLY"]
    assert f"上限 {LIMITS.max_result_objects}" in str(body["errors"])


async def test_a_full_page_of_members_with_their_union_and_history_is_answered(
    world: World, city_admin: GraphQLClient
) -> None:
    query = f"""{{ members(first: {LIMITS.max_page_size}) {{ edges {{ node {{
                 name union {{ name ancestors {{ name }} }} unit {{ name }} history {{ kind changes }} }} }} }} }}"""
    data = await city_admin.data(query)
    assert data["members"]["edges"]


async def test_a_page_larger_than_the_limit_is_refused(world: World, city_admin: GraphQLClient) -> None:
    body = await city_admin.raw(f"{{ members(first: {LIMITS.max_page_size + 1}) {{ totalCount }} }}")
    assert error_codes(body) == ["INVALID_ARGUMENT"]


async def test_introspection_is_on_by_default(anonymous: GraphQLClient) -> None:
    assert (await anonymous.data(INTROSPECTION))["__schema"] == {"queryType": {"name": "Query"}}


@pytest.fixture
async def closed_node(node_settings: NodeSettings) -> AsyncIterator[GraphQLClient]:
    """The same tenants served with introspection off."""
    settings = settings_for(*node_settings.tenants, introspection=False)
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://node") as http,
    ):
        yield GraphQLClient(http, "43")


@pytest.mark.parametrize("query", [INTROSPECTION, TYPE_INTROSPECTION])
async def test_introspection_is_refused_when_switched_off(closed_node: GraphQLClient, query: str) -> None:
    body = await closed_node.raw(query)
    assert body["data"] is None
    assert set(error_codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}


async def test_ordinary_queries_work_with_introspection_off(closed_node: GraphQLClient) -> None:
    assert (await closed_node.data('{ codeList(name: "gender") { name } }'))["codeList"] == {"name": "gender"}


async def test_healthz_reports_every_tenant_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["tenants"] == {"43": "ok", "42": "ok"}


async def test_metrics_count_graphql_requests_by_tenant(world: World, city_admin: GraphQLClient) -> None:
    await city_admin.data("query Members { members { totalCount } }")
    response = await city_admin.http.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert 'unionfed_graphql_requests_total{operation="Members",outcome="ok",tenant="43"} 1.0' in text
    assert "unionfed_db_pool_checked_out" in text


async def test_metrics_count_refused_requests_as_errors(world: World, city_admin: GraphQLClient) -> None:
    await city_admin.raw("query Deep " + nested_parents(LIMITS.max_depth))
    text = (await city_admin.http.get("/metrics")).text
    assert 'unionfed_graphql_requests_total{operation="Deep",outcome="error",tenant="43"} 1.0' in text


async def test_metrics_count_unparsable_requests_as_errors(world: World, city_admin: GraphQLClient) -> None:
    await city_admin.raw("{ me { username ")
    text = (await city_admin.http.get("/metrics")).text
    assert 'unionfed_graphql_requests_total{operation="anonymous",outcome="error",tenant="43"} 1.0' in text


async def test_a_province_the_node_does_not_serve_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.post("/p/11/graphql", json={"query": INTROSPECTION})
    assert response.status_code == 404


async def test_a_statement_running_past_the_limit_is_cancelled_with_a_coded_chinese_error(
    world: World, node_settings: NodeSettings
) -> None:
    settings = dataclasses.replace(node_settings, limits=dataclasses.replace(LIMITS, statement_seconds=0.3))
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://node") as http,
        world.tenant.engine.connect() as blocker,
    ):
        clerk = await GraphQLClient(http, "43").login("fr_clerk", PASSWORD)
        await blocker.execute(text("LOCK TABLE member IN ACCESS EXCLUSIVE MODE"))  # the count waits for it
        try:
            with anyio.fail_after(10):  # without the limit the count would wait for as long as the lock is held
                body = await clerk.raw("{ members { totalCount } }")
        finally:
            await blocker.rollback()
        assert error_codes(body) == ["QUERY_TIMEOUT"]
        assert "缩小范围" in body["errors"][0]["message"]
        assert (await clerk.data("{ me { username } }"))["me"] == {"username": "fr_clerk"}  # the pool recovered
