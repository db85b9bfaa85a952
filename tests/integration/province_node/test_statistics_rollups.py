"""Statistics rollups: after every kind of write (registration, personal details, status, a move of a member
or of a whole subtree, an organisation's or unit's type) and on any later day, the counts read from the
rollups equal the counts taken by scanning the members, for every dimension and pair, at every level."""

from __future__ import annotations

import asyncio
import datetime
import itertools
from collections.abc import Sequence

import anyio
import pytest
from sqlalchemy import text

from province_node.domain.lifecycle import EndReason, StatusChange
from province_node.domain.statistics import CountRow, Dimension
from province_node.services.members import MemberFilter
from province_node.services.membership import change_status, move_member, update_member
from province_node.services.organisations import move_organisation, organisation_in_scope, update_organisation
from province_node.services.rollup_folding import RollupFolding
from province_node.services.statistics import count_by, count_from_tables
from province_node.services.statistics_rollup import bring_rollups_up_to_date
from province_node.services.unit_of_work import Database, UnitOfWork
from province_node.services.units import update_unit
from tests.integration.province_node.conftest import Enrolled, StatementCounter, fetch, scalar
from tests.integration.province_node.world import TODAY, World

pytestmark = pytest.mark.anyio

Counts = dict[tuple[str | None, ...], tuple[int, int, int]]
PAIRS = list(itertools.combinations(Dimension, 2))


def _uow(world: World, day: datetime.date) -> UnitOfWork:
    return UnitOfWork(Database(world.tenant.sessions()), world.tenant, world.caller(world.root), day)


def _counts(rows: Sequence[CountRow]) -> Counts:
    return {row.keys: (row.count, row.age_sum, row.aged) for row in rows}


async def both_ways(
    uow: UnitOfWork, root: int, dimensions: Sequence[Dimension], statuses: list[str] | None = None
) -> tuple[Counts, Counts]:
    """The counts under organisation ``root`` as answered (from the rollups) and as scanned from the tables."""
    where = MemberFilter(statuses=statuses, union_id=root)
    answered = (await count_by(uow, dimensions, where)).rows
    path = (await organisation_in_scope(uow, root)).path
    return _counts(answered), _counts(await count_from_tables(uow, dimensions, path, where))


async def assert_rollups_agree(
    world: World,
    day: datetime.date = TODAY,
    *,
    every_pair: bool = False,
    dimensions: Sequence[Dimension] = tuple(Dimension),
) -> None:
    """Each of ``dimensions`` at every level of the world (and every pair at the root, or those with the status)
    counted both ways agree."""
    levels = (world.root, world.city, world.furong, world.tianxin_union)
    questions = [(organisation.id, [dimension]) for organisation in levels for dimension in dimensions]
    questions += [(world.root.id, list(pair)) for pair in PAIRS if every_pair or Dimension.STATUS in pair]
    uow = _uow(world, day)
    try:
        for root, dimensions in questions:
            answered, scanned = await both_ways(uow, root, dimensions)
            assert answered == scanned, (root, dimensions)
    finally:
        await uow.db.session.close()


async def counted_both_ways(
    world: World, root: int, dimensions: Sequence[Dimension], statuses: list[str] | None = None
) -> tuple[Counts, Counts]:
    """``both_ways`` on a unit of work of its own, as on ``TODAY``."""
    uow = _uow(world, TODAY)
    try:
        return await both_ways(uow, root, dimensions, statuses)
    finally:
        await uow.db.session.close()


def some(roster: list[Enrolled], status: str = "active") -> Enrolled:
    return next(enrolled for enrolled in roster if enrolled.status == status)


async def test_counts_from_the_rollups_equal_counts_from_the_tables(world: World, roster: list[Enrolled]) -> None:
    await assert_rollups_agree(world, every_pair=True)
    answered, _scanned = await counted_both_ways(world, world.root.id, [Dimension.STATUS])
    assert sum(count for count, _age_sum, _aged in answered.values()) == sum(
        1 for enrolled in roster if enrolled.status != "ended"
    )


async def test_members_are_rolled_up_into_the_organisations_above_their_union_only(
    world: World, roster: list[Enrolled]
) -> None:
    await assert_rollups_agree(world)
    rolled_into = await fetch(world.tenant, "SELECT DISTINCT organisation_id FROM statistics_rollup")
    assert {row[0] for row in rolled_into} == {world.root.id, world.city.id, world.furong.id, world.tianxin.id}


async def test_the_rollups_follow_a_change_of_personal_details(world: World, roster: list[Enrolled]) -> None:
    await assert_rollups_agree(world)
    uow = _uow(world, TODAY)
    await update_member(uow, some(roster).member_id, {"education": "博士研究生", "politicalStatus": "群众"})
    await uow.db.session.close()
    await assert_rollups_agree(world)


async def test_the_rollups_follow_a_member_moving_to_another_union(world: World, roster: list[Enrolled]) -> None:
    await assert_rollups_agree(world)
    mover = next(enrolled for enrolled in roster if enrolled.union_id == world.furong_union.id)
    uow = _uow(world, TODAY)
    await move_member(uow, mover.member_id, union_id=world.tianxin_union.id, unit_id=world.tianxin_unit.id)
    await uow.db.session.close()
    await assert_rollups_agree(world)


async def test_the_rollups_follow_a_subtree_moving_to_another_parent(world: World, roster: list[Enrolled]) -> None:
    await assert_rollups_agree(world)
    uow = _uow(world, TODAY)
    await move_organisation(uow, world.furong_union.id, world.tianxin.id)
    await uow.db.session.close()
    await assert_rollups_agree(world)
    answered, _scanned = await counted_both_ways(world, world.furong.id, [Dimension.GENDER])
    assert answered == {}


