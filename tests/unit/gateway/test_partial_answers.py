"""The gateway app in-process over nodes answered by ``httpx.MockTransport``: a node returning garbage or an
error makes the answer partial (naming the province), never a failed request; a node gone down after a good
answer is served from that answer, marked stale; a costly fan-out is refused before any node is asked."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from exchange.protocol.forwarded_identity import NationalRole
from exchange.protocol.service_tokens import PeerKey
from gateway import GatewaySettings, create_app
from gateway.domain.retry_policy import RetryPolicy
from gateway.security.login_tokens import issue_login_token
from gateway.settings import NodePolicy, QueryLimits

pytestmark = pytest.mark.anyio

KEY = PeerKey.generate("gateway")
NODES = {"42": "http://hubei.node", "43": "http://hunan.node"}
NATIONAL_GENDER = """{ nationalStatistics(groupBy: [GENDER]) {
  rows { keys { code } count } total complete missing { province code message } provinces { province asOf stale } } }"""
Handler = Callable[[httpx.Request], httpx.Response]


def statistics(
    *counts: tuple[str, int], as_of: str = "2026-11-22T08:00:00+00:00", dimension: str = "GENDER", age: int = 40
) -> Any:
    """A node's answer to the gateway's statistics question: every member ``age`` years old."""
    rows = [
        {"keys": [{"dimension": dimension, "code": code, "label": code}], "count": n, "ageSum": float(age * n),
         "ageCount": n}
        for code, n in counts
    ]  # fmt: skip
    return {"data": {"statistics": {"dimensions": [dimension], "rows": rows, "asOf": as_of}}}


def hunan(request: httpx.Request) -> httpx.Response:
    """A healthy Hunan node: 3 men, 2 women."""
    return httpx.Response(200, json=statistics(("1", 3), ("2", 2)))


class Nodes:
    """The provinces' nodes as one mock transport: each host answered by its own handler; requests counted."""

    def __init__(self, **handlers: Handler) -> None:
        self.handlers = handlers
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return self.handlers[request.url.host.split(".")[0]](request)


@pytest.fixture
def nodes() -> Nodes:
    """Hunan healthy, Hubei as the test sets it."""
    return Nodes(hunan=hunan, hubei=hunan)


@pytest.fixture
async def gateway(nodes: Nodes, limits: QueryLimits) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the gateway app whose outbound requests go to ``nodes``."""
    policy = NodePolicy(timeout=1.0, retry=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01))
    settings = GatewaySettings(nodes=NODES, key=KEY, policy=policy, limits=limits)
    async with httpx.MockTransport(nodes) as outbound:
        app = create_app(settings, transport=outbound)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            yield client


@pytest.fixture
def limits() -> QueryLimits:
    """The default limits."""
    return QueryLimits()


async def ask(gateway: httpx.AsyncClient, query: str) -> dict[str, Any]:
    """The whole response of a national viewer's query."""
    token = issue_login_token(
        KEY, username="acftu_viewer", role=NationalRole.NATIONAL_VIEWER, lifetime=datetime.timedelta(hours=1)
    )
    response = await gateway.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
    body: dict[str, Any] = response.json()
    return body


GARBAGE = {
    "html instead of JSON": httpx.Response(200, text="<html><body>502 Bad Gateway</body></html>"),
    "an internal server error": httpx.Response(500, text="Internal Server Error"),
    "JSON that is not a GraphQL answer": httpx.Response(200, json=["not", "an", "answer"]),
    "statistics of the wrong shape": httpx.Response(200, json={"data": {"statistics": {"rows": "many"}}}),
    "negative counts": httpx.Response(200, json=statistics(("1", -4))),
    "counts grouped by another dimension": httpx.Response(200, json=statistics(("3", 9), dimension="EDUCATION")),
}


