"""Reads as the request sees the database: committed, outside any transaction, until the request begins one;
in its own transaction after, where its writes are."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from province_node.services.request_reads import rows_as_seen
from tests.integration.province_node.world import World

pytestmark = pytest.mark.anyio
CHANGES = "SELECT count(*) FROM statistics_change"


async def test_a_request_that_has_begun_nothing_reads_committed_rows_without_beginning_a_transaction(
    world: World,
) -> None:
    uow = world.uow(world.caller(world.root))
    try:
        assert await rows_as_seen(uow, "SELECT %(n)s::int + 1", {"n": 41}) == [(42,)]
        assert not uow.db.in_transaction
    finally:
        await uow.db.session.close()


async def test_a_request_that_has_written_reads_its_own_uncommitted_rows(world: World) -> None:
    uow = world.uow(world.caller(world.root))
    try:
        [(before,)] = await rows_as_seen(uow, CHANGES)
        await uow.db.execute(text("INSERT INTO statistics_change (weight) VALUES (0)"))
        assert await rows_as_seen(uow, CHANGES) == [(before + 1,)]
    finally:
        await uow.db.session.close()


async def test_a_literal_percent_is_written_the_same_way_in_and_out_of_a_transaction(world: World) -> None:
    uow = world.uow(world.caller(world.root))
    try:
        outside = await rows_as_seen(uow, "SELECT '5%%'")
        await uow.db.execute(text("SELECT 1"))
        inside = await rows_as_seen(uow, "SELECT '5%%'")
    finally:
        await uow.db.session.close()
    assert outside == inside == [("5%",)]
