"""An import reaches only the subtree of the organisation it is made into: rows naming a union or unit
elsewhere are refused, each with its reason, and nothing outside the subtree changes."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from province_node.domain.access import Role
from province_node.domain.errors import NotFound
from province_node.rosters.outcome import ImportMode
from tests.integration.province_node.world import World
from tests.integration.rosters.importing import member_rows, people, run_import, written_counts
from tests.roster_files import HUNAN_HEADERS, member_record, table, write_sheet

pytestmark = pytest.mark.anyio

CODED_HEADERS = (*HUNAN_HEADERS, "所在工会统一社会信用代码", "单位统一社会信用代码")
SUMMARY_HEADERS = ("单位名称", "单位组织机构代码证", "单位性质", "单位地址", "职工人数", "工会名称", "建会时间",
                   "工会类型", "工会负责人", "联系电话", "工会统一社会信用代码")  # fmt: skip


def roster(world: World, path: Path, **changes: object) -> Path:
    """Two Furong members, the second with ``changes`` (header -> cell)."""
    first, second = people(world, 2)
    records = [
        member_record(first, world.furong_unit.name, world.furong_union.name),
        {**member_record(second, world.furong_unit.name, world.furong_union.name), **changes},
    ]
    return write_sheet(path, table(CODED_HEADERS, records))


async def test_a_row_naming_a_union_of_another_county_is_refused(world: World, tmp_path: Path) -> None:
    path = roster(world, tmp_path / "r.xlsx", 所在工会=world.tianxin_union.name)
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert summary.created == 1
    [reason] = summary.rejected[3]
    assert (reason.field, reason.code) == ("union", "UNION_NOT_FOUND")
    assert reason.message == f"所在工会“{world.tianxin_union.name}”不在本次导入的范围内，或不是可登记会员的基层工会"


async def test_a_row_giving_the_credit_code_of_a_union_of_another_county_is_refused(
    world: World, tmp_path: Path
) -> None:
    path = roster(world, tmp_path / "r.xlsx", 所在工会=None, 所在工会统一社会信用代码=world.tianxin_union.credit_code)
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert [(reason.field, reason.code) for reason in summary.rejected[3]] == [("union", "UNION_NOT_FOUND")]


async def test_a_row_naming_a_unit_of_another_county_is_refused(world: World, tmp_path: Path) -> None:
    path = roster(world, tmp_path / "r.xlsx", 所属单位=world.tianxin_unit.name)
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    [reason] = summary.rejected[3]
    assert (reason.field, reason.code) == ("unit", "UNIT_NOT_FOUND")
    assert world.tianxin_unit.name in reason.message


async def test_a_row_giving_the_credit_code_of_a_unit_of_another_county_is_refused(
    world: World, tmp_path: Path
) -> None:
    path = roster(world, tmp_path / "r.xlsx", 所属单位=None, 单位统一社会信用代码=world.tianxin_unit.credit_code)
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert [(reason.field, reason.code) for reason in summary.rejected[3]] == [("unit", "UNIT_NOT_FOUND")]


async def test_a_row_naming_a_federation_instead_of_a_grassroots_union_is_refused(world: World, tmp_path: Path) -> None:
    path = roster(world, tmp_path / "r.xlsx", 所在工会=world.furong.name)
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert [(reason.field, reason.code) for reason in summary.rejected[3]] == [("union", "UNION_NOT_FOUND")]


async def test_the_city_imports_rows_of_both_its_counties(world: World, tmp_path: Path) -> None:
    first, second = people(world, 2)
    records = [
        member_record(first, world.furong_unit.name, world.furong_union.name),
        member_record(second, world.tianxin_unit.name, world.tianxin_union.name),
    ]
    summary = await run_import(world, write_sheet(tmp_path / "city.xlsx", table(HUNAN_HEADERS, records)), world.city)
    assert (summary.created, summary.rejected) == (2, {})
    unions = [row[10] for row in await member_rows(world.tenant)]
    assert unions.count(world.tianxin_union.id) == len(world.tianxin_members) + 1


async def test_a_clerk_cannot_import_into_an_organisation_outside_their_county(world: World, tmp_path: Path) -> None:
    path = roster(world, tmp_path / "r.xlsx")
    before = await written_counts(world.tenant)
    with pytest.raises(NotFound):
        await run_import(world, path, world.tianxin, caller=world.caller(world.furong, Role.CLERK))
    assert await written_counts(world.tenant) == before


async def test_an_organisation_summary_row_giving_a_union_code_of_another_county_is_refused(
    world: World, tmp_path: Path
) -> None:
    row = ["天心新单位", None, "私营经济", "长沙市天心区", 10, world.tianxin_union.name, datetime.date(2010, 1, 1),
           "单独基层工会（单建）", "王五", "13812345678", world.tianxin_union.credit_code]  # fmt: skip
    before = await written_counts(world.tenant)
    summary = await run_import(world, write_sheet(tmp_path / "summary.xlsx", [SUMMARY_HEADERS, row]), world.furong,
                               temporary_codes=True)  # fmt: skip
    assert [(reason.field, reason.code) for reason in summary.rejected[2]] == [("union", "NOT_FOUND")]
    assert not summary.written
    assert await written_counts(world.tenant) == before


async def test_a_unit_registered_in_another_county_is_not_called_unregistered(world: World, tmp_path: Path) -> None:
    path = roster(world, tmp_path / "r.xlsx", 所属单位=world.tianxin_unit.name)
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    [reason] = summary.rejected[3]
    assert "不在本次导入的范围内" in reason.message
    assert f"“{world.tianxin_unit.name}”未登记" not in reason.message
