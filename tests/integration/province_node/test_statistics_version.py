"""The version statistics answers are kept under: a request that has not begun its transaction reads the
committed version on the tenant's own autocommit connections; one that has written sees its own writes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from province_node.services.statistics_version import COMPACT_AFTER, statistics_version
from tests.integration.province_node.conftest import fetch, scalar
from tests.integration.province_node.world import World

pytestmark = pytest.mark.anyio
CHANGE_WRITTEN = text("INSERT INTO statistics_change (weight) VALUES (1)")  # what the triggers add on every write


async def test_a_request_with_nothing_read_yet_gets_the_committed_version_without_a_transaction(world: World) -> None:
    uow = world.uow(world.caller(world.root))
    try:
        version = await statistics_version(uow)
        assert not uow.db.in_transaction
    finally:
        await uow.db.session.close()
    assert version == await scalar(world.tenant, "SELECT sum(weight) FROM statistics_change")


async def test_a_request_that_has_written_sees_its_own_change(world: World) -> None:
    uow = world.uow(world.caller(world.root))
    try:
        committed = await statistics_version(uow)
        await uow.db.execute(CHANGE_WRITTEN)
        assert await statistics_version(uow) == committed + 1
    finally:
        await uow.db.session.close()  # rolled back: nobody else ever sees the change
    assert await scalar(world.tenant, "SELECT sum(weight) FROM statistics_change") == committed


async def test_a_write_committed_elsewhere_changes_the_version_read_next(world: World) -> None:
    before = await statistics_version(world.uow(world.caller(world.root)))
    await world.register(world.furong_union, world.furong_unit)
    assert await statistics_version(world.uow(world.caller(world.root))) > before


async def test_the_version_is_read_again_after_the_database_dropped_the_connections(world: World) -> None:
    reads = world.tenant.committed_reads
    [(version,)] = await reads.rows("SELECT sum(weight) FROM statistics_change")
    await scalar(
        world.tenant,
        """SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid()""",
    )
    assert await reads.rows("SELECT sum(weight) FROM statistics_change") == [(version,)]


async def test_reading_the_version_folds_many_change_rows_into_one_and_keeps_the_version(world: World) -> None:
    async with world.tenant.engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO statistics_change SELECT FROM generate_series(1, :n)"), {"n": COMPACT_AFTER}
        )
    [(rows, version)] = await fetch(world.tenant, "SELECT count(*), sum(weight) FROM statistics_change")
    assert rows > COMPACT_AFTER
    assert await statistics_version(world.uow(world.caller(world.root))) == version
    assert await fetch(world.tenant, "SELECT count(*), sum(weight) FROM statistics_change") == [(1, version)]
