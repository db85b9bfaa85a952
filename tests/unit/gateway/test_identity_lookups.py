"""Member location and 核查 through the gateway app in-process, over an exchange answered by
``httpx.MockTransport``: each question sent counts against the national caller's allowance an hour, and a
question past it is refused before the exchange is asked."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from exchange.protocol.forwarded_identity import NationalRole
from exchange.protocol.service_tokens import PeerKey
from exchange.standard import NationalKey
from gateway import GatewaySettings, create_app
from gateway.security.login_tokens import issue_login_token
from gateway.settings import QueryLimits
from tests.integration.province_node.world import TODAY, resident_id

pytestmark = pytest.mark.anyio

KEY = PeerKey.generate("gateway")
ALLOWANCE = 2
VERIFY = """query($id: String!) { verifyMembership(idNumber: $id, purpose: "困难职工帮扶") {
  __typename ... on MembershipVerification { member province } } }"""
LOCATE = """query($id: String!) { locateMember(idNumber: $id) { __typename } }"""
PERSON = resident_id("430102", TODAY.replace(year=1990), 123)


class Exchange:
    """The exchange's verifications: nobody is a member; questions counted."""

    def __init__(self) -> None:
        self.questions = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/verifications"
        self.questions += 1
        return httpx.Response(200, json={"member": False, "province": None})


@pytest.fixture
def exchange() -> Exchange:
    return Exchange()


@pytest.fixture
async def gateway(exchange: Exchange) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a gateway allowing ``ALLOWANCE`` lookups an hour, whose exchange is ``exchange``."""
    settings = GatewaySettings(
        nodes={"43": "http://hunan.node"},
        key=KEY,
        exchange_url="http://exchange",
        national_key=NationalKey(b"k" * 32),
        limits=QueryLimits(id_lookups_per_hour=ALLOWANCE),
    )
    async with httpx.MockTransport(exchange) as outbound:
        app = create_app(settings, transport=outbound)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            yield client


async def ask(gateway: httpx.AsyncClient, query: str, id_number: str = PERSON, user: str = "acftu_admin") -> Any:
    """The whole response of a national administrator's query."""
    role = NationalRole.NATIONAL_ADMIN
    token = issue_login_token(KEY, username=user, role=role, lifetime=datetime.timedelta(hours=1))
    response = await gateway.post(
        "/graphql",
        json={"query": query, "variables": {"id": id_number}},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.json()


async def test_a_verification_past_the_allowance_is_refused_without_asking_the_exchange(
    gateway: httpx.AsyncClient, exchange: Exchange
) -> None:
    for _ in range(ALLOWANCE):
        answered = await ask(gateway, VERIFY)
        assert answered["data"]["verifyMembership"]["member"] is False
    refused = await ask(gateway, VERIFY)
    assert refused["errors"][0]["extensions"]["code"] == "TOO_MANY_LOOKUPS"
    assert "已达上限" in refused["errors"][0]["message"]
    assert exchange.questions == ALLOWANCE


async def test_member_location_and_verification_share_one_allowance(
    gateway: httpx.AsyncClient, exchange: Exchange
) -> None:
    await ask(gateway, VERIFY)
    located = await ask(gateway, LOCATE)
    assert located["data"]["locateMember"]["__typename"] == "NotAMember"
    refused = await ask(gateway, LOCATE)
    assert refused["errors"][0]["extensions"]["code"] == "TOO_MANY_LOOKUPS"
    assert exchange.questions == ALLOWANCE


async def test_aliases_do_not_multiply_the_allowance(gateway: httpx.AsyncClient, exchange: Exchange) -> None:
    aliased = (
        "query($id: String!) {"
        + " ".join(f'v{n}: verifyMembership(idNumber: $id, purpose: "困难职工帮扶") {{ __typename }}' for n in range(5))
        + "}"
    )
    answer = await ask(gateway, aliased)
    assert answer["errors"][0]["extensions"]["code"] == "TOO_MANY_LOOKUPS"
    assert exchange.questions == ALLOWANCE


async def test_an_id_number_the_standard_refuses_is_not_counted(gateway: httpx.AsyncClient, exchange: Exchange) -> None:
    for _ in range(ALLOWANCE + 1):
        refused = await ask(gateway, LOCATE, id_number=PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1"))
        assert refused["data"]["locateMember"]["__typename"] == "ArgumentError"
    assert exchange.questions == 0
    assert (await ask(gateway, LOCATE))["data"]["locateMember"]["__typename"] == "NotAMember"


async def test_another_national_caller_keeps_its_own_allowance(gateway: httpx.AsyncClient, exchange: Exchange) -> None:
    for _ in range(ALLOWANCE):
        await ask(gateway, VERIFY)
    answered = await ask(gateway, VERIFY, user="acftu_admin2")
    assert answered["data"]["verifyMembership"]["__typename"] == "MembershipVerification"
