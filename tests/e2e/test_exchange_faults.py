"""Fault tests of the sync between a node and the exchange, with real processes and real PostgreSQL:
batches delivered twice and out of order, a node killed while its batch is being applied, the exchange
down for a while, a node restored from an earlier backup. After each, the index equals what the node holds
and every event was applied once."""

from __future__ import annotations

import random
from typing import Any

import anyio
import httpx
import psycopg
import pytest

from exchange.protocol.service_tokens import PeerKey
from province_node.app import create_app
from province_node.exchange_link.client import ExchangeRefused
from province_node.exchange_link.relay import OutboxRelay
from province_node.settings import NodeSettings
from tests.e2e.processes import Service, applied_events, node_environment
from tests.e2e.test_node_and_exchange import eventually, reconciled
from tests.integration.province_node.conftest import GraphQLClient, fetch, key_of, scalar
from tests.integration.province_node.test_members import change, furong_input, register
from tests.integration.province_node.world import PASSWORD, World

pytestmark = pytest.mark.anyio


async def _outbox_events(world: World) -> int:
    return int(await scalar(world.tenant, "SELECT coalesce(sum(event_count), 0) FROM outbox"))


async def test_every_batch_delivered_twice_and_out_of_order_is_applied_once(
    world: World, exchange_service: Service
) -> None:
    exchange = world.tenant.exchange
    assert exchange is not None
    await OutboxRelay(world.tenant, exchange).sequence()  # numbered as the relay does; sent by hand below
    rows = await fetch(world.tenant, "SELECT seq, payload FROM outbox ORDER BY seq")
    await exchange.claim("43", sorted({event["token"] for _, payload in rows for event in payload["events"]}))
    deliveries: list[dict[str, Any]] = [{"seq": seq, "events": payload["events"]} for seq, payload in rows] * 2
    random.Random(11).shuffle(deliveries)
    refusals: list[str] = []
    while deliveries:
        batch = deliveries.pop(0)
        try:
            await exchange.send_events("43", [batch])
        except ExchangeRefused as refused:
            refusals.append(refused.code)
            deliveries.append(batch)  # the exchange asked for an earlier one first: try this one later
    assert set(refusals) == {"SEQUENCE_GAP"}  # some arrived out of order, and were asked again
    assert (await exchange.progress("43")) == len(rows)
    assert applied_events(exchange_service, "43") == await _outbox_events(world)
    await OutboxRelay(world.tenant, exchange).resume()
    report = await reconciled(world.tenant)
    assert report.index_current == report.node_current > 0


