"""Exports of a subtree to .xlsx, read back: exactly the subtree, clear or masked by role, audited once, in
the template's layout and in forms the standard's validators accept (so the export re-imports unchanged)."""

from __future__ import annotations

import datetime
import random
import re
from pathlib import Path
from typing import Any

import pytest

from exchange.standard import profile, validate_member, validate_union_record, validate_unit_record
from province_node.db.tables import Organisation
from province_node.domain.access import Caller, Role
from province_node.domain.errors import NotFound
from province_node.rosters.export import ExportKind, ExportSummary, export_roster
from province_node.rosters.layouts import MEMBER_ROSTER, ORGANISATION_SUMMARY
from province_node.rosters.templates import template_columns
from province_node.services import organisations, units
from province_node.synthetic.credit_codes import ENTERPRISE, GRASSROOTS_UNION, make_uscc
from tests.integration.province_node.conftest import Enrolled, fetch
from tests.integration.province_node.world import TODAY, World
from tests.spreadsheets import as_record, cells_by_header, data_sheet, headers, open_workbook, records

pytestmark = pytest.mark.anyio

MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")
MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")


async def export(
    world: World,
    caller: Caller,
    kind: ExportKind,
    target: Path,
    *,
    under: int | None = None,
    batch_size: int = 1_000,
) -> ExportSummary:
    uow = world.uow(caller)
    try:
        async with uow:
            return await export_roster(uow, kind, str(target), under=under, batch_size=batch_size)
    finally:
        await uow.db.session.close()


def exported(target: Path) -> list[dict[str, Any]]:
    return records(data_sheet(open_workbook(target)))


async def export_audits(world: World) -> list[tuple[Any, ...]]:
    return await fetch(
        world.tenant,
        "SELECT account_id, action, target_type, target_ids, details FROM audit_log "
        "WHERE action IN ('members_exported', 'organisations_exported') ORDER BY id",
    )


async def test_a_clerk_exports_the_county_members_with_id_numbers_and_phones_in_clear(
    world: World, tmp_path: Path
) -> None:
    target = tmp_path / "members.xlsx"
    summary = await export(world, world.caller(world.furong, Role.CLERK), ExportKind.MEMBERS, target)
    rows = exported(target)
    assert summary.rows == len(rows) == len(world.furong_members)
    assert summary.personal_data_in_clear
    assert {(row["身份证号码"], row["手机号码"]) for row in rows} == {
        (world.id_number(member), world.phone(member)) for member in world.furong_members
    }


async def test_a_viewer_exports_the_same_members_with_numbers_masked(world: World, tmp_path: Path) -> None:
    target = tmp_path / "members.xlsx"
    summary = await export(world, world.caller(world.furong, Role.VIEWER), ExportKind.MEMBERS, target)
    rows = exported(target)
    assert not summary.personal_data_in_clear
    assert len(rows) == len(world.furong_members)
    assert all(MASKED_ID.match(row["身份证号码"]) and MASKED_PHONE.match(row["手机号码"]) for row in rows)
    clear = {world.id_number(member) for member in world.furong_members}
    assert {row["身份证号码"] for row in rows}.isdisjoint(clear)


async def test_each_export_writes_one_audit_entry_naming_the_members_shown_in_clear(
    world: World, tmp_path: Path
) -> None:
    await export(world, world.caller(world.furong, Role.CLERK), ExportKind.MEMBERS, tmp_path / "clear.xlsx")
    await export(world, world.caller(world.furong, Role.VIEWER), ExportKind.MEMBERS, tmp_path / "masked.xlsx")
    await export(world, world.caller(world.city), ExportKind.ORGANISATIONS, tmp_path / "organisations.xlsx")
    clear, masked, organisations = await export_audits(world)
    assert clear[1:4] == ("members_exported", "member", sorted(row.member.id for row in world.furong_members))
    assert clear[4] == {
        "rows": 3,
        "personalDataInClear": True,
        "organisation": world.furong.id,
        "profile": "hunan",
        "via": "http",
    }
    assert clear[0] == masked[0] == world.caller(world.furong).account_id
    assert masked[1:4] == ("members_exported", "member", [])
    assert masked[4]["personalDataInClear"] is False
    assert masked[4]["rows"] == 3
    assert organisations[1:4] == ("organisations_exported", "organisation", [world.city.id])
    assert organisations[4]["rows"] == 2
    assert organisations[4]["unions"] == 2