@pytest.mark.parametrize("garbage", list(GARBAGE), ids=list(GARBAGE))
async def test_a_node_returning_garbage_makes_the_answer_partial_naming_the_province(
    nodes: Nodes, gateway: httpx.AsyncClient, garbage: str
) -> None:
    nodes.handlers["hubei"] = lambda request: GARBAGE[garbage]
    body = await ask(gateway, NATIONAL_GENDER)
    national = body["data"]["nationalStatistics"]
    assert (national["total"], national["complete"]) == (5, False)
    [missing] = national["missing"]
    assert missing["province"] == "42"
    assert missing["code"] in {"NODE_BAD_RESPONSE", "NODE_ERROR"}
    assert "湖北省" in missing["message"]
    [error] = body["errors"]
    assert (error["path"], error["extensions"]) == (["nationalStatistics"], {"code": missing["code"], "province": "42"})


async def test_a_node_down_after_a_good_answer_is_served_from_it_marked_stale(
    nodes: Nodes, gateway: httpx.AsyncClient
) -> None:
    nodes.handlers["hubei"] = lambda request: httpx.Response(200, json=statistics(("1", 10), as_of="2026-11-22T07:00"))
    fresh = (await ask(gateway, NATIONAL_GENDER))["data"]["nationalStatistics"]

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    nodes.handlers["hubei"] = down
    body = await ask(gateway, NATIONAL_GENDER)
    stale = body["data"]["nationalStatistics"]
    assert fresh["complete"] is True
    assert stale["total"] == fresh["total"] == 15
    assert stale["rows"] == fresh["rows"]
    assert stale["complete"] is False
    assert {p["province"]: (p["asOf"], p["stale"]) for p in stale["provinces"]} == {
        "42": ("2026-11-22T07:00", True),
        "43": ("2026-11-22T08:00:00+00:00", False),
    }
    assert [(m["province"], m["code"]) for m in stale["missing"]] == [("42", "NODE_UNREACHABLE")]
    assert [error["extensions"]["province"] for error in body["errors"]] == ["42"]


async def test_a_node_never_heard_from_is_missing_not_stale(nodes: Nodes, gateway: httpx.AsyncClient) -> None:
    nodes.handlers["hubei"] = lambda request: httpx.Response(503, text="starting")
    national = (await ask(gateway, NATIONAL_GENDER))["data"]["nationalStatistics"]
    assert [p["province"] for p in national["provinces"]] == ["43"]
    assert [(m["province"], m["code"]) for m in national["missing"]] == [("42", "NODE_UNREACHABLE")]


async def test_average_ages_are_merged_as_the_provinces_sums_over_their_counts(
    nodes: Nodes, gateway: httpx.AsyncClient
) -> None:
    nodes.handlers["hubei"] = lambda request: httpx.Response(200, json=statistics(("1", 15), age=20))
    body = await ask(gateway, "{ nationalStatistics(groupBy: [GENDER]) { averageAge rows { count averageAge } } }")
    national = body["data"]["nationalStatistics"]
    # Hunan: 3 men and 2 women of 40; Hubei: 15 men of 20. Men: (120 + 300) / 18, not (40 + 20) / 2.
    assert national["rows"] == [{"count": 18, "averageAge": 420 / 18}, {"count": 2, "averageAge": 40.0}]
    assert national["averageAge"] == 500 / 20


@pytest.mark.parametrize("limits", [QueryLimits(max_cost=3)])
async def test_a_fan_out_costlier_than_the_limit_is_refused_before_any_node_is_asked(
    nodes: Nodes, gateway: httpx.AsyncClient
) -> None:
    costly = """{ a: nationalStatistics(groupBy: [GENDER]) { total }
                  b: nationalStatistics(groupBy: [GENDER]) { total } }"""
    body = await ask(gateway, costly)
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "4 次请求" in error["message"]
    assert nodes.requests == 0


@pytest.mark.parametrize("limits", [QueryLimits(max_cost=3)])
async def test_drill_downs_to_one_province_cost_one_each(nodes: Nodes, gateway: httpx.AsyncClient) -> None:
    query = """{ a: nationalStatistics(groupBy: [GENDER], province: "43") { total }
                 b: nationalStatistics(groupBy: [GENDER], province: "42") { total } }"""
    body = await ask(gateway, query)
    assert "errors" not in body, body
    assert (body["data"]["a"]["total"], body["data"]["b"]["total"]) == (5, 5)