async def test_a_node_killed_while_its_batch_is_applied_resumes_without_loss_or_double_count(
    world: World, database_url: str, exchange_service: Service, exchange_database_url: str, hunan_key: PeerKey
) -> None:
    node = Service(["node", "serve"], node_environment({"43": ("hunan", database_url)}, exchange_service,
                                                        "node-hunan", hunan_key))  # fmt: skip
    with psycopg.connect(exchange_database_url) as holding:
        holding.execute("INSERT INTO province_progress (province) VALUES ('43') ON CONFLICT DO NOTHING")
        holding.commit()
        holding.execute("SELECT 1 FROM province_progress WHERE province = '43' FOR UPDATE")  # the batch must wait
        node.start()
        await _wait_for_waiting_batch(exchange_database_url)
        node.kill()  # the exchange has the batch; the node never hears it was applied
        holding.rollback()
    assert await scalar(world.tenant, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL") == 0
    node.start()
    try:
        await reconciled(world.tenant)
        assert applied_events(exchange_service, "43") == await _outbox_events(world)
    finally:
        node.stop()


async def test_the_exchange_killed_while_applying_a_batch_loses_nothing_once_restarted(
    world: World, node_settings: NodeSettings, exchange_service: Service, exchange_database_url: str
) -> None:
    node = create_app(node_settings)  # its relay starts with the lifespan, once the batch can be held
    with psycopg.connect(exchange_database_url) as holding:
        holding.execute("INSERT INTO province_progress (province) VALUES ('43') ON CONFLICT DO NOTHING")
        holding.commit()
        holding.execute("SELECT 1 FROM province_progress WHERE province = '43' FOR UPDATE")
        async with node.router.lifespan_context(node):
            await _wait_for_waiting_batch(exchange_database_url)
            exchange_service.kill()  # mid-transaction: nothing of the batch is kept
            holding.rollback()
            assert await scalar(world.tenant, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL") == 0
            exchange_service.start()
            report = await reconciled(world.tenant)
    assert report.index_current == report.node_current > 0
    assert applied_events(exchange_service, "43") == await _outbox_events(world)  # counted since the restart


async def _wait_for_waiting_batch(exchange_database_url: str) -> None:
    """Until a request applying events waits for the province's progress row."""
    async with await psycopg.AsyncConnection.connect(exchange_database_url, autocommit=True) as watching:

        async def waiting() -> bool:
            cursor = await watching.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND query ILIKE '%province_progress%'"
            )
            found = await cursor.fetchone()
            return bool(found and found[0])

        await eventually(waiting)


async def test_a_node_running_with_the_exchange_down_catches_up_when_it_returns(
    world: World, furong_clerk: GraphQLClient, exchange_service: Service
) -> None:
    await reconciled(world.tenant)
    exchange_service.kill()
    registered = [await register(furong_clerk, furong_input(world)) for _ in range(5)]
    assert [result["__typename"] for result in registered] == ["MemberSaved"] * 5  # no clerk's work is lost
    ended = await change(furong_clerk, key_of("Member", registered[0]["member"]["id"]), "END", endReason="LEFT_JOB")
    assert ended["__typename"] == "MemberSaved"
    await anyio.sleep(3)  # the relay keeps failing and backing off meanwhile
    assert await scalar(world.tenant, "SELECT count(*) FROM identity_check WHERE state = 'pending'") == 5
    exchange_service.start()  # the ended one needs no claim; the four others are claimed again

    async def settled() -> bool:
        return not await scalar(world.tenant, "SELECT count(*) FROM identity_check")

    await eventually(settled)
    report = await reconciled(world.tenant)
    assert (report.open_conflicts, report.unconfirmed_claims) == (0, 0)
    assert report.index_current == report.node_current


async def test_a_node_restored_from_an_earlier_backup_numbers_new_changes_after_the_exchange_s(
    world: World, database_url: str, node_settings: NodeSettings, caplog: pytest.LogCaptureFixture
) -> None:
    exchange = world.tenant.exchange
    assert exchange is not None
    relay = OutboxRelay(world.tenant, exchange)
    while await relay.pass_once():
        pass
    applied = await exchange.progress("43")
    assert applied >= 3
    # Restored from a backup taken two batches ago: the exchange has applied batches this outbox lacks.
    with psycopg.connect(database_url) as restored:
        restored.execute("DELETE FROM outbox WHERE seq > %s", (applied - 2,))
    node = create_app(node_settings)  # started on the restored database
    async with (
        node.router.lifespan_context(node),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=node), base_url="http://node") as http,
    ):
        clerk = await GraphQLClient(http, "43").login("fr_clerk", PASSWORD)
        assert (await register(clerk, furong_input(world)))["__typename"] == "MemberSaved"
        report = await reconciled(world.tenant)  # the new member reached the index, not taken for a redelivery
        metrics = (await http.get("/metrics")).text
    assert report.index_current == report.node_current
    assert await scalar(world.tenant, "SELECT max(seq) FROM outbox") == applied + 1
    assert 'unionfed_exchange_missing_batches{tenant="43"} 2.0' in metrics
    assert f"applied outbox seq up to {applied} but this outbox ends at {applied - 2}" in caplog.text


async def test_a_seq_sent_again_with_other_events_is_refused_not_taken_for_a_redelivery(
    world: World, database_url: str
) -> None:
    exchange = world.tenant.exchange
    assert exchange is not None
    while await OutboxRelay(world.tenant, exchange).pass_once():
        pass
    applied = await exchange.progress("43")
    # A second node of the province, on a diverged copy of the database: its last batch holds other events.
    with psycopg.connect(database_url) as diverged:
        diverged.execute(
            "UPDATE outbox SET payload = (SELECT payload FROM outbox WHERE seq = %s), sent_at = NULL WHERE seq = %s",
            (applied - 1, applied),
        )
    other_node = OutboxRelay(world.tenant, exchange)
    other_node.state.acknowledged = applied - 1  # it last heard of the batch before
    with pytest.raises(ExchangeRefused) as refused:
        await other_node.deliver()
    assert (refused.value.code, refused.value.body["seq"]) == ("SEQUENCE_REUSED", applied)
    assert await exchange.progress("43") == applied
