"""The gateway app in-process over nodes answered by ``httpx.MockTransport``: a node returning garbage or an
error makes the answer partial (naming the province), never a failed request; a node gone down after a good
answer is served from that answer, marked stale; a costly fan-out is refused before any node is asked."""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from exchange.protocol.forwarded_identity import NationalRole
from exchange.protocol.service_tokens import PeerKey
from gateway import GatewaySettings, create_app
from gateway.app import LARGEST_REQUEST_BYTES
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


async def ask(
    gateway: httpx.AsyncClient, query: str, role: NationalRole = NationalRole.NATIONAL_VIEWER
) -> dict[str, Any]:
    """The whole response of a national caller's query (a viewer's unless ``role`` says otherwise)."""
    token = issue_login_token(KEY, username=f"acftu_{role.value}", role=role, lifetime=datetime.timedelta(hours=1))
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
    "not modified, though no tag was sent": httpx.Response(304),
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


async def test_a_node_confirming_the_tagged_answer_is_counted_from_it_as_current(
    nodes: Nodes, gateway: httpx.AsyncClient
) -> None:
    asked_with: list[str | None] = []

    def tagging(request: httpx.Request) -> httpx.Response:
        asked_with.append(request.headers.get("if-none-match"))
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"etag": '"v1"'})
        answer = statistics(("1", 10), as_of="2026-11-22T07:00")
        return httpx.Response(200, json=answer, headers={"etag": '"v1"'})

    nodes.handlers["hubei"] = tagging
    first = (await ask(gateway, NATIONAL_GENDER))["data"]["nationalStatistics"]
    again = (await ask(gateway, NATIONAL_GENDER))["data"]["nationalStatistics"]
    assert asked_with == [None, '"v1"']
    assert (again["rows"], again["total"], again["complete"]) == (first["rows"], 15, True)
    [hubei] = [p for p in again["provinces"] if p["province"] == "42"]
    assert hubei["stale"] is False
    assert hubei["asOf"] > "2026-11-22T07:00"  # confirmed now, not when first counted


def tagging_by_role(asked_with: list[str | None]) -> Handler:
    """A node that tags its answer for the caller's role (as the node's reach does) and confirms that tag."""

    def answer(request: httpx.Request) -> httpx.Response:
        asked_with.append(request.headers.get("if-none-match"))
        role = json.loads(base64.urlsafe_b64decode(request.headers["authorization"].split(".")[1] + "=="))["role"]
        tag = f'"{role}-v1"'
        if request.headers.get("if-none-match") == tag:
            return httpx.Response(304, headers={"etag": tag})
        return httpx.Response(200, json=statistics(("1", 10)), headers={"etag": tag})

    return answer


async def test_two_national_roles_asking_in_turn_each_have_their_answer_confirmed(
    nodes: Nodes, gateway: httpx.AsyncClient
) -> None:
    asked_with: list[str | None] = []
    nodes.handlers["hubei"] = tagging_by_role(asked_with)
    for _ in range(2):
        for role in (NationalRole.NATIONAL_VIEWER, NationalRole.NATIONAL_ADMIN):
            assert (await ask(gateway, NATIONAL_GENDER, role))["data"]["nationalStatistics"]["total"] == 15
    assert asked_with == [None, None, '"national_viewer-v1"', '"national_admin-v1"']


async def test_an_answer_is_served_stale_only_to_the_role_it_was_given_to(
    nodes: Nodes, gateway: httpx.AsyncClient
) -> None:
    nodes.handlers["hubei"] = lambda request: httpx.Response(200, json=statistics(("1", 10)))
    await ask(gateway, NATIONAL_GENDER, NationalRole.NATIONAL_ADMIN)
    nodes.handlers["hubei"] = lambda request: httpx.Response(503, text="starting")
    viewer = (await ask(gateway, NATIONAL_GENDER))["data"]["nationalStatistics"]
    admin = (await ask(gateway, NATIONAL_GENDER, NationalRole.NATIONAL_ADMIN))["data"]["nationalStatistics"]
    assert [(p["province"], p["stale"]) for p in viewer["provinces"]] == [("43", False)]
    assert ("42", True) in [(p["province"], p["stale"]) for p in admin["provinces"]]


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


@pytest.mark.parametrize("limits", [QueryLimits(max_cost=3)])
@pytest.mark.parametrize("province", ["null", "$province"], ids=["null", "nullable variable"])
async def test_a_province_argument_that_may_mean_every_province_is_costed_as_every_province(
    nodes: Nodes, gateway: httpx.AsyncClient, province: str
) -> None:
    variables = "($province: String)" if province.startswith("$") else ""
    query = f"""query Costly{variables} {{
                  a: nationalStatistics(groupBy: [GENDER], province: {province}) {{ total }}
                  b: nationalStatistics(groupBy: [GENDER], province: {province}) {{ total }} }}"""
    body = await ask(gateway, query)
    assert [error["extensions"]["code"] for error in body["errors"]] == ["QUERY_TOO_COSTLY"]
    assert nodes.requests == 0


