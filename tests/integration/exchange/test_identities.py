"""The index listing of a province, for reconciliation: token order, in pages."""

from __future__ import annotations

import pytest

from exchange.standard.events import MemberEventType
from tests.integration.exchange.conftest import PeerClient, event, person

pytestmark = pytest.mark.anyio


async def test_the_listing_pages_through_the_province_rows_in_token_order(hunan: PeerClient, hubei: PeerClient) -> None:
    await hunan.applied("43", 1, *(event(person(n), "43") for n in range(5)))
    await hubei.applied("42", 1, event(person(99), "42"))
    first = (await hunan.get("/v1/identities", province="43", limit=3)).json()
    second = (await hunan.get("/v1/identities", province="43", limit=3, after=first["next"])).json()
    listed = [row["token"] for row in first["identities"] + second["identities"]]
    assert listed == sorted(person(n) for n in range(5))
    assert second["next"] is None
    assert {row["status"] for row in first["identities"]} == {"active"}


async def test_unconfirmed_claims_and_registered_rows_are_listed_together_in_token_order(hunan: PeerClient) -> None:
    await hunan.claim("43", [person(n) for n in range(6)])
    registered = event(person(1), "43"), event(person(4), "43", "retired"), event(person(5), "43", "ended")
    await hunan.applied("43", 1, *registered)
    pages, after = [], None
    while True:
        page = (await hunan.get("/v1/identities", province="43", limit=2, **({"after": after} if after else {}))).json()
        pages.append(page["identities"])
        if (after := page["next"]) is None:
            break
    listed = [(row["token"], row["status"]) for page in pages for row in page]
    statuses = {1: "active", 4: "retired", 5: "ended"}
    assert listed == sorted((person(n), statuses.get(n, "claimed")) for n in range(6))
    assert all(len(page) == 2 for page in pages[:3])


async def test_a_node_may_not_list_another_province(hunan: PeerClient) -> None:
    response = await hunan.get("/v1/identities", province="42")
    assert response.status_code == 403


async def test_the_gateway_may_list_any_province(hunan: PeerClient, gateway: PeerClient) -> None:
    await hunan.claim("43", [person(1)])
    listed = (await gateway.get("/v1/identities", province="43")).json()["identities"]
    assert [(row["token"], row["status"]) for row in listed] == [(person(1), "claimed")]


async def test_a_page_size_over_the_limit_is_refused(hunan: PeerClient) -> None:
    response = await hunan.get("/v1/identities", province="43", limit=10_001)
    assert response.status_code == 422


async def test_the_unconfirmed_claims_are_listed_alone_with_when_they_were_made(hunan: PeerClient) -> None:
    await hunan.claim("43", [person(1), person(2), person(3)])
    await hunan.applied("43", 1, event(person(2), "43"))
    listed = (await hunan.get("/v1/identities", province="43", status="claimed")).json()["identities"]
    assert [row["token"] for row in listed] == sorted([person(1), person(3)])
    assert all(row["status"] == "claimed" and row["claimedAt"] for row in listed)


async def test_a_listing_by_another_status_is_refused_with_the_field(hunan: PeerClient) -> None:
    response = await hunan.get("/v1/identities", province="43", status="active")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "status"


async def test_a_released_claim_frees_the_person_for_another_province(hunan: PeerClient, hubei: PeerClient) -> None:
    await hunan.claim("43", [person(1)])
    await hunan.applied("43", 1, event(person(1), "43", "ended", kind=MemberEventType.CLAIM_RELEASED))
    listed = (await hunan.get("/v1/identities", province="43", status="claimed")).json()["identities"]
    assert listed == []
    answer = (await hubei.claim("42", [person(1)]))[0]
    assert answer["outcome"] == "granted"
