"""Releasing more claims than one batch may carry: the releases are written a few thousand to an outbox
row, each row is a batch the exchange accepts, and a claim whose release still waits is not released twice."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from province_node.exchange_link import relay as relay_module
from province_node.exchange_link import release
from province_node.exchange_link.relay import OutboxRelay
from tests.integration.province_node.conftest import fetch
from tests.integration.province_node.world import World

pytestmark = pytest.mark.anyio
RELEASES = "SELECT event_count FROM outbox WHERE event_type = 'claim.released' ORDER BY id"


def tokens(count: int) -> list[str]:
    """Identity tokens of ``count`` people an import claimed and then rolled back."""
    return sorted(hashlib.sha256(f"rolled-back-{n}".encode()).hexdigest() for n in range(count))


async def test_many_released_claims_are_delivered_in_several_batches_and_shown_released(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = world.tenant
    assert tenant.exchange is not None
    monkeypatch.setattr(release, "RELEASED_PER_ROW", 4)  # as 50,001 claims against 2,000 a row, in small
    claimed = tokens(10)
    await tenant.exchange.claim("43", claimed)

    assert await release.release_unconfirmed_claims(tenant, tenant.exchange, grace=0) == 10
    assert await release.release_unconfirmed_claims(tenant, tenant.exchange, grace=0) == 0  # still unsent
    assert await fetch(tenant, RELEASES) == [(4,), (4,), (2,)]

    relay = OutboxRelay(tenant, tenant.exchange)
    for _ in range(10):  # the world's own registrations go too, claimed first when the exchange asks
        if not await relay.pass_once():
            break
    assert await fetch(tenant, "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == [(0,)]
    page = await tenant.exchange.identities("43")
    assert {row["token"]: row["status"] for row in page["identities"] if row["token"] in claimed} == dict.fromkeys(
        claimed, "ended"
    )
    assert (await tenant.exchange.identities("43", claimed_only=True))["identities"] == []


async def test_a_request_carries_the_batches_that_fit_in_it_and_one_batch_at_least(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = world.tenant
    assert tenant.exchange is not None
    monkeypatch.setattr(relay_module, "EVENTS_PER_REQUEST", 5)
    monkeypatch.setattr(release, "RELEASED_PER_ROW", 6)  # one batch larger than a request may hold
    await tenant.exchange.claim("43", tokens(10))
    await release.release_unconfirmed_claims(tenant, tenant.exchange, grace=0)
    sent: list[list[int]] = []
    send_events = tenant.exchange.send_events

    async def sending(province: str, batches: Sequence[Mapping[str, Any]]) -> int:
        acknowledged = await send_events(province, batches)
        sent.append([len(batch["events"]) for batch in batches])
        return acknowledged

    monkeypatch.setattr(tenant.exchange, "send_events", sending)
    relay = OutboxRelay(tenant, tenant.exchange)
    while await relay.pass_once():
        pass
    assert await fetch(tenant, "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == [(0,)]
    assert all(sum(sizes) <= 5 or len(sizes) == 1 for sizes in sent), sent
    assert sent[-2:] == [[6], [4]]  # the releases, each a request of its own