async def test_an_export_holds_exactly_the_current_members_of_the_subtree(
    world: World, roster: list[Enrolled], tmp_path: Path
) -> None:
    for root, unions in (
        (world.city, {world.furong_union.id, world.tianxin_union.id}),
        (world.tianxin, {world.tianxin_union.id}),
    ):
        target = tmp_path / f"{root.id}.xlsx"
        await export(world, world.caller(root, Role.CLERK), ExportKind.MEMBERS, target)
        expected = sorted(row.person.id_number for row in roster if row.union_id in unions and row.status != "ended")
        assert sorted(row["身份证号码"] for row in exported(target)) == expected


async def test_keyset_batches_of_any_size_export_the_same_rows(
    world: World, roster: list[Enrolled], tmp_path: Path
) -> None:
    caller = world.caller(world.root, Role.CLERK)
    await export(world, caller, ExportKind.MEMBERS, tmp_path / "one.xlsx", batch_size=1_000)
    await export(world, caller, ExportKind.MEMBERS, tmp_path / "many.xlsx", batch_size=4)
    await export(world, caller, ExportKind.MEMBERS, tmp_path / "exact.xlsx", batch_size=len(roster) - 2)
    whole = exported(tmp_path / "one.xlsx")
    assert len(whole) == len([row for row in roster if row.status != "ended"])
    assert exported(tmp_path / "many.xlsx") == whole == exported(tmp_path / "exact.xlsx")
    assert [row["序号"] for row in whole] == list(range(1, len(whole) + 1))


