"""Event ingestion: exactly once in effect, in sequence (PROTOCOL.md, "Events")."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from exchange.service.store import events as events_store
from exchange.standard.events import MemberEventType
from tests.integration.exchange.conftest import PeerClient, event, person, query

pytestmark = pytest.mark.anyio


async def test_events_are_applied_and_acknowledged(hunan: PeerClient, exchange_database_url: str) -> None:
    assert await hunan.applied("43", 1, event(person(1), "43", gender="2", birth_year=1985)) == 1
    rows = query(exchange_database_url, "SELECT province, status, gender, birth_year, last_seq FROM identity")
    assert rows == [("43", "active", "2", 1985, 1)]


async def test_a_claim_is_confirmed_by_the_registration_event(hunan: PeerClient, exchange_database_url: str) -> None:
    await hunan.claim("43", [person(1)])
    await hunan.applied("43", 1, event(person(1), "43"))
    assert query(exchange_database_url, "SELECT status FROM identity") == [("active",)]


async def test_a_redelivered_batch_is_skipped_and_applies_nothing_twice(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    await hunan.applied("43", 1, event(person(1), "43"), event(person(2), "43"))
    tally = query(exchange_database_url, "SELECT * FROM tally ORDER BY 1, 2, 3")
    assert await hunan.applied("43", 1, event(person(1), "43"), event(person(2), "43")) == 1
    assert query(exchange_database_url, "SELECT * FROM tally ORDER BY 1, 2, 3") == tally
    assert query(exchange_database_url, "SELECT events_applied FROM province_progress") == [(2,)]


def signed_batch(seq: int, *events: dict[str, Any]) -> dict[str, Any]:
    """A batch with the digest a node sends: the SHA-256 of its events."""
    digest = hashlib.sha256(repr(events).encode()).hexdigest()  # any stable digest of the content will do
    return {"seq": seq, "events": list(events), "digest": digest}


async def send_signed(peer: PeerClient, *batches: dict[str, Any]) -> Any:
    await peer.claim("43", sorted({event["token"] for batch in batches for event in batch["events"]}))
    return await peer.post("/v1/events", {"province": "43", "batches": list(batches)})


async def test_a_redelivered_batch_with_the_same_digest_is_acknowledged_without_effect(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    batch = signed_batch(1, event(person(1), "43"))
    assert (await send_signed(hunan, batch)).json() == {"acknowledged": 1}
    assert (await send_signed(hunan, batch)).json() == {"acknowledged": 1}
    assert query(exchange_database_url, "SELECT events_applied FROM province_progress") == [(1,)]


async def test_a_seq_reused_with_other_events_is_refused_and_changes_nothing(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    await send_signed(hunan, signed_batch(1, event(person(1), "43")))
    before = query(exchange_database_url, "SELECT token, status, last_seq FROM identity ORDER BY token")
    response = await send_signed(
        hunan, signed_batch(1, event(person(2), "43")), signed_batch(2, event(person(3), "43"))
    )
    assert response.status_code == 409
    assert (response.json()["error"]["code"], response.json()["error"]["seq"]) == ("SEQUENCE_REUSED", 1)
    assert "备份" in response.json()["error"]["message"]
    assert query(exchange_database_url, "SELECT acknowledged FROM province_progress") == [(1,)]
    after = query(exchange_database_url, "SELECT token, status, last_seq FROM identity WHERE status <> 'claimed'")
    assert after == [row for row in before if row[1] != "claimed"]


async def test_a_batch_applied_without_a_digest_is_not_checked_when_sent_again(hunan: PeerClient) -> None:
    await hunan.applied("43", 1, event(person(1), "43"))  # as batches applied before digests were kept
    response = await send_signed(hunan, signed_batch(1, event(person(2), "43")))
    assert response.json() == {"acknowledged": 1}


@pytest.mark.parametrize("digest", ["ABC", "g" * 64, 7, "A" * 64])
async def test_a_malformed_digest_is_refused_naming_the_field(hunan: PeerClient, digest: object) -> None:
    batch = {"seq": 1, "events": [event(person(1), "43")], "digest": digest}
    response = await send_signed(hunan, batch)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "batches[0].digest"


async def test_a_batch_beyond_the_next_is_refused_with_the_seq_expected(hunan: PeerClient) -> None:
    await hunan.applied("43", 1, event(person(1), "43"))
    response = await hunan.send("43", 3, event(person(2), "43"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SEQUENCE_GAP"
    assert response.json()["error"]["expected"] == 2
    assert await hunan.applied("43", 2, event(person(2), "43")) == 2
    assert await hunan.applied("43", 3, event(person(3), "43")) == 3


async def test_a_refused_batch_changes_nothing(hunan: PeerClient, exchange_database_url: str) -> None:
    await hunan.send("43", 2, event(person(1), "43"))
    assert query(exchange_database_url, "SELECT status FROM identity") == [("claimed",)]  # as the claim left it


async def test_a_request_may_repeat_applied_batches_and_add_new_ones(hunan: PeerClient) -> None:
    await hunan.applied("43", 1, event(person(1), "43"))
    await hunan.claim("43", [person(2)])
    body = {
        "province": "43",
        "batches": [{"seq": 1, "events": [event(person(1), "43")]}, {"seq": 2, "events": [event(person(2), "43")]}],
    }
    response = await hunan.post("/v1/events", body)
    assert response.json() == {"acknowledged": 2}


async def test_several_events_of_one_token_in_one_request_apply_in_order(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    await hunan.claim("43", [person(1)])
    body = {
        "province": "43",
        "batches": [
            {"seq": 1, "events": [event(person(1), "43"), event(person(1), "43", "retired")]},
            {"seq": 2, "events": [event(person(1), "43", "reserved", gender="1")]},
        ],
    }
    assert (await hunan.post("/v1/events", body)).json() == {"acknowledged": 2}
    assert query(exchange_database_url, "SELECT status, gender, last_seq FROM identity") == [("reserved", "1", 2)]


async def test_a_previous_token_of_the_province_is_replaced_by_the_corrected_one(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    await hunan.applied("43", 1, event(person(1), "43", gender="1"))
    await hunan.applied("43", 2, event(person(2), "43", gender="1", previous=person(1)))
    assert query(exchange_database_url, "SELECT encode(token, 'hex') FROM identity") == [(person(2),)]
    assert query(exchange_database_url, "SELECT members FROM tally WHERE dimension = 'total'") == [(1,)]


async def test_the_progress_says_where_a_node_resumes(hunan: PeerClient) -> None:
    assert (await hunan.get("/v1/progress", province="43")).json() == {
        "province": "43",
        "acknowledged": 0,
        "lastEventAt": None,
    }
    await hunan.applied("43", 1, event(person(1), "43"))
    progress = (await hunan.get("/v1/progress", province="43")).json()
    assert progress["acknowledged"] == 1
    assert progress["lastEventAt"] is not None


async def test_events_for_people_never_claimed_are_refused_whole_with_the_tokens(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    await hunan.claim("43", [person(1)])
    response = await hunan.send_unclaimed("43", 1, event(person(1), "43"), event(person(2), "43"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["tokens"], error["count"]) == ("TOKEN_NOT_CLAIMED", [person(2)], 1)
    assert query(exchange_database_url, "SELECT status FROM identity") == [("claimed",)]  # nothing applied
    assert (await hunan.get("/v1/progress", province="43")).json()["acknowledged"] == 0


async def test_only_the_latest_digests_of_a_province_are_kept(
    hunan: PeerClient, exchange_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events_store, "KEPT_DIGESTS", 2)
    for seq in range(1, 6):
        await send_signed(hunan, signed_batch(seq, event(person(seq), "43")))
    assert query(exchange_database_url, "SELECT seq FROM applied_batch ORDER BY seq") == [(4,), (5,)]


async def test_a_claim_released_event_with_a_current_status_is_refused_and_the_claim_stays(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    await hunan.claim("43", [person(1)])
    released = event(person(1), "43", "active", kind=MemberEventType.CLAIM_RELEASED)
    response = await hunan.send_unclaimed("43", 1, released)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "REQUEST_INVALID")
    assert response.json()["error"]["field"] == "batches[0].events[0].status"
    assert query(exchange_database_url, "SELECT status FROM identity") == [("claimed",)]
