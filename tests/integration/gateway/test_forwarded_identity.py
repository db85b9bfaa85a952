"""A province node and identities forwarded by the gateway (real PostgreSQL, the node app over HTTP): a
national caller acts as a viewer of the whole province, masked and read-only; any other key is refused."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from exchange.protocol.forwarded_identity import NationalRole, forwarded_identity_token
from exchange.protocol.service_tokens import PeerKey
from province_node.app import create_app
from province_node.settings import NodeSettings
from tests.integration.province_node.conftest import GraphQLClient, fetch, gid
from tests.integration.province_node.test_members import UPDATE
from tests.integration.province_node.world import PASSWORD, World

pytestmark = pytest.mark.anyio
GATEWAY = PeerKey.generate("gateway")


@pytest.fixture
async def trusting_node(node_settings: NodeSettings) -> AsyncIterator[httpx.AsyncClient]:
    """The node app trusting the gateway's public key."""
    public = PeerKey.from_jwk("gateway", GATEWAY.public_jwk())
    app = create_app(dataclasses.replace(node_settings, gateway=public))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://node") as http,
    ):
        yield http


def national(
    http: httpx.AsyncClient,
    key: PeerKey = GATEWAY,
    province: str = "43",
    role: NationalRole = NationalRole.NATIONAL_ADMIN,
) -> GraphQLClient:
    """A client carrying a national caller's identity (an administrator's unless ``role`` says otherwise)
    forwarded with ``key`` for ``province``."""
    token = forwarded_identity_token(key, subject="acftu_caller", role=role, province=province)
    return GraphQLClient(http, "43", token)


async def test_a_national_caller_sees_the_whole_province_with_personal_numbers_masked(
    world: World, trusting_node: httpx.AsyncClient
) -> None:
    data = await national(trusting_node).data("{ members(first: 50) { totalCount edges { node { idNumber } } } }")
    assert data["members"]["totalCount"] == len(world.members)
    assert all("*" in edge["node"]["idNumber"] for edge in data["members"]["edges"])


async def test_a_national_caller_changes_nothing(world: World, trusting_node: httpx.AsyncClient) -> None:
    member = world.members[0].member.id
    codes = await national(trusting_node).error_codes(
        "mutation($id: ID!) { changeMemberStatus(id: $id, change: RETIRE) { __typename } }",
        {"id": gid("Member", member)},
    )
    assert codes == ["NOT_PERMITTED"]


async def test_an_identity_signed_by_another_key_is_refused(world: World, trusting_node: httpx.AsyncClient) -> None:
    forged = national(trusting_node, PeerKey.generate("gateway"))
    assert await forged.error_codes("{ statistics(groupBy: [GENDER]) { total } }") == ["UNAUTHENTICATED"]


async def test_an_identity_meant_for_another_province_is_refused(
    world: World, trusting_node: httpx.AsyncClient
) -> None:
    elsewhere = national(trusting_node, province="42")
    assert await elsewhere.error_codes("{ statistics(groupBy: [GENDER]) { total } }") == ["UNAUTHENTICATED"]


async def test_a_node_trusting_no_gateway_refuses_forwarded_identities(world: World, client: httpx.AsyncClient) -> None:
    assert await national(client).error_codes("{ statistics(groupBy: [GENDER]) { total } }") == ["UNAUTHENTICATED"]


async def test_a_forwarded_national_viewer_reads_statistics_and_no_record(
    world: World, trusting_node: httpx.AsyncClient
) -> None:
    viewer = national(trusting_node, role=NationalRole.NATIONAL_VIEWER)
    counted = await viewer.data("{ statistics(groupBy: [GENDER]) { total } }")
    assert counted["statistics"]["total"] == len(world.members)
    member = gid("Member", world.members[0].member.id)
    for query in (
        "{ members(first: 5) { totalCount } }",
        '{ memberByIdNumber(idNumber: "430102199001011232") { name } }',
        f'{{ member(id: "{member}") {{ name }} }}',
        "{ organisations(first: 5) { edges { node { name } } } }",
    ):
        assert await viewer.error_codes(query) == ["NOT_PERMITTED"], query


async def test_statistics_filtered_by_name_are_refused_to_a_forwarded_national_viewer(
    world: World, trusting_node: httpx.AsyncClient
) -> None:
    name = world.members[0].member.name
    query = "query($name: String!) { statistics(groupBy: [GENDER], filter: {name: $name}) { total } }"
    viewer = national(trusting_node, role=NationalRole.NATIONAL_VIEWER)
    assert await viewer.error_codes(query, {"name": name}) == ["NOT_PERMITTED"]
    counted = await national(trusting_node).data(query, {"name": name})
    assert counted["statistics"]["total"] >= 1


async def test_a_changed_name_in_a_history_read_by_a_national_caller_is_audited(
    world: World, trusting_node: httpx.AsyncClient
) -> None:
    furong_clerk = await GraphQLClient(trusting_node, "43").login("fr_clerk", PASSWORD)
    member = gid("Member", world.furong_members[0].member.id)
    renamed = await furong_clerk.data(UPDATE, {"id": member, "input": {"name": "张新名"}})
    assert renamed["updateMember"]["__typename"] == "MemberSaved"
    history = "query($id: ID!) { member(id: $id) { history { kind changes } } }"
    seen = (await national(trusting_node).data(history, {"id": member}))["member"]["history"]
    assert any("name" in entry["changes"] for entry in seen)
    audited = await fetch(world.tenant, "SELECT target_ids, details FROM audit_log WHERE action = 'personal_data_read'")
    [(members, details)] = audited
    assert (members, details["fields"], details["by"].endswith(":acftu_caller")) == (
        [world.furong_members[0].member.id],
        ["name"],
        True,
    )


async def test_a_national_caller_has_no_password_here_to_change(world: World, trusting_node: httpx.AsyncClient) -> None:
    change = """mutation { changePassword(currentPassword: "x", newPassword: "Another-pass-2026") {
        __typename ... on Error { code } } }"""
    body = await national(trusting_node).raw(change)
    assert body.get("errors") is None or "INTERNAL_ERROR" not in str(body["errors"])
    assert body["data"]["changePassword"]["code"] in {"NOT_FOUND", "NOT_PERMITTED"}
