"""Claims: who may register a person (PROTOCOL.md, "Claims")."""

from __future__ import annotations

import anyio
import pytest

from tests.integration.exchange.conftest import PeerClient, event, person, query

pytestmark = pytest.mark.anyio


async def test_a_token_nobody_holds_is_granted_and_held_as_claimed(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    assert await hunan.claim("43", [person(1)]) == [{"token": person(1), "outcome": "granted"}]
    assert query(exchange_database_url, "SELECT province, status FROM identity") == [("43", "claimed")]


async def test_claiming_again_is_already_yours(hunan: PeerClient) -> None:
    await hunan.claim("43", [person(1)])
    assert await hunan.claim("43", [person(1)]) == [{"token": person(1), "outcome": "already_yours"}]


async def test_a_token_held_by_another_province_is_a_conflict_naming_it(hunan: PeerClient, hubei: PeerClient) -> None:
    await hubei.claim("42", [person(1)])
    assert await hunan.claim("43", [person(1)]) == [{"token": person(1), "outcome": "conflict", "province": "42"}]


async def test_results_come_in_the_order_asked(hunan: PeerClient, hubei: PeerClient) -> None:
    await hubei.claim("42", [person(2)])
    await hunan.claim("43", [person(3)])
    results = await hunan.claim("43", [person(3), person(2), person(1)])
    assert [result["outcome"] for result in results] == ["already_yours", "conflict", "granted"]


async def test_a_membership_ended_elsewhere_is_granted_to_the_claimant(
    hunan: PeerClient, hubei: PeerClient, exchange_database_url: str
) -> None:
    await hubei.applied("42", 1, event(person(1), "42"))
    await hubei.applied("42", 2, event(person(1), "42", "ended"))
    assert (await hunan.claim("43", [person(1)]))[0]["outcome"] == "granted"
    assert query(exchange_database_url, "SELECT province, status FROM identity") == [("43", "claimed")]


async def test_claims_do_not_count_in_the_aggregates(hunan: PeerClient, gateway: PeerClient) -> None:
    await hunan.claim("43", [person(1), person(2)])
    assert (await gateway.get("/v1/aggregates")).json()["rows"] == []


async def test_two_provinces_claiming_the_same_new_tokens_at_once_get_exactly_one_grant_each(
    hunan: PeerClient, hubei: PeerClient
) -> None:
    tokens = [person(n) for n in range(2_000)]
    answers: dict[str, list[dict[str, str]]] = {}

    async def claim(client: PeerClient, province: str, order: list[str]) -> None:
        answers[province] = await client.claim(province, order)

    async with anyio.create_task_group() as group:
        group.start_soon(claim, hunan, "43", tokens)
        group.start_soon(claim, hubei, "42", list(reversed(tokens)))
    hunan_granted = {r["token"] for r in answers["43"] if r["outcome"] == "granted"}
    hubei_granted = {r["token"] for r in answers["42"] if r["outcome"] == "granted"}
    assert not hunan_granted & hubei_granted
    assert hunan_granted | hubei_granted == set(tokens)
    refused = [r for r in answers["43"] + answers["42"] if r["outcome"] == "conflict"]
    assert len(refused) == len(tokens)
