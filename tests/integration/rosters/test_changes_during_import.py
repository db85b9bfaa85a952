"""What changes while an import runs: before it commits, the import checks again that its uploader may still
import and that the unions it wrote into are still there and in the uploader's subtree. If not, nothing of
it is kept, and the clerk is told why. A union dissolved once that check has passed waits for the import's
commit, and is then refused: it has members."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, update

from province_node.db.tables import Organisation
from province_node.domain.access import Caller
from province_node.domain.errors import DomainError
from province_node.domain.lifecycle import EndReason, StatusChange
from province_node.rosters.imports import ImportRequest, import_file
from province_node.rosters.member_writer import MemberWriter
from province_node.services.membership import change_status
from province_node.services.organisations import dissolve_organisation, move_organisation
from tests.integration.province_node.conftest import scalar, wait_for_lock_waiters
from tests.integration.province_node.test_import_job_uploader import disable_clerk, furong_clerk_caller
from tests.integration.province_node.world import TODAY, World
from tests.integration.rosters.importing import furong_roster, people, written_counts

pytestmark = pytest.mark.anyio
Change = Callable[[World, Caller], Coroutine[Any, Any, None]]


async def _move_the_union_to_another_county(world: World, _: Caller) -> None:
    uow = world.uow(world.caller(world.city))
    try:
        await move_organisation(uow, world.furong_union.id, world.tianxin.id)
    finally:
        await uow.db.session.close()


async def _dissolve_the_union(world: World, _: Caller) -> None:
    # What dissolving commits. The service would refuse here, since the world's union has members; a union
    # whose only members are the import's uncommitted rows looks empty to it, and this is what follows.
    uow = world.uow(world.caller(world.city))
    try:
        await uow.db.execute(
            update(Organisation).where(Organisation.id == world.furong_union.id).values(dissolved_at=func.now())
        )
        await uow.commit()
    finally:
        await uow.db.session.close()


async def import_while(world: World, path: Path, clerk: Caller, change: Change | None) -> object:
    """Import ``path`` as ``clerk``, making ``change`` (through the node's services) once the rows are read
    and before the import commits; the summary, or the error the import ended with."""
    loop = asyncio.get_running_loop()
    changed: list[bool] = []

    def progress(_: int) -> None:  # called from the import's thread, once a chunk is read
        if change is not None and not changed:
            changed.append(True)
            asyncio.run_coroutine_threadsafe(change(world, clerk), loop).result()

    request = ImportRequest(path=path, file_name=path.name, organisation_id=world.furong.id, workers=1, today=TODAY)
    try:
        return await import_file(world.tenant, clerk, request, progress=progress)
    except DomainError as error:
        return error


async def members_written(world: World) -> dict[str, int]:
    """Rows in the tables an import writes, but the audit log (the change made meanwhile is audited)."""
    return {table: count for table, count in (await written_counts(world.tenant)).items() if table != "audit_log"}


async def test_an_import_whose_uploader_is_disabled_while_it_runs_is_rolled_back(world: World, tmp_path: Path) -> None:
    clerk = await furong_clerk_caller(world)
    path = furong_roster(world, tmp_path / "r.xlsx", people(world, 3))
    before = await members_written(world)
    outcome = await import_while(world, path, clerk, disable_clerk)
    assert isinstance(outcome, DomainError)
    assert outcome.code.value == "NOT_PERMITTED"
    assert "已停用" in outcome.message
    assert "已撤回" in outcome.message
    assert await members_written(world) == before


@pytest.mark.parametrize("change", [_move_the_union_to_another_county, _dissolve_the_union], ids=["moved", "dissolved"])
async def test_an_import_into_a_union_dissolved_or_moved_out_of_the_uploader_s_subtree_is_rolled_back(
    world: World, tmp_path: Path, change: Change
) -> None:
    clerk = await furong_clerk_caller(world)
    path = furong_roster(world, tmp_path / "r.xlsx", people(world, 3))
    before = await members_written(world)
    outcome = await import_while(world, path, clerk, change)
    assert isinstance(outcome, DomainError)
    assert outcome.code.value == "ORG_DISSOLVED"
    assert f"导入期间工会「{world.furong_union.name}」已撤销或已不在您的管辖范围内" in outcome.message
    assert await members_written(world) == before


async def test_a_dissolution_asked_after_the_import_s_last_check_waits_for_it_and_is_refused(
    world: World, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _end_every_member_of_the_union(world)  # the union is empty: it could be dissolved before the import
    clerk = await furong_clerk_caller(world)
    path = furong_roster(world, tmp_path / "r.xlsx", people(world, 3))
    loop = asyncio.get_running_loop()
    dissolving: list[asyncio.Task[object]] = []
    checked = MemberWriter._confirm_still_permitted

    async def dissolve_while_the_import_commits() -> None:
        dissolving.append(asyncio.create_task(_dissolved(world)))
        await wait_for_lock_waiters(database_url, None, 1)  # the dissolution waits for the hierarchy lock

    def check_then_dissolve(writer: MemberWriter) -> None:  # in the import's thread, after its last check
        checked(writer)
        asyncio.run_coroutine_threadsafe(dissolve_while_the_import_commits(), loop).result()

    monkeypatch.setattr(MemberWriter, "_confirm_still_permitted", check_then_dissolve)
    summary = await import_while(world, path, clerk, None)
    refusal = await dissolving[0]
    assert getattr(summary, "created", None) == 3
    assert isinstance(refusal, DomainError)
    assert refusal.code.value == "ORG_NOT_EMPTY"
    union = world.furong_union.id
    assert await scalar(world.tenant, "SELECT dissolved_at FROM organisation WHERE id = :id", id=union) is None


async def _end_every_member_of_the_union(world: World) -> None:
    for row in world.furong_members:
        uow = world.uow(world.caller(world.city))
        try:
            await change_status(uow, row.member.id, StatusChange.END, end_reason=EndReason.OTHER)
        finally:
            await uow.db.session.close()


async def _dissolved(world: World) -> object:
    """The city's administrator dissolves the union: the organisation, or the refusal."""
    uow = world.uow(world.caller(world.city))
    try:
        return await dissolve_organisation(uow, world.furong_union.id)
    except DomainError as refusal:
        return refusal
    finally:
        await uow.db.session.close()


async def test_an_import_with_nothing_changed_meanwhile_is_kept(world: World, tmp_path: Path) -> None:
    clerk = await furong_clerk_caller(world)
    path = furong_roster(world, tmp_path / "r.xlsx", people(world, 3))
    before = await members_written(world)
    summary = await import_while(world, path, clerk, None)
    assert getattr(summary, "created", None) == 3
    assert (await members_written(world))["member"] == before["member"] + 3
