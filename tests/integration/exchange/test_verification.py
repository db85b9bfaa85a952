"""Verification (核查): member or not, and where — and every question is logged."""

from __future__ import annotations

import pytest

from tests.integration.exchange.conftest import PeerClient, event, person, query

pytestmark = pytest.mark.anyio
PURPOSE = "困难职工帮扶"


async def test_a_current_member_is_verified_with_the_province(hunan: PeerClient, gateway: PeerClient) -> None:
    await hunan.applied("43", 1, event(person(1), "43", "retired"))
    response = await gateway.post("/v1/verifications", {"token": person(1), "purpose": PURPOSE})
    assert response.json() == {"member": True, "province": "43"}


@pytest.mark.parametrize("status", ["claimed", "ended", "unknown"])
async def test_a_claim_an_ended_membership_or_an_unknown_person_is_not_a_member(
    status: str, hunan: PeerClient, gateway: PeerClient
) -> None:
    if status == "claimed":
        await hunan.claim("43", [person(1)])
    elif status == "ended":
        await hunan.applied("43", 1, event(person(1), "43", "ended"))
    response = await gateway.post("/v1/verifications", {"token": person(1), "purpose": PURPOSE})
    assert response.json() == {"member": False, "province": None}


async def test_every_verification_is_logged_with_who_asked_why_and_the_answer(
    hunan: PeerClient, hubei: PeerClient, exchange_database_url: str
) -> None:
    await hunan.applied("43", 1, event(person(1), "43"))
    await hubei.post("/v1/verifications", {"token": person(1), "purpose": PURPOSE})
    await hubei.post("/v1/verifications", {"token": person(2), "purpose": PURPOSE})
    logged = query(
        exchange_database_url,
        "SELECT peer, encode(token, 'hex'), purpose, member, province FROM verification_log ORDER BY id",
    )
    assert logged == [("node-hubei", person(1), PURPOSE, True, "43"), ("node-hubei", person(2), PURPOSE, False, None)]


async def test_a_purpose_holding_a_phone_number_is_refused_and_not_logged(
    gateway: PeerClient, exchange_database_url: str
) -> None:
    response = await gateway.post("/v1/verifications", {"token": person(1), "purpose": "帮扶 联系 13800138000"})
    assert (response.status_code, response.json()["error"]["field"]) == (422, "purpose")
    assert query(exchange_database_url, "SELECT count(*) FROM verification_log") == [(0,)]
