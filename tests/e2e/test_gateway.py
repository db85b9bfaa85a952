"""The national gateway, the exchange, two province nodes and their databases as separate processes over real
HTTP: national statistics are the sum of the provinces' own answers, a stopped province makes the answer
partial (naming it) within the node timeout, a national viewer never reaches personal data, a query
delegated to a province is scoped and masked by that province's node, a member is located through the
exchange's index, and verification and conflicts are passed through from the exchange.

Hunan (43) relays its members to the exchange, so the index knows their home province; the second province
(42, a copy of the same small world) runs alone, as a province not yet linked would."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import psycopg
import pytest

from exchange.protocol.forwarded_identity import NationalRole, forwarded_identity_token
from exchange.protocol.service_tokens import PeerKey, service_token
from exchange.service.store.peers import PeerKind
from exchange.standard import identity_token, validate_id_number
from gateway.security.accounts import hash_password
from tests.conftest import cloned_database
from tests.e2e.processes import Service
from tests.integration.exchange.conftest import event, register
from tests.integration.province_node.conftest import NATIONAL_KEY, NATIONAL_SECRET, NODE_SECRET
from tests.integration.province_node.test_members import member_input
from tests.integration.province_node.world import PASSWORD, TODAY, World, resident_id

NODE_TIMEOUT = 1.0
SYNC_SECONDS = 60
GATEWAY_PASSWORD = "National-demo-2026"
GENDER_STATISTICS = "{ statistics(groupBy: [GENDER]) { rows { keys { code } count ageSum ageCount } total } }"
NATIONAL_GENDER = """{ nationalStatistics(groupBy: [GENDER]) {
  rows { keys { dimension code label } count } total averageAge complete missing { province code message }
  provinces { province asOf stale } } }"""
LOCATE = """query($id: String!) { locateMember(idNumber: $id) {
  __typename
  ... on LocatedMember { province provinceName member { name idNumber phone union { name } } }
  ... on NotAMember { message }
  ... on ArgumentError { code message problems { field code message } } } }"""
VERIFY = """query($id: String!, $purpose: String!) { verifyMembership(idNumber: $id, purpose: $purpose) {
  __typename
  ... on MembershipVerification { member province provinceName }
  ... on ArgumentError { code problems { field code } } } }"""
CONFLICTS = """query($province: String, $limit: Int! = 100) { conflicts(province: $province, limit: $limit) {
  __typename
  ... on NationalConflicts { next conflicts { id holder holderName claimant claimantName resolvedAt } }
  ... on ArgumentError { code problems { field code } } } }"""
REGISTER = "mutation($input: MemberInput!) { registerMember(input: $input) { ... on MemberSaved { member { id } } } }"
END_MEMBER = """mutation($id: ID!) { changeMemberStatus(id: $id, change: END, endReason: OTHER) { __typename } }"""
PROVINCES = "{ provinces { province name status version lagSeconds unsentEvents memberCount problem { code } } }"


@dataclass
class Federation:
    """The processes of one test module: the exchange, a node per province, the gateway's key and accounts,
    and the small world both provinces hold."""

    exchange: Service
    exchange_database: str
    nodes: dict[str, Service]
    gateway_key: PeerKey
    hubei_key: PeerKey
    accounts: str
    world: World


def node_process(province: str, database_url: str, gateway_key: PeerKey, link: dict[str, str]) -> Service:
    """``unionfed node serve`` for one province, trusting the gateway's key (``link``: its exchange settings)."""
    return Service(
        ["node", "serve"],
        {
            "UNIONFED_TENANTS": f"{province}:national",
            f"UNIONFED_DATABASE_URL_{province}": database_url,
            "UNIONFED_NATIONAL_KEY": NATIONAL_SECRET.hex(),
            "UNIONFED_NODE_SECRET": NODE_SECRET.hex(),
            "UNIONFED_GATEWAY_PUBLIC_KEY": json.dumps(gateway_key.public_jwk()),
            "UNIONFED_GATEWAY_ID": gateway_key.peer_id,
            **link,
        },
    )


