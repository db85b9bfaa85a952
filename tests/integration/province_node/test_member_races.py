"""Member changes racing each other: two changes of one member are applied one after the other, the second
judged by the lifecycle rules on the first one's outcome, and a union is never dissolved with a member
written into it at the same moment."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import psycopg
import pytest

from province_node.db.tables import Organisation
from province_node.domain.errors import ErrorCode, RuleViolation
from province_node.services.membership import move_member
from province_node.services.organisations import create_organisation, dissolve_organisation
from province_node.services.unit_of_work import BatchUnitOfWork, Database, UnitOfWork
from tests.integration.province_node.conftest import GraphQLClient, fetch, gid, scalar
from tests.integration.province_node.world import TODAY, World

pytestmark = pytest.mark.anyio

CHANGE_STATUS = """mutation($id: ID!, $change: StatusChange!, $endReason: EndReason) {
    changeMemberStatus(id: $id, change: $change, endReason: $endReason) {
        __typename ... on MemberSaved { member { status { code } } } ... on Error { code message } } }"""


async def wait_for_blocked_sessions(database_url: str, count: int, timeout: float = 30.0) -> None:
    """Return once ``count`` sessions of the database wait for a lock of any kind (row, advisory, ...)."""
    deadline = time.monotonic() + timeout
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            cursor = await connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            row = await cursor.fetchone()
            if row is not None and row[0] >= count:
                return
    raise AssertionError(f"{count} sessions never waited for a lock")


async def status_changes_at_once(
    database_url: str, member_id: int, changes: list[tuple[GraphQLClient, str, str | None]]
) -> list[dict[str, Any]]:
    """Send the status ``changes`` of one member so that they reach the database at the same moment (held
    at the membership row until all are there); their results, in the order given."""
    async with await psycopg.AsyncConnection.connect(database_url) as gate:
        await gate.execute("SELECT 1 FROM membership WHERE member_id = %s FOR UPDATE", (member_id,))
        requests = [
            asyncio.create_task(
                client.data(CHANGE_STATUS, {"id": gid("Member", member_id), "change": change, "endReason": reason})
            )
            for client, change, reason in changes
        ]
        await wait_for_blocked_sessions(database_url, len(changes))
        await gate.rollback()
    return [(await request)["changeMemberStatus"] for request in requests]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("END", "DECEASED"), ("RETIRE", None)),
        (("RETIRE", None), ("RESERVE", None)),
    ],
)
async def test_of_two_simultaneous_status_changes_one_applies_and_the_other_is_refused_by_the_lifecycle(
    world: World,
    furong_clerk: GraphQLClient,
    city_admin: GraphQLClient,
    database_url: str,
    first: tuple[str, str | None],
    second: tuple[str, str | None],
) -> None:
    member_id = world.furong_members[0].member.id
    results = await status_changes_at_once(database_url, member_id, [(furong_clerk, *first), (city_admin, *second)])
    kinds = sorted(result["__typename"] for result in results)
    assert kinds == ["MemberSaved", "RuleViolationError"], results
    refused = next(result for result in results if result["__typename"] == "RuleViolationError")
    assert refused["code"] == "ILLEGAL_STATUS_CHANGE"
    applied = next(result for result in results if result["__typename"] == "MemberSaved")
    status = await scalar(world.tenant, "SELECT status FROM membership WHERE member_id = :m", m=member_id)
    assert applied["member"]["status"]["code"] == status
    transitions = await fetch(
        world.tenant,
        "SELECT changes->'status' FROM membership_event WHERE member_id = :m AND kind = 'status_changed'",
        m=member_id,
    )
    assert transitions == [(["active", status],)]


async def _empty_union(world: World) -> Organisation:
    """A new grassroots union under 芙蓉区总工会, holding nobody."""
    uow = world.uow(world.caller(world.root))
    try:
        return await create_organisation(
            uow,
            parent_id=world.furong.id,
            record={
                "name": "芙蓉新建公司工会",
                "orgLevel": "6",
                "unionType": "1",
                "foundedOn": "2020-03-01",
                "leader": "李红",
                "phone": "0731-84512346",
            },
            issue_temporary=True,
        )
    finally:
        await uow.db.session.close()


def _batch(world: World) -> BatchUnitOfWork:
    """A unit of work whose use cases only flush: its transaction stays open (holding its locks) until
    ``commit_batch``."""
    return BatchUnitOfWork(Database(world.tenant.sessions()), world.tenant, world.caller(world.root), TODAY)


async def _move_into(world: World, union: Organisation) -> None:
    uow: UnitOfWork = world.uow(world.caller(world.root))
    try:
        await move_member(uow, world.furong_members[0].member.id, union_id=union.id, unit_id=world.furong_unit.id)
    finally:
        await uow.db.session.close()


async def _dissolve(world: World, union: Organisation) -> None:
    uow = world.uow(world.caller(world.root))
    try:
        await dissolve_organisation(uow, union.id)
    finally:
        await uow.db.session.close()


async def test_a_member_moved_into_a_union_while_it_is_being_dissolved_is_refused(
    world: World, database_url: str
) -> None:
    union = await _empty_union(world)
    dissolving = _batch(world)
    try:
        await dissolve_organisation(dissolving, union.id)  # done, not yet committed
        move = asyncio.create_task(_move_into(world, union))
        await wait_for_blocked_sessions(database_url, 1)
        await dissolving.commit_batch()
    finally:
        await dissolving.db.session.close()
    with pytest.raises(RuleViolation) as refused:
        await move
    assert refused.value.code is ErrorCode.ORG_DISSOLVED
    member_id = world.furong_members[0].member.id
    assert await scalar(world.tenant, "SELECT union_id FROM membership WHERE member_id = :m", m=member_id) == (
        world.furong_union.id
    )


async def test_a_union_a_member_is_being_moved_into_is_not_dissolved(world: World, database_url: str) -> None:
    union = await _empty_union(world)
    moving = _batch(world)
    try:
        await move_member(moving, world.furong_members[0].member.id, union_id=union.id, unit_id=world.furong_unit.id)
        dissolve = asyncio.create_task(_dissolve(world, union))
        await wait_for_blocked_sessions(database_url, 1)
        await moving.commit_batch()
    finally:
        await moving.db.session.close()
    with pytest.raises(RuleViolation) as refused:
        await dissolve
    assert refused.value.code is ErrorCode.ORG_NOT_EMPTY
    assert await scalar(world.tenant, "SELECT dissolved_at FROM organisation WHERE id = :o", o=union.id) is None
