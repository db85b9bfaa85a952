"""``unionfed export``: acting as an account of a configured tenant, from the environment like ``unionfed node``."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
import pytest

from province_node.api.ids import global_id
from tests.integration.province_node.conftest import NATIONAL_SECRET, NODE_SECRET, fetch
from tests.integration.province_node.world import World
from tests.spreadsheets import data_sheet, open_workbook, records
from unionfed.cli import main

pytestmark = pytest.mark.anyio


@pytest.fixture
def environment(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The node's configuration in the environment: Hunan on this test's database, the test keys."""
    monkeypatch.setenv("UNIONFED_TENANTS", "43:hunan")
    monkeypatch.setenv("UNIONFED_DATABASE_URL_43", database_url)
    monkeypatch.setenv("UNIONFED_NATIONAL_KEY", NATIONAL_SECRET.hex())
    monkeypatch.setenv("UNIONFED_NODE_SECRET", NODE_SECRET.hex())
    monkeypatch.delenv("DATABASE_URL", raising=False)


async def unionfed(*argv: str) -> int:
    """Run the command line in a worker thread (it runs its own event loop)."""
    return await anyio.to_thread.run_sync(main, list(argv))


async def test_the_export_command_acts_as_a_clerk_and_writes_numbers_in_clear(
    world: World, environment: None, tmp_path: Path
) -> None:
    out = tmp_path / "芙蓉.xlsx"
    status = await unionfed("export", "--province", "43", "--kind", "members", "--as", "fr_clerk", "--out", str(out))
    assert status == 0
    rows = records(data_sheet(open_workbook(out)))
    assert {row["身份证号码"] for row in rows} == {world.id_number(member) for member in world.furong_members}
    audits = await fetch(
        world.tenant,
        "SELECT account.username, details FROM audit_log JOIN account ON account.id = audit_log.account_id "
        "WHERE action = 'members_exported'",
    )
    assert [(username, details["via"], details["personalDataInClear"]) for username, details in audits] == [
        ("fr_clerk", "cli", True)
    ]
    assert [path.name for path in tmp_path.iterdir()] == ["芙蓉.xlsx"]  # no partial file left beside it


async def test_the_export_command_masks_numbers_for_a_viewer(world: World, environment: None, tmp_path: Path) -> None:
    out = tmp_path / "masked.xlsx"
    status = await unionfed("export", "--province", "43", "--kind", "members", "--as", "fr_viewer", "--out", str(out))
    assert status == 0
    rows = records(data_sheet(open_workbook(out)))
    assert len(rows) == len(world.furong_members)
    assert all("*" in row["身份证号码"] for row in rows)


async def test_the_export_command_takes_the_organisation_by_credit_code_api_id_or_number(
    world: World, environment: None, tmp_path: Path
) -> None:
    by_code, by_id, by_number = tmp_path / "code.xlsx", tmp_path / "id.xlsx", tmp_path / "number.xlsx"
    code = str(world.tianxin_union.credit_code)
    common = ("export", "--province", "43", "--kind", "organisations", "--as", "cs_admin")
    assert await unionfed(*common, "--org", code, "--out", str(by_code)) == 0
    assert await unionfed(*common, "--org", global_id("Organisation", world.tianxin.id), "--out", str(by_id)) == 0
    assert await unionfed(*common, "--org", str(world.tianxin.id), "--out", str(by_number)) == 0
    for out in (by_code, by_id, by_number):
        assert [row["工会名称"] for row in records(data_sheet(open_workbook(out)))] == ["天心物流公司工会"]


async def test_the_export_command_refuses_an_organisation_outside_the_accounts_scope(
    world: World, environment: None, tmp_path: Path
) -> None:
    out = tmp_path / "x.xlsx"
    argv = ("export", "--province", "43", "--kind", "members", "--as", "fr_clerk", "--org", str(world.tianxin.id))
    assert await unionfed(*argv, "--out", str(out)) == 1
    assert list(tmp_path.iterdir()) == []


async def test_the_export_command_refuses_an_unknown_account_or_province(
    world: World, environment: None, tmp_path: Path
) -> None:
    out = tmp_path / "x.xlsx"
    assert await unionfed("export", "--province", "43", "--kind", "members", "--as", "nobody", "--out", str(out)) == 1
    assert await unionfed("export", "--province", "42", "--kind", "members", "--as", "fr_clerk", "--out", str(out)) == 2
    assert list(tmp_path.iterdir()) == []