async def test_an_export_under_an_organisation_outside_the_callers_scope_is_not_found(
    world: World, tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        await export(world, world.caller(world.furong, Role.CLERK), ExportKind.MEMBERS, tmp_path / "x.xlsx",
                     under=world.tianxin.id)  # fmt: skip
    assert await export_audits(world) == []


async def test_exported_members_carry_labels_text_numbers_and_dates_under_the_template_headers(
    world: World, tmp_path: Path
) -> None:
    target = tmp_path / "members.xlsx"
    await export(world, world.caller(world.tianxin, Role.CLERK), ExportKind.MEMBERS, target)
    sheet = data_sheet(open_workbook(target))
    assert headers(sheet) == [column.header for column in template_columns(MEMBER_ROSTER, profile("hunan"))]
    rows = records(sheet)
    member = world.tianxin_members[0]
    person = world.persons[member.member.id]
    row = next(row for row in rows if row["身份证号码"] == person.id_number)
    assert row["性别"] in {"男", "女"}
    assert row["国籍"] == "中国"
    assert row["证件类型"] == "居民身份证"
    assert row["所属单位"] == "天心物流有限公司"
    assert row["单位统一社会信用代码"] == world.tianxin_unit.credit_code
    assert row["所在工会"] == "天心物流公司工会"
    assert row["所在工会统一社会信用代码"] == world.tianxin_union.credit_code
    assert isinstance(row["出生日期"], datetime.datetime)
    assert row["出生日期"].date() == member.member.birth_date
    cells = cells_by_header(sheet, 2)
    for header in ("身份证号码", "手机号码", "单位统一社会信用代码", "所在工会统一社会信用代码"):
        assert cells[header].data_type == "s", header
        assert cells[header].number_format == "@", header
    assert cells["出生日期"].number_format == "yyyy-mm-dd"


async def test_every_member_export_header_maps_to_its_field_and_each_row_passes_the_member_validator(
    world: World, tmp_path: Path
) -> None:
    target = tmp_path / "members.xlsx"
    await export(world, world.caller(world.city, Role.CLERK), ExportKind.MEMBERS, target)
    sheet = data_sheet(open_workbook(target))
    fields = [column.field for column in template_columns(MEMBER_ROSTER, profile("hunan"))]
    assert [getattr(MEMBER_ROSTER.column_for(header), "field", None) for header in headers(sheet)] == fields
    for row in records(sheet):
        verdict = validate_member(as_record(MEMBER_ROSTER, row), profile("hunan"), today=TODAY)
        assert verdict.valid, verdict.errors
        assert verdict.values["nationality"] == "CHN"
        assert verdict.values["idType"] == "01"


async def test_an_organisation_export_has_one_row_per_grassroots_union_with_its_unit(
    world: World, tmp_path: Path
) -> None:
    target = tmp_path / "organisations.xlsx"
    summary = await export(world, world.caller(world.city, Role.VIEWER), ExportKind.ORGANISATIONS, target)
    sheet = data_sheet(open_workbook(target))
    fields = [column.field for column in template_columns(ORGANISATION_SUMMARY, profile("hunan"))]
    assert [getattr(ORGANISATION_SUMMARY.column_for(header), "field", None) for header in headers(sheet)] == fields
    rows = {row["工会名称"]: row for row in records(sheet)}
    assert summary.rows == 2
    assert set(rows) == {"芙蓉科技公司工会", "天心物流公司工会"}
    furong = rows["芙蓉科技公司工会"]
    assert furong["单位名称"] == "芙蓉科技有限公司"
    assert furong["单位组织机构代码证"] == world.furong_unit.credit_code
    assert furong["工会统一社会信用代码"] == world.furong_union.credit_code
    assert furong["单位性质"] == "私营经济"
    assert furong["工会类型"] == "单独基层工会（单建）"
    assert furong["职工人数"] == 120
    assert furong["会员人数"] == 3
    assert rows["天心物流公司工会"]["会员人数"] == 2
    assert furong["建会时间"].date() == datetime.date(2001, 5, 6)
    assert furong["联系电话"] == "0731-84512345"
    assert furong["工会负责人"] == "王建国"


def split_record(row: dict[str, Any]) -> tuple[dict[str, object], dict[str, object]]:
    record = as_record(ORGANISATION_SUMMARY, row)
    unit = {key.removeprefix("unit."): value for key, value in record.items() if key.startswith("unit.")}
    union = {key.removeprefix("union."): value for key, value in record.items() if key.startswith("union.")}
    return unit, union


async def test_a_union_covering_two_units_has_a_row_for_each_and_its_rows_add_up_to_its_members(
    world: World, tmp_path: Path
) -> None:
    uow = world.uow(world.caller(world.furong, Role.CLERK))
    try:
        second = await units.create_unit(
            uow,
            organisation_id=world.furong_union.id,
            record={"name": "芙蓉软件有限公司", "creditCode": make_uscc(random.Random(7), ENTERPRISE, "430102"),
                    "nature": "股份制", "address": "长沙市芙蓉区八一路2号", "employeeCount": 30},
            covered_by=[world.furong_union.id],
        )  # fmt: skip
    finally:
        await uow.db.session.close()
    target = tmp_path / "organisations.xlsx"
    await export(world, world.caller(world.furong, Role.CLERK), ExportKind.ORGANISATIONS, target)
    rows = exported(target)
    assert [row["单位名称"] for row in rows] == ["芙蓉科技有限公司", "芙蓉软件有限公司"]
    assert {row["工会名称"] for row in rows} == {"芙蓉科技公司工会"}
    assert sum(row["会员人数"] for row in rows) == 3
    assert rows[1]["单位组织机构代码证"] == second.credit_code
    for row in rows:
        unit, union = split_record(row)
        assert validate_unit_record(unit, profile("hunan"), today=TODAY).valid
        verdict = validate_union_record({**union, "orgLevel": "6"}, profile("hunan"), today=TODAY)
        assert verdict.valid, verdict.errors


async def test_dissolved_unions_and_federations_are_not_in_an_organisation_export(world: World, tmp_path: Path) -> None:
    uow = world.uow(world.caller(world.root))
    try:
        closed = await organisations.create_organisation(
            uow,
            parent_id=world.furong.id,
            record={"name": "芙蓉旧厂工会", "orgLevel": "6", "unionType": "1", "foundedOn": "1998-03-01",
                    "creditCode": make_uscc(random.Random(9), GRASSROOTS_UNION, "430102"),
                    "leader": "李四", "phone": "0731-84510000"},
        )  # fmt: skip
        await organisations.dissolve_organisation(uow, closed.id)
    finally:
        await uow.db.session.close()
    target = tmp_path / "organisations.xlsx"
    await export(world, world.caller(world.root), ExportKind.ORGANISATIONS, target)
    names = {row["工会名称"] for row in exported(target)}
    assert names == {"芙蓉科技公司工会", "天心物流公司工会"}


async def test_an_organisation_export_of_a_grassroots_union_holds_that_union_only(world: World, tmp_path: Path) -> None:
    target = tmp_path / "organisations.xlsx"
    union: Organisation = world.tianxin_union
    await export(world, world.caller(world.tianxin, Role.VIEWER), ExportKind.ORGANISATIONS, target, under=union.id)
    assert [row["工会名称"] for row in exported(target)] == ["天心物流公司工会"]
