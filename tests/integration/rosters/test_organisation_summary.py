"""The organisation summary (汇总表, seed 003 附件1): each row a unit and its grassroots union, created under
the organisation imported into; imported again, nothing changes; temporary codes only when asked for."""

from __future__ import annotations

import datetime
import random
from pathlib import Path
from typing import Any

import pytest

from exchange.standard import validate_temporary_code
from province_node.rosters.outcome import ImportMode
from province_node.synthetic.credit_codes import ENTERPRISE, GRASSROOTS_UNION, make_uscc
from tests.integration.province_node.conftest import fetch
from tests.integration.province_node.world import World
from tests.integration.rosters.importing import run_import, written_counts
from tests.roster_files import write_sheet

pytestmark = pytest.mark.anyio

# The seed's columns exactly (it has no column for the union's own credit code), then that column.
SEED_HEADERS = ("序号", "单位名称", "单位组织机构代码证", "单位性质", "单位地址", "职工人数", "工会名称", "建会时间",
                "工会类型", "会员人数", "工会负责人", "联系电话", "备注")  # fmt: skip
HEADERS = (*SEED_HEADERS, "工会统一社会信用代码")
FOUNDED = datetime.date(2015, 3, 1)


def summary_rows(seed: int) -> list[list[object]]:
    """Three units: one with its own union (both with codes), two covered by a joint union without a code."""
    rng = random.Random(seed)
    unit_codes = [make_uscc(rng, ENTERPRISE, "430102") for _ in range(3)]
    union_code = make_uscc(rng, GRASSROOTS_UNION, "430102")
    return [
        [1, "蓉城食品有限公司", unit_codes[0], "私营经济", "长沙市芙蓉区人民路2号", 45, "蓉城食品公司工会", FOUNDED,
         "单独基层工会（单建）", 30, "李明", "13812345678", "", union_code],
        [2, "五一商圈甲店", unit_codes[1], "个体经济", "长沙市芙蓉区五一大道9号", 6, "五一商圈联合工会", FOUNDED,
         "联合基层工会", 9, "赵六", "0731-84512345", "工会申请临时赋码", None],
        [3, "五一商圈乙店", unit_codes[2], "个体经济", "长沙市芙蓉区五一大道11号", 8, "五一商圈联合工会", FOUNDED,
         "联合基层工会", 7, "赵六", "0731-84512345", "", None],
    ]  # fmt: skip


async def organisations(world: World) -> list[tuple[Any, ...]]:
    return await fetch(
        world.tenant,
        "SELECT o.id, o.parent_id, o.name, o.credit_code, o.union_type, o.org_level, o.leader, o.updated_at "
        "FROM organisation o ORDER BY o.id",
    )


async def units(world: World) -> list[tuple[Any, ...]]:
    return await fetch(
        world.tenant,
        "SELECT u.id, u.name, u.credit_code, u.organisation_id, u.nature, u.employee_count, u.updated_at, "
        "array_agg(c.organisation_id ORDER BY c.organisation_id) FROM unit u "
        "JOIN organisation_unit c ON c.unit_id = u.id GROUP BY u.id ORDER BY u.id",
    )


async def test_units_and_grassroots_unions_are_created_under_the_organisation_imported_into(
    world: World, tmp_path: Path
) -> None:
    path = write_sheet(tmp_path / "汇总表.xlsx", [HEADERS, *summary_rows(1)])
    summary = await run_import(world, path, world.furong, temporary_codes=True)
    assert (summary.rows, summary.created, summary.rejected, summary.written) == (3, 3, {}, True)
    created = {row[2]: row for row in await organisations(world)}
    single, joint = created["蓉城食品公司工会"], created["五一商圈联合工会"]
    assert (single[1], single[4], single[5], single[6]) == (world.furong.id, "1", "6", "李明")
    assert (joint[1], joint[4], joint[5]) == (world.furong.id, "2", "6")
    by_name = {row[1]: row for row in await units(world)}
    assert by_name["蓉城食品有限公司"][3:6] == (single[0], "05", 45)
    assert by_name["蓉城食品有限公司"][7] == [single[0]]
    assert [by_name[name][7] for name in ("五一商圈甲店", "五一商圈乙店")] == [[joint[0]], [joint[0]]]


async def test_importing_the_same_summary_again_changes_nothing(world: World, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "汇总表.xlsx", [HEADERS, *summary_rows(2)])
    await run_import(world, path, world.furong, temporary_codes=True)
    state = (await organisations(world), await units(world), await written_counts(world.tenant))
    again = await run_import(world, path, world.furong, temporary_codes=True)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, {})
    assert (await organisations(world), await units(world), await written_counts(world.tenant)) == state


