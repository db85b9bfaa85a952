"""The node's link to the exchange without a database: the client reads every page of conflicts, and the
relay backs off, growing, when the exchange refuses a batch it cannot mend by itself."""

from __future__ import annotations

import logging
import random
from types import SimpleNamespace
from typing import cast

import httpx
import pytest

from exchange.protocol.service_tokens import PeerKey
from province_node.exchange_link import relay as relay_module
from province_node.exchange_link.client import ExchangeClient, ExchangeRefused, ExchangeUnavailable
from province_node.exchange_link.relay import LONGEST_REFUSED_BACKOFF, OutboxRelay
from province_node.settings import ExchangeSettings
from province_node.tenant import Tenant

pytestmark = pytest.mark.anyio
KEY = PeerKey.generate("node-hunan")


def conflict_pages(total: int) -> httpx.MockTransport:
    """An exchange holding conflicts 1..``total`` for Hunan, paged as PROTOCOL.md says."""

    def answer(request: httpx.Request) -> httpx.Response:
        after, limit = int(request.url.params.get("after", 0)), int(request.url.params["limit"])
        page = [{"id": n, "token": f"{n:064x}", "holder": "42", "claimant": "43"}
                for n in range(after + 1, min(after + limit, total) + 1)]  # fmt: skip
        return httpx.Response(200, json={"conflicts": page, "next": page[-1]["id"] if len(page) == limit else None})

    return httpx.MockTransport(answer)


async def test_the_client_reads_every_page_of_conflicts() -> None:
    settings = ExchangeSettings(url="http://exchange", key=KEY)
    async with ExchangeClient(settings, transport=conflict_pages(7)) as client:
        conflicts = await client.conflicts("43", limit=3)
    assert [conflict["id"] for conflict in conflicts] == [1, 2, 3, 4, 5, 6, 7]


async def test_the_client_stops_after_an_exactly_full_last_page() -> None:
    settings = ExchangeSettings(url="http://exchange", key=KEY)
    async with ExchangeClient(settings, transport=conflict_pages(6)) as client:
        assert len(await client.conflicts("43", limit=3)) == 6


ODD_ANSWERS = {
    "a JSON list": httpx.Response(200, json=["not", "an", "object"]),
    "JSON nested too deep to parse": httpx.Response(
        200, content=b"[" * 100_000 + b"]" * 100_000, headers={"content-type": "application/json"}
    ),
    "a refusal whose error is not an object": httpx.Response(422, json={"error": "refused"}),
}


@pytest.mark.parametrize("odd", list(ODD_ANSWERS), ids=list(ODD_ANSWERS))
async def test_an_answer_of_an_odd_shape_is_a_failure_the_relay_handles(odd: str) -> None:
    settings = ExchangeSettings(url="http://exchange", key=KEY)
    transport = httpx.MockTransport(lambda request: ODD_ANSWERS[odd])
    async with ExchangeClient(settings, transport=transport) as client:
        with pytest.raises((ExchangeUnavailable, ExchangeRefused)):
            await client.conflicts("43")


def refusing_relay(monkeypatch: pytest.MonkeyPatch, rounds: int) -> tuple[OutboxRelay, list[float]]:
    """A relay whose every round the exchange refuses with 422; the pauses it takes, for ``rounds``."""
    tenant = cast(Tenant, SimpleNamespace(province="43"))
    relay = OutboxRelay(tenant, cast(ExchangeClient, None))
    pauses: list[float] = []

    async def refused() -> bool:
        relay.state.refused_seq = 7
        body = {"code": "REQUEST_INVALID", "message": "batches[0].events 应有 1 至 50000 项"}
        raise ExchangeRefused(422, "REQUEST_INVALID", body["message"], body)

    async def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == rounds:
            relay.stop()

    async def measure() -> None:
        return None

    monkeypatch.setattr(relay, "pass_once", refused)
    monkeypatch.setattr(relay, "_pause", pause)
    monkeypatch.setattr(relay, "measure", measure)
    monkeypatch.setattr(random, "uniform", lambda low, high: 1.0)
    return relay, pauses


async def test_a_refused_batch_is_retried_with_a_growing_backoff_not_in_a_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    relay, pauses = refusing_relay(monkeypatch, rounds=12)
    await relay.run()
    assert pauses[:4] == [0.5, 1.0, 2.0, 4.0]
    assert pauses[-1] == LONGEST_REFUSED_BACKOFF
    assert (relay.state.refusals, relay.state.failures) == (12, 12)
    assert (relay.state.refused_seq, relay.state.refused_code) == (7, "REQUEST_INVALID")


async def test_a_refused_batch_is_logged_once_as_an_error_naming_the_seq_and_the_code(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    relay, _ = refusing_relay(monkeypatch, rounds=3)
    with caplog.at_level(logging.ERROR, logger=relay_module.__name__):
        await relay.run()
    [record] = caplog.records
    assert "outbox seq 7" in record.getMessage()
    assert "REQUEST_INVALID" in record.getMessage()