def gateway_process(federation: Federation) -> Service:
    """``unionfed gateway serve`` over the federation's nodes and exchange."""
    nodes = ",".join(f"{province}={node.url}" for province, node in sorted(federation.nodes.items()))
    return Service(
        ["gateway", "serve"],
        {
            "UNIONFED_GATEWAY_NODES": nodes,
            "UNIONFED_GATEWAY_KEY": json.dumps(federation.gateway_key.private_jwk()),
            "UNIONFED_GATEWAY_ID": federation.gateway_key.peer_id,
            "UNIONFED_GATEWAY_ACCOUNTS": federation.accounts,
            "UNIONFED_NODE_TIMEOUT": str(NODE_TIMEOUT),
            "UNIONFED_EXCHANGE_URL": federation.exchange.url,
            "UNIONFED_NATIONAL_KEY": NATIONAL_SECRET.hex(),
        },
    )


def wait_until_relayed(database_url: str) -> None:
    """Wait until the node's outbox is empty: every event acknowledged by the exchange."""
    deadline = time.monotonic() + SYNC_SECONDS
    with psycopg.connect(database_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            row = connection.execute("SELECT count(*) FROM outbox WHERE seq IS NULL OR sent_at IS NULL").fetchone()
            if row is not None and row[0] == 0:
                return
            time.sleep(0.1)
    raise AssertionError(f"the node did not relay its outbox within {SYNC_SECONDS} s")


@pytest.fixture(scope="module")
def federation(postgres_server: str, world_template: tuple[str, World], exchange_template: str) -> Iterator[Federation]:
    """The exchange; Hunan (43) linked to it and synced; a second province (42) on its own; the gateway's key."""
    template, world = world_template
    accounts = json.dumps(
        [
            {"username": "acftu_admin", "role": "national_admin", "passwordHash": hash_password(GATEWAY_PASSWORD)},
            {"username": "acftu_viewer", "role": "national_viewer", "passwordHash": hash_password(GATEWAY_PASSWORD)},
        ]
    )
    with (
        cloned_database(postgres_server, exchange_template) as exchange_database,
        cloned_database(postgres_server, template) as hunan,
        cloned_database(postgres_server, template) as second,
    ):
        hunan_key = anyio.run(register, exchange_database, "node-hunan", PeerKind.NODE, ["43"])
        hubei_key = anyio.run(register, exchange_database, "node-hubei", PeerKind.NODE, ["42"])
        key = anyio.run(register, exchange_database, "gateway", PeerKind.GATEWAY, [])
        exchange = Service(["exchange", "serve"], {"UNIONFED_EXCHANGE_DATABASE_URL": exchange_database})
        link = {
            "UNIONFED_EXCHANGE_URL": exchange.url,
            "UNIONFED_NODE_ID": "node-hunan",
            "UNIONFED_NODE_KEY": json.dumps(hunan_key.private_jwk()),
        }
        nodes = {"43": node_process("43", hunan, key, link), "42": node_process("42", second, key, {})}
        started: list[Service] = []
        try:
            for service in (exchange, *nodes.values()):
                service.start()
                started.append(service)
            wait_until_relayed(hunan)
            yield Federation(exchange, exchange_database, nodes, key, hubei_key, accounts, world)
        finally:
            for service in reversed(started):
                service.stop()


@pytest.fixture(scope="module")
def gateway(federation: Federation) -> Iterator[Service]:
    """The gateway process of the module's tests (started once: each start costs seconds). A test that stops a
    node starts it again, and the next answer closes the node's breaker: no test sees another's breaker open."""
    service = gateway_process(federation)
    service.start()
    yield service
    service.stop()


def post(url: str, query: str, token: str | None = None, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """A GraphQL request's whole response body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(url, json={"query": query, "variables": variables or {}}, headers=headers, timeout=30)
    body: dict[str, Any] = response.json()
    return body


def gateway_login(gateway: Service, username: str) -> str:
    """A gateway login token of a national demo account."""
    body = post(
        f"{gateway.url}/graphql",
        """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
             __typename ... on NationalLogin { token } } }""",
        variables={"u": username, "p": GATEWAY_PASSWORD},
    )
    result = body["data"]["login"]
    assert result["__typename"] == "NationalLogin", body
    return str(result["token"])


def node_login(node: Service, province: str) -> str:
    """A node login token of the province's administrator."""
    body = post(
        f"{node.url}/p/{province}/graphql",
        'mutation($p: String!) { login(username: "hn_admin", password: $p) { ... on LoginSuccess { token } } }',
        variables={"p": PASSWORD},
    )
    return str(body["data"]["login"]["token"])