async def test_without_temporary_codes_a_union_without_a_credit_code_is_refused_and_none_is_issued(
    world: World, tmp_path: Path
) -> None:
    path = write_sheet(tmp_path / "汇总表.xlsx", [HEADERS, *summary_rows(3)])
    before = await written_counts(world.tenant)
    summary = await run_import(world, path, world.furong)
    assert {row: [(reason.field, reason.code) for reason in reasons] for row, reasons in summary.rejected.items()} == {
        3: [("union.creditCode", "VALUE_REQUIRED")],
        4: [("union.creditCode", "VALUE_REQUIRED")],
    }
    assert summary.rejected[3][0].message == "工会：统一社会信用代码为必填项，不能为空"
    assert not summary.written
    assert await written_counts(world.tenant) == before
    assert await fetch(world.tenant, "SELECT credit_code FROM organisation WHERE credit_code LIKE 'Z%'") == []


async def test_temporary_codes_are_issued_only_to_those_without_a_code_when_asked(world: World, tmp_path: Path) -> None:
    rows = summary_rows(4)
    path = write_sheet(tmp_path / "汇总表.xlsx", [HEADERS, *rows])
    await run_import(world, path, world.furong, temporary_codes=True)
    codes = {row[2]: row[3] for row in await organisations(world)}
    assert codes["蓉城食品公司工会"] == rows[0][-1]
    assert validate_temporary_code(codes["五一商圈联合工会"]).valid
    assert str(codes["五一商圈联合工会"]).startswith("Z43")
    assert {row[1]: row[2] for row in await units(world)}["五一商圈甲店"] == rows[1][2]


async def test_the_seed_layout_without_any_union_code_column_imports_with_temporary_codes(
    world: World, tmp_path: Path
) -> None:
    rows = [row[:-1] for row in summary_rows(5)]
    rows[1][2] = rows[2][2] = None  # the shops have no code either
    path = write_sheet(tmp_path / "汇总表.xlsx", [SEED_HEADERS, *rows])
    summary = await run_import(world, path, world.furong, temporary_codes=True)
    assert (summary.created, summary.rejected, summary.ignored_columns) == (3, {}, [])
    shops = [row for row in await units(world) if str(row[1]).startswith("五一商圈")]
    assert all(validate_temporary_code(row[2]).valid for row in shops)
    again = await run_import(world, path, world.furong, temporary_codes=True)
    assert (again.created, again.unchanged) == (0, 3)  # found again by name, codes kept
    assert [row for row in await units(world) if str(row[1]).startswith("五一商圈")] == shops


async def test_a_changed_leader_updates_the_union_and_is_audited(world: World, tmp_path: Path) -> None:
    rows = summary_rows(6)
    await run_import(world, write_sheet(tmp_path / "first.xlsx", [HEADERS, *rows]), world.furong, temporary_codes=True)
    rows[0][10] = "周敏"
    summary = await run_import(world, write_sheet(tmp_path / "second.xlsx", [HEADERS, *rows]), world.furong)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    leaders = {row[2]: row[6] for row in await organisations(world)}
    assert leaders["蓉城食品公司工会"] == "周敏"
    [(details,)] = await fetch(
        world.tenant, "SELECT details FROM audit_log WHERE action = 'organisation_updated' ORDER BY id DESC LIMIT 1"
    )
    assert details["changes"]["leader"] == ["李明", "周敏"]


async def test_a_dry_run_of_a_summary_writes_nothing(world: World, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "汇总表.xlsx", [HEADERS, *summary_rows(7)])
    before = await written_counts(world.tenant)
    summary = await run_import(world, path, world.furong, mode=ImportMode.DRY_RUN, temporary_codes=True)
    assert (summary.created, summary.rejected, summary.written) == (3, {}, False)
    assert await written_counts(world.tenant) == before


async def test_accept_valid_keeps_the_good_rows_of_a_summary_and_all_or_nothing_none(
    world: World, tmp_path: Path
) -> None:
    rows = summary_rows(8)
    rows[0][8] = "合作社工会"  # no such union type
    path = write_sheet(tmp_path / "汇总表.xlsx", [HEADERS, *rows])
    before = await written_counts(world.tenant)
    refused = await run_import(world, path, world.furong, temporary_codes=True)
    assert (sorted(refused.rejected), refused.written) == ([2], False)
    assert await written_counts(world.tenant) == before
    kept = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID, temporary_codes=True)
    assert (kept.created, sorted(kept.rejected), kept.written) == (2, [2], True)
    assert [(reason.field, reason.code) for reason in kept.rejected[2]] == [("union.unionType", "CODE_UNKNOWN")]