async def test_an_empty_province_code_is_refused_not_taken_for_every_province(
    nodes: Nodes, gateway: httpx.AsyncClient
) -> None:
    body = await ask(gateway, '{ nationalStatistics(groupBy: [GENDER], province: "", filter: {union: "5"}) { total } }')
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["UNKNOWN_PROVINCE"]
    assert nodes.requests == 0


ODD_ANSWERS = {
    "error extensions that are a string": {"data": None, "errors": [{"message": "x", "extensions": "boom"}]},
    "error extensions that are a list": {"data": {"statistics": None}, "errors": [{"message": "x", "extensions": []}]},
}


@pytest.mark.parametrize("odd", list(ODD_ANSWERS), ids=list(ODD_ANSWERS))
async def test_a_node_error_of_an_odd_shape_makes_the_answer_partial(
    nodes: Nodes, gateway: httpx.AsyncClient, odd: str
) -> None:
    nodes.handlers["hubei"] = lambda request: httpx.Response(200, json=ODD_ANSWERS[odd])
    national = (await ask(gateway, NATIONAL_GENDER))["data"]["nationalStatistics"]
    assert national["total"] == 5
    assert [(m["province"], m["code"]) for m in national["missing"]] == [("42", "NODE_ERROR")]


async def test_json_nested_too_deep_to_parse_makes_the_answer_partial(nodes: Nodes, gateway: httpx.AsyncClient) -> None:
    deep = b'{"data":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    nodes.handlers["hubei"] = lambda request: httpx.Response(
        200, content=deep, headers={"content-type": "application/json"}
    )
    national = (await ask(gateway, NATIONAL_GENDER))["data"]["nationalStatistics"]
    assert national["total"] == 5
    assert [(m["province"], m["code"]) for m in national["missing"]] == [("42", "NODE_BAD_RESPONSE")]


async def test_a_health_answer_of_an_odd_shape_marks_that_province_unavailable(
    nodes: Nodes, gateway: httpx.AsyncClient
) -> None:
    def odd_health(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/healthz":
            return httpx.Response(200, json={"tenants": ["42"], "version": "1"})
        return hunan(request)

    nodes.handlers["hubei"] = odd_health
    body = await ask(gateway, "{ provinces { province status } }")
    assert "errors" not in body, body
    assert {p["province"]: p["status"] for p in body["data"]["provinces"]}["42"] == "unavailable"


@pytest.mark.parametrize("limits", [QueryLimits(max_cost=3)])
async def test_every_selection_of_a_located_member_is_costed(nodes: Nodes, gateway: httpx.AsyncClient) -> None:
    query = """{ locateMember(idNumber: "420102199001011232") { ... on LocatedMember {
                   a: member { id } b: member { id } c: member { id } } } }"""
    body = await ask(gateway, query)
    assert [error["extensions"]["code"] for error in body["errors"]] == ["QUERY_TOO_COSTLY"]
    assert nodes.requests == 0


async def test_a_token_nested_too_deep_to_parse_is_refused_as_unauthenticated(gateway: httpx.AsyncClient) -> None:
    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    token = ".".join((part(b'{"alg":"EdDSA"}'), part(b"[" * 3000 + b"]" * 3000), part(b"signature")))
    response = await gateway.post(
        "/graphql", json={"query": NATIONAL_GENDER}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert [error["extensions"]["code"] for error in response.json()["errors"]] == ["UNAUTHENTICATED"]


async def test_statistics_filtered_by_name_are_refused_to_a_national_viewer(
    nodes: Nodes, gateway: httpx.AsyncClient
) -> None:
    body = await ask(gateway, '{ nationalStatistics(groupBy: [GENDER], filter: {name: "张晓梅"}) { total } }')
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["NOT_PERMITTED"]
    assert nodes.requests == 0


@pytest.mark.parametrize("declared", [True, False], ids=["with its length", "chunked"])
async def test_a_request_body_over_the_limit_is_refused_before_any_node_is_asked(
    nodes: Nodes, gateway: httpx.AsyncClient, declared: bool
) -> None:
    body = json.dumps({"query": NATIONAL_GENDER, "variables": {"padding": "x" * LARGEST_REQUEST_BYTES}}).encode()

    async def chunked() -> AsyncIterator[bytes]:
        yield body

    response = await gateway.post(
        "/graphql", content=body if declared else chunked(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert nodes.requests == 0


async def test_a_login_asked_twice_in_one_request_is_refused(gateway: httpx.AsyncClient) -> None:
    guesses = " ".join(f'g{i}: login(username: "acftu_admin", password: "guess{i}") {{ __typename }}' for i in range(2))
    response = await gateway.post("/graphql", json={"query": f"mutation {{ {guesses} }}"})
    assert [error["extensions"]["code"] for error in response.json()["errors"]] == ["QUERY_TOO_COMPLEX"]