def codes(body: dict[str, Any]) -> list[str]:
    """The ``extensions.code`` of every error of a response."""
    return [error.get("extensions", {}).get("code", "") for error in body.get("errors", [])]


def test_national_statistics_equal_the_sum_of_the_provinces_own_answers(
    federation: Federation, gateway: Service
) -> None:
    expected: dict[str | None, int] = {}
    ages, aged = 0.0, 0
    for province, node in federation.nodes.items():
        own = post(f"{node.url}/p/{province}/graphql", GENDER_STATISTICS, node_login(node, province))
        for row in own["data"]["statistics"]["rows"]:
            code = row["keys"][0]["code"]
            expected[code] = expected.get(code, 0) + row["count"]
            ages, aged = ages + row["ageSum"], aged + row["ageCount"]
    body = post(f"{gateway.url}/graphql", NATIONAL_GENDER, gateway_login(gateway, "acftu_admin"))
    national = body["data"]["nationalStatistics"]
    assert "errors" not in body, body
    assert {row["keys"][0]["code"]: row["count"] for row in national["rows"]} == expected
    assert national["total"] == sum(expected.values()) > 0
    assert national["averageAge"] == pytest.approx(ages / aged)
    assert national["complete"] is True
    assert [p["province"] for p in national["provinces"]] == ["42", "43"]


def test_a_drill_down_to_one_province_has_the_same_shape_and_that_provinces_figures(
    federation: Federation, gateway: Service
) -> None:
    token = gateway_login(gateway, "acftu_viewer")
    body = post(
        f"{gateway.url}/graphql",
        '{ nationalStatistics(groupBy: [GENDER], province: "43") { total complete provinces { province } } }',
        token,
    )
    hunan = post(
        f"{federation.nodes['43'].url}/p/43/graphql", GENDER_STATISTICS, node_login(federation.nodes["43"], "43")
    )
    result = body["data"]["nationalStatistics"]
    assert result["total"] == hunan["data"]["statistics"]["total"]
    assert [p["province"] for p in result["provinces"]] == ["43"]


def test_a_stopped_province_makes_the_answer_partial_naming_it_within_the_timeout_its_last_answer_stale(
    federation: Federation, gateway: Service
) -> None:
    token = gateway_login(gateway, "acftu_viewer")
    before = post(f"{gateway.url}/graphql", NATIONAL_GENDER, token)["data"]["nationalStatistics"]
    federation.nodes["42"].stop()
    try:
        started = time.monotonic()
        body = post(f"{gateway.url}/graphql", NATIONAL_GENDER, token)
        elapsed = time.monotonic() - started
    finally:
        federation.nodes["42"].start()
    national = body["data"]["nationalStatistics"]
    assert elapsed < NODE_TIMEOUT + 2
    assert national["complete"] is False
    assert [m["province"] for m in national["missing"]] == ["42"]
    assert national["missing"][0]["code"] == "NODE_UNREACHABLE"
    assert "湖北省" in national["missing"][0]["message"]
    [error] = body["errors"]
    assert (error["path"], error["extensions"]["province"]) == (["nationalStatistics"], "42")
    # Hubei's good answer of a moment ago stands in, marked stale; Hunan's is fresh.
    assert {p["province"]: p["stale"] for p in national["provinces"]} == {"42": True, "43": False}
    assert [p["asOf"] for p in national["provinces"] if p["stale"]] == [before["provinces"][0]["asOf"]]
    assert (national["rows"], national["total"]) == (before["rows"], before["total"])


