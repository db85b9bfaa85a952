"""An import job runs as its uploader's account stands when the job starts: an account disabled or stripped
of the right to import while its upload waited gets the job failed, with nothing written."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import update

from province_node.db.tables import Account
from province_node.domain.access import Caller
from province_node.rosters.jobs import ImportJobs
from province_node.rosters.outcome import ImportMode
from province_node.services.accounts import caller_by_username, disable_account
from tests.integration.province_node.conftest import fetch, table_counts
from tests.integration.province_node.test_roster_upload import furong_roster
from tests.integration.province_node.world import World

pytestmark = pytest.mark.anyio


async def furong_clerk_caller(world: World) -> Caller:
    """fr_clerk as a caller of the use cases, read from the account."""
    uow = world.uow(None)
    try:
        return await caller_by_username(uow, "fr_clerk")
    finally:
        await uow.db.session.close()


async def disable_clerk(world: World, clerk: Caller) -> None:
    """The city's administrator disables ``clerk``'s account, as the node's service does."""
    uow = world.uow(world.caller(world.city))
    try:
        await disable_account(uow, clerk.account_id, "离职")
    finally:
        await uow.db.session.close()


async def _make_viewer(world: World, clerk: Caller) -> None:
    uow = world.uow(world.caller(world.city))
    try:
        await uow.db.execute(update(Account).where(Account.id == clerk.account_id).values(role="viewer"))
        await uow.commit()
    finally:
        await uow.db.session.close()


async def _queued_job(world: World, jobs: ImportJobs, clerk: Caller, content: bytes) -> int:
    uow = world.uow(clerk)
    try:
        job = await jobs.start(
            uow,
            io.BytesIO(content),
            file_name="花名册.xlsx",
            organisation_id=world.furong.id,
            mode=ImportMode.ALL_OR_NOTHING,
            issue_temporary_codes=False,
        )
    finally:
        await uow.db.session.close()
    return job.id


@pytest.mark.parametrize(
    ("revoke", "why"), [(disable_clerk, "已停用"), (_make_viewer, "无权导入")], ids=["disabled", "made-viewer"]
)
async def test_a_queued_import_whose_uploader_lost_the_right_to_import_fails_and_writes_nothing(
    world: World, tmp_path: Path, revoke: Callable[[World, Caller], Awaitable[None]], why: str
) -> None:
    clerk = await furong_clerk_caller(world)
    jobs = ImportJobs(world.tenant, tmp_path / "imports")
    content = furong_roster(world, tmp_path, 3)
    async with jobs._turns:  # another import holds the tenant's only turn: this one waits, queued
        job_id = await _queued_job(world, jobs, clerk, content)
        await revoke(world, clerk)
        before = await table_counts(world.tenant)
    await jobs.wait()

    [(status, error)] = await fetch(world.tenant, "SELECT status, error FROM import_job WHERE id = :j", j=job_id)
    assert status == "failed"
    assert error["code"] == "NOT_PERMITTED"
    assert why in error["message"]
    assert await table_counts(world.tenant) == before
    assert not list((tmp_path / "imports" / str(job_id)).glob("upload*"))  # the upload is gone all the same


async def test_a_queued_import_whose_uploader_may_still_import_runs(world: World, tmp_path: Path) -> None:
    clerk = await furong_clerk_caller(world)
    jobs = ImportJobs(world.tenant, tmp_path / "imports")
    job_id = await _queued_job(world, jobs, clerk, furong_roster(world, tmp_path, 3))
    await jobs.wait()
    [(status,)] = await fetch(world.tenant, "SELECT status FROM import_job WHERE id = :j", j=job_id)
    assert status == "succeeded"