async def test_the_rollups_follow_a_change_of_union_type_level_and_unit_nature(
    world: World, roster: list[Enrolled]
) -> None:
    await assert_rollups_agree(world)
    uow = _uow(world, TODAY)
    await update_organisation(uow, world.tianxin_union.id, {"unionType": "2", "orgLevel": "5"})
    await update_unit(uow, world.furong_unit.id, {"nature": "国有经济"})
    await uow.db.session.close()
    await assert_rollups_agree(world)


async def test_the_rollups_follow_members_ending_and_rejoining(world: World, roster: list[Enrolled]) -> None:
    await assert_rollups_agree(world)
    active, ended = some(roster), some(roster, "ended")
    uow = _uow(world, TODAY)
    await change_status(uow, active.member_id, StatusChange.END, end_reason=EndReason.LEFT_JOB)
    await change_status(uow, ended.member_id, StatusChange.REJOIN)
    await uow.db.session.close()
    await assert_rollups_agree(world)


AGES = (Dimension.AGE_BAND, Dimension.STATUS)  # every row carries the sum of ages too


@pytest.mark.parametrize("days", [1, 200, 364, 800, -30])
async def test_ages_and_age_bands_move_on_with_the_day(world: World, roster: list[Enrolled], days: int) -> None:
    await assert_rollups_agree(world, dimensions=AGES)
    await assert_rollups_agree(world, TODAY + datetime.timedelta(days=days), dimensions=AGES)
    await assert_rollups_agree(world, dimensions=AGES)


async def test_the_birthdays_of_a_day_are_counted_on_that_day(world: World, roster: list[Enrolled]) -> None:
    birthday = roster[0].person.birth_date.replace(year=TODAY.year + 1)
    for day in (birthday - datetime.timedelta(days=1), birthday):
        await assert_rollups_agree(world, day, dimensions=AGES)


async def test_two_folds_at_once_count_every_member_once(world: World, roster: list[Enrolled]) -> None:
    await assert_rollups_agree(world)
    async with world.tenant.engine.begin() as connection:
        await connection.execute(text("INSERT INTO statistics_dirty SELECT member_id FROM statistics_counted"))
    await asyncio.gather(
        bring_rollups_up_to_date(world.tenant.rollup_engine, TODAY),
        bring_rollups_up_to_date(world.tenant.rollup_engine, TODAY),
    )
    await assert_rollups_agree(world)


@pytest.mark.parametrize("statuses", [["ended"], ["active", "ended"], ["retired"], []])
async def test_counts_by_status_agree_whatever_the_statuses_asked(
    world: World, roster: list[Enrolled], statuses: list[str]
) -> None:
    for dimensions in ([Dimension.STATUS], [Dimension.GENDER, Dimension.STATUS]):
        answered, scanned = await counted_both_ways(world, world.root.id, dimensions, statuses)
        assert answered == scanned
    answered, _scanned = await counted_both_ways(world, world.root.id, [Dimension.STATUS], statuses)
    assert set(answered) == {(status,) for status in statuses} & {(enrolled.status,) for enrolled in roster}


async def test_a_province_is_counted_without_scanning_its_members(
    world: World, roster: list[Enrolled], statements: StatementCounter
) -> None:
    uow = _uow(world, TODAY)
    try:
        await bring_rollups_up_to_date(world.tenant.rollup_engine, TODAY)
        statements.reset()
        await count_by(uow, [Dimension.GENDER, Dimension.AGE_BAND], MemberFilter())
    finally:
        await uow.db.session.close()
    assert any("FROM statistics_rollup" in statement for statement in statements.statements)
    assert not [statement for statement in statements.statements if "<@" in statement]  # no subtree of members


@pytest.mark.parametrize("statuses", [None, ["retired"], ["active", "reserved"]])
async def test_a_recount_before_the_request_reads_anything_is_read_as_committed_and_agrees_with_the_tables(
    world: World, roster: list[Enrolled], statuses: list[str] | None
) -> None:
    # Callers scoped at every level: the grassroots union's own members are the recount's second half.
    scopes = (world.root, world.city, world.furong, world.furong_union)
    questions = [[dimension] for dimension in Dimension] + [list(pair) for pair in PAIRS]
    where = MemberFilter(statuses=statuses)
    for scope, dimensions in itertools.product(scopes, questions):
        uow = UnitOfWork(Database(world.tenant.sessions()), world.tenant, world.caller(scope), TODAY)
        try:
            answered = (await count_by(uow, dimensions, where)).rows
            assert not uow.db.in_transaction, (scope.name, dimensions)
            scanned = await count_from_tables(uow, dimensions, scope.path, where)
        finally:
            await uow.db.session.close()
        assert _counts(answered) == _counts(scanned), (scope.name, dimensions)
    assert any(enrolled.union_id == world.furong_union.id for enrolled in roster)


async def test_marked_members_are_folded_in_the_background(world: World, roster: list[Enrolled]) -> None:
    folding = RollupFolding(world.tenant, interval=0.05)
    async with anyio.create_task_group() as background:
        background.start_soon(folding.run)
        await world.register(world.furong_union, world.furong_unit)
        with anyio.fail_after(20):
            while await scalar(world.tenant, "SELECT count(*) FROM statistics_dirty"):
                await anyio.sleep(0.05)
        folding.stop()
    await assert_rollups_agree(world, dimensions=[Dimension.GENDER, Dimension.STATUS])