def test_provinces_show_health_version_lag_and_members_and_a_stopped_node_as_unavailable(
    federation: Federation, gateway: Service
) -> None:
    token = gateway_login(gateway, "acftu_viewer")
    healthy = post(f"{gateway.url}/graphql", PROVINCES, token)
    federation.nodes["42"].stop()
    try:
        started = time.monotonic()
        partly = post(f"{gateway.url}/graphql", PROVINCES, token)
        elapsed = time.monotonic() - started
    finally:
        federation.nodes["42"].start()
    assert "errors" not in healthy, healthy
    by_province = {p["province"]: p for p in healthy["data"]["provinces"]}
    members = len(federation.world.members)
    assert [(p["name"], p["status"], p["memberCount"]) for p in by_province.values()] == [
        ("湖北省", "ok", members),
        ("湖南省", "ok", members),
    ]
    assert all(p["version"] and p["problem"] is None for p in by_province.values())
    assert (by_province["43"]["unsentEvents"], by_province["43"]["lagSeconds"]) == (0, 0)  # synced
    assert (by_province["42"]["unsentEvents"], by_province["42"]["lagSeconds"]) == (None, None)  # not linked
    assert "errors" not in partly, partly  # a stopped node is a state to show, not a failure of the request
    assert elapsed < NODE_TIMEOUT + 2
    stopped = {p["province"]: p for p in partly["data"]["provinces"]}
    assert (stopped["42"]["status"], stopped["42"]["problem"], stopped["42"]["memberCount"]) == (
        "unavailable",
        {"code": "NODE_UNREACHABLE"},
        None,
    )
    assert (stopped["43"]["status"], stopped["43"]["memberCount"]) == ("ok", members)


def test_a_national_viewer_gets_statistics_but_no_personal_data(gateway: Service) -> None:
    token = gateway_login(gateway, "acftu_viewer")
    statistics = post(f"{gateway.url}/graphql", NATIONAL_GENDER, token)
    assert statistics["data"]["nationalStatistics"]["total"] > 0
    delegated = post(
        f"{gateway.url}/graphql", '{ province(code: "43") { members(first: 5) { edges { node { name } } } } }', token
    )
    assert delegated["data"]["province"] is None
    assert codes(delegated) == ["NOT_PERMITTED"]


def test_a_forged_forwarded_identity_is_refused_by_the_node(federation: Federation) -> None:
    forger = PeerKey.generate("gateway")  # the gateway's name, another key
    token = forwarded_identity_token(forger, subject="intruder", role=NationalRole.NATIONAL_ADMIN, province="43")
    body = post(f"{federation.nodes['43'].url}/p/43/graphql", GENDER_STATISTICS, token)
    assert body["data"] is None
    assert codes(body) == ["UNAUTHENTICATED"]


def test_a_delegated_query_is_answered_by_the_node_over_the_whole_province_with_numbers_masked(
    federation: Federation, gateway: Service
) -> None:
    node = federation.nodes["43"]
    own = post(f"{node.url}/p/43/graphql", "{ members(first: 100) { totalCount } }", node_login(node, "43"))
    query = """query($n: Int) { hunan: province(code: "43") { ...people } }
      fragment people on ProvinceQuery { members(first: $n) { totalCount edges { node { name idNumber } } } }"""
    body = post(f"{gateway.url}/graphql", query, gateway_login(gateway, "acftu_admin"), {"n": 100})
    assert "errors" not in body, body
    members = body["data"]["hunan"]["members"]
    assert members["totalCount"] == own["data"]["members"]["totalCount"] > 0
    assert all("*" in edge["node"]["idNumber"] for edge in members["edges"])


def test_errors_of_a_delegated_query_come_back_under_the_province_field(gateway: Service) -> None:
    body = post(
        f"{gateway.url}/graphql",
        '{ province(code: "43") { member(id: "not-an-id") { name } } }',
        gateway_login(gateway, "acftu_admin"),
    )
    assert body["errors"][0]["path"][:2] == ["province", "member"]
    assert body["errors"][0]["extensions"]["province"] == "43"


def test_a_delegated_query_too_costly_for_the_node_is_refused_under_the_province_field(gateway: Service) -> None:
    many = "members(first: 500) { edges { node { union { children { units { name } } } } } }"
    query = '{ province(code: "43") { ' + many + " } }"
    body = post(f"{gateway.url}/graphql", query, gateway_login(gateway, "acftu_admin"))
    assert body["data"]["province"] is None
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["errors"][0]["extensions"]["province"] == "43"


def test_an_unknown_province_is_refused_with_its_code(gateway: Service) -> None:
    body = post(
        f"{gateway.url}/graphql", '{ province(code: "99") { me { username } } }', gateway_login(gateway, "acftu_admin")
    )
    assert codes(body) == ["UNKNOWN_PROVINCE"]


