"""Conflicts: the same person current in two provinces is recorded, never silent, never overwritten."""

from __future__ import annotations

import anyio
import pytest

from tests.integration.exchange.conftest import PeerClient, event, person, query

pytestmark = pytest.mark.anyio


async def open_conflict(hunan: PeerClient, hubei: PeerClient) -> None:
    """Hubei holds person 1; Hunan registers the person too."""
    await hubei.applied("42", 1, event(person(1), "42", gender="2"))
    await hunan.applied("43", 1, event(person(1), "43", gender="1"))


async def test_a_second_province_registering_opens_a_conflict_and_the_holder_keeps_the_row(
    hunan: PeerClient, hubei: PeerClient, exchange_database_url: str
) -> None:
    await open_conflict(hunan, hubei)
    assert query(exchange_database_url, "SELECT province, gender FROM identity") == [("42", "2")]
    [conflict] = (await hunan.get("/v1/conflicts", province="43")).json()["conflicts"]
    assert (conflict["token"], conflict["holder"], conflict["claimant"]) == (person(1), "42", "43")
    assert conflict["resolvedAt"] is None


async def test_both_provinces_see_the_conflict(hunan: PeerClient, hubei: PeerClient) -> None:
    await open_conflict(hunan, hubei)
    assert len((await hubei.get("/v1/conflicts", province="42")).json()["conflicts"]) == 1
    assert len((await hunan.get("/v1/conflicts", province="43")).json()["conflicts"]) == 1


async def test_further_events_of_the_claimant_refresh_the_same_conflict(
    hunan: PeerClient, hubei: PeerClient, exchange_database_url: str
) -> None:
    await open_conflict(hunan, hubei)
    await hunan.applied("43", 2, event(person(1), "43", "retired"))
    assert query(exchange_database_url, "SELECT claimant_status FROM conflict") == [("retired",)]


async def test_the_claimant_ending_resolves_the_conflict(hunan: PeerClient, hubei: PeerClient) -> None:
    await open_conflict(hunan, hubei)
    await hunan.applied("43", 2, event(person(1), "43", "ended"))
    assert (await hunan.get("/v1/conflicts", province="43")).json()["conflicts"] == []
    [resolved] = (await hunan.get("/v1/conflicts", province="43", state="resolved")).json()["conflicts"]
    assert (resolved["resolution"], resolved["resolvedBy"]) == ("ended", "43")


async def test_the_holder_ending_passes_the_row_to_the_claimant(
    hunan: PeerClient, hubei: PeerClient, gateway: PeerClient, exchange_database_url: str
) -> None:
    await open_conflict(hunan, hubei)
    await hubei.applied("42", 2, event(person(1), "42", "ended"))
    assert query(exchange_database_url, "SELECT province, status, gender FROM identity") == [("43", "active", "1")]
    totals = (await gateway.get("/v1/aggregates")).json()["rows"]
    assert totals == [{"province": "43", "key": None, "count": 1}]


async def test_the_gateway_lists_every_conflict_and_a_node_may_not(
    hunan: PeerClient, hubei: PeerClient, gateway: PeerClient
) -> None:
    await open_conflict(hunan, hubei)
    assert len((await gateway.get("/v1/conflicts", state="all")).json()["conflicts"]) == 1
    response = await hunan.get("/v1/conflicts")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PROVINCE_FORBIDDEN"


async def test_conflicts_are_listed_in_pages(hunan: PeerClient, hubei: PeerClient, gateway: PeerClient) -> None:
    await hubei.applied("42", 1, *(event(person(n), "42") for n in range(5)))
    await hunan.applied("43", 1, *(event(person(n), "43") for n in range(5)))
    first = (await gateway.get("/v1/conflicts", limit=3)).json()
    second = (await gateway.get("/v1/conflicts", limit=3, after=first["next"])).json()
    assert len(first["conflicts"]) == 3
    assert len(second["conflicts"]) == 2
    assert second["next"] is None


async def test_the_open_conflicts_show_in_the_metrics(hunan: PeerClient, hubei: PeerClient) -> None:
    await open_conflict(hunan, hubei)
    metrics = (await hunan.http.get("/metrics")).text
    assert "unionfed_exchange_conflicts_open 1.0" in metrics


async def test_two_provinces_registering_the_same_new_people_at_once_leave_one_holder_and_one_conflict_each(
    hunan: PeerClient, hubei: PeerClient, exchange_database_url: str
) -> None:
    people = [person(n) for n in range(500)]
    async with anyio.create_task_group() as group:
        group.start_soon(hunan.applied, "43", 1, *(event(token, "43") for token in people))
        group.start_soon(hubei.applied, "42", 1, *(event(token, "42") for token in people))
    assert query(exchange_database_url, "SELECT count(*) FROM identity") == [(500,)]
    held = dict(query(exchange_database_url, "SELECT encode(token, 'hex'), province FROM identity"))
    conflicts = query(
        exchange_database_url, "SELECT encode(token, 'hex'), holder, claimant FROM conflict WHERE resolved_at IS NULL"
    )
    assert len(conflicts) == 500
    assert all(held[token] == holder != claimant for token, holder, claimant in conflicts)