def token_of(id_number: str) -> str:
    """The identity token of a resident ID number, as nodes and the gateway compute it."""
    verdict = validate_id_number("01", id_number)
    assert verdict.document is not None
    return identity_token(NATIONAL_KEY, verdict.document)


def nobodys_id_number() -> str:
    """A valid resident ID number no member of the small world holds."""
    return resident_id("430102", TODAY.replace(year=1988), 777)


def test_a_national_admin_locates_a_member_at_the_home_provinces_node_with_numbers_masked(
    federation: Federation, gateway: Service
) -> None:
    world = federation.world
    row = world.furong_members[0]
    id_number = world.id_number(row)
    body = post(f"{gateway.url}/graphql", LOCATE, gateway_login(gateway, "acftu_admin"), {"id": id_number})
    assert "errors" not in body, body
    located = body["data"]["locateMember"]
    assert (located["__typename"], located["province"], located["provinceName"]) == ("LocatedMember", "43", "湖南省")
    member = located["member"]
    assert (member["name"], member["union"]["name"]) == (world.persons[row.member.id].name, "芙蓉科技公司工会")
    assert "*" in member["idNumber"]
    assert id_number not in json.dumps(body, ensure_ascii=False)
    assert world.phone(row) not in json.dumps(body, ensure_ascii=False)


def test_locating_an_id_nobody_holds_says_not_a_member_and_an_invalid_id_is_a_coded_argument_error(
    gateway: Service,
) -> None:
    token = gateway_login(gateway, "acftu_admin")
    nobody = post(f"{gateway.url}/graphql", LOCATE, token, {"id": nobodys_id_number()})
    valid = nobodys_id_number()
    wrong_check_digit = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    invalid = post(f"{gateway.url}/graphql", LOCATE, token, {"id": wrong_check_digit})
    assert "errors" not in nobody, nobody
    assert nobody["data"]["locateMember"]["__typename"] == "NotAMember"
    assert nobody["data"]["locateMember"]["message"]
    assert "errors" not in invalid, invalid
    refused = invalid["data"]["locateMember"]
    assert (refused["__typename"], refused["code"]) == ("ArgumentError", "INVALID_ARGUMENT")
    assert [(p["field"], p["code"]) for p in refused["problems"]] == [("idNumber", "ID_CHECKSUM")]
    assert "校验位" in refused["message"]


def test_a_national_viewer_can_neither_locate_nor_verify_members_nor_read_conflicts(
    federation: Federation, gateway: Service
) -> None:
    token = gateway_login(gateway, "acftu_viewer")
    id_number = federation.world.id_number(federation.world.furong_members[0])
    for query, variables in (
        (LOCATE, {"id": id_number}),
        (VERIFY, {"id": id_number, "purpose": "困难职工帮扶"}),
        (CONFLICTS, {}),
    ):
        body = post(f"{gateway.url}/graphql", query, token, variables)
        assert body["data"] is None, body
        assert codes(body) == ["NOT_PERMITTED"]


def test_verification_answers_member_and_home_province_only_and_the_exchange_logs_who_asked_why(
    federation: Federation, gateway: Service
) -> None:
    token = gateway_login(gateway, "acftu_admin")
    member_id = federation.world.id_number(federation.world.tianxin_members[1])
    member = post(f"{gateway.url}/graphql", VERIFY, token, {"id": member_id, "purpose": "困难职工帮扶"})
    nobody = post(f"{gateway.url}/graphql", VERIFY, token, {"id": nobodys_id_number(), "purpose": "困难职工帮扶"})
    no_purpose = post(f"{gateway.url}/graphql", VERIFY, token, {"id": member_id, "purpose": "  "})
    assert member["data"]["verifyMembership"] == {
        "__typename": "MembershipVerification",
        "member": True,
        "province": "43",
        "provinceName": "湖南省",
    }
    assert nobody["data"]["verifyMembership"] == {
        "__typename": "MembershipVerification",
        "member": False,
        "province": None,
        "provinceName": None,
    }
    refused = no_purpose["data"]["verifyMembership"]
    assert (refused["__typename"], refused["problems"]) == (
        "ArgumentError",
        [{"field": "purpose", "code": "PURPOSE_LENGTH"}],
    )
    with psycopg.connect(federation.exchange_database) as connection:
        logged = connection.execute(
            "SELECT peer, purpose, member, province FROM verification_log WHERE encode(token, 'hex') = %s",
            [token_of(member_id)],
        ).fetchall()
    assert logged == [("gateway", "困难职工帮扶（全国用户 acftu_admin）", True, "43")]


def test_the_exchanges_conflicts_are_passed_through_to_a_national_admin(
    federation: Federation, gateway: Service
) -> None:
    # Hubei's node reports, as current, a person Hunan holds: the exchange records the conflict.
    person = token_of(federation.world.id_number(federation.world.tianxin_members[0]))
    response = httpx.post(
        f"{federation.exchange.url}/v1/events",
        json={"province": "42", "batches": [{"seq": 1, "events": [event(person, "42")]}]},
        headers={"Authorization": f"Bearer {service_token(federation.hubei_key)}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    token = gateway_login(gateway, "acftu_admin")
    every = post(f"{gateway.url}/graphql", CONFLICTS, token)
    hubei = post(f"{gateway.url}/graphql", CONFLICTS, token, {"province": "42"})
    not_served = post(f"{gateway.url}/graphql", CONFLICTS, token, {"province": "44", "limit": 0})
    assert "errors" not in every, every
    page = every["data"]["conflicts"]
    assert page["__typename"] == "NationalConflicts"
    assert [
        (c["holder"], c["holderName"], c["claimant"], c["claimantName"], c["resolvedAt"]) for c in page["conflicts"]
    ] == [("43", "湖南省", "42", "湖北省", None)]
    assert page["next"] is None
    assert hubei["data"]["conflicts"] == page
    refused = not_served["data"]["conflicts"]
    assert refused["__typename"] == "ArgumentError"
    assert sorted((p["field"], p["code"]) for p in refused["problems"]) == [
        ("limit", "INVALID_ARGUMENT"),
        ("province", "UNKNOWN_PROVINCE"),
    ]


def not_modified(node: Service, province: str) -> float:
    """How many statistics questions the node has answered 304 (its tagged answer still held)."""
    metrics = httpx.get(f"{node.url}/metrics", timeout=10).text
    line = f'unionfed_graphql_not_modified_total{{tenant="{province}"}} '
    return sum(float(row.removeprefix(line)) for row in metrics.splitlines() if row.startswith(line))


def test_statistics_asked_again_are_confirmed_where_nothing_changed_and_recounted_where_written(
    federation: Federation, gateway: Service
) -> None:
    token = gateway_login(gateway, "acftu_viewer")
    nodes = federation.nodes
    first = post(f"{gateway.url}/graphql", NATIONAL_GENDER, token)["data"]["nationalStatistics"]
    confirmed = {province: not_modified(node, province) for province, node in nodes.items()}
    again = post(f"{gateway.url}/graphql", NATIONAL_GENDER, token)["data"]["nationalStatistics"]
    assert (again["rows"], again["total"], again["complete"]) == (first["rows"], first["total"], True)
    assert all(not_modified(node, province) == confirmed[province] + 1 for province, node in nodes.items())
    assert not any(p["stale"] for p in again["provinces"])

    hubei_admin = node_login(nodes["42"], "42")
    world = federation.world
    form = member_input(world.people.person(), world.furong_union.id, world.furong_unit.id)
    saved = post(f"{nodes['42'].url}/p/42/graphql", REGISTER, hubei_admin, {"input": form})
    member = saved["data"]["registerMember"]["member"]["id"]
    try:
        written = post(f"{gateway.url}/graphql", NATIONAL_GENDER, token)["data"]["nationalStatistics"]
        assert written["total"] == first["total"] + 1
        assert not_modified(nodes["42"], "42") == confirmed["42"] + 1  # Hubei counted again
        assert not_modified(nodes["43"], "43") == confirmed["43"] + 2  # Hunan confirmed its answer again
    finally:
        ended = post(f"{nodes['42'].url}/p/42/graphql", END_MEMBER, hubei_admin, {"id": member})
        assert ended["data"]["changeMemberStatus"]["__typename"] == "MemberSaved", ended
