"""Rosters in every file format clerks send, with headers as they write them: what is stored is the same."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest

from province_node.rosters.outcome import ImportSummary
from province_node.synthetic.credit_codes import ENTERPRISE, GRASSROOTS_UNION, make_uscc
from province_node.synthetic.people import Person
from tests.integration.province_node.conftest import fetch
from tests.integration.province_node.world import World
from tests.integration.rosters.importing import people, run_import
from tests.roster_files import HUNAN_HEADERS, member_record, table, write_sheet

pytestmark = pytest.mark.anyio

KINDS = {
    "xlsx": ("roster.xlsx", "utf-8-sig"),
    "xls": ("roster.xls", "utf-8-sig"),
    "ods": ("roster.ods", "utf-8-sig"),
    "csv-utf8": ("roster.csv", "utf-8-sig"),
    "csv-gb18030": ("roster.csv", "gb18030"),
}
SUMMARY_HEADERS = ("序号", "单位名称", "单位组织机构代码证", "单位性质", "单位地址", "职工人数", "工会名称", "建会时间",
                   "工会类型", "会员人数", "工会负责人", "联系电话", "备注", "工会统一社会信用代码")  # fmt: skip


async def stored_people(world: World) -> dict[str, tuple[object, ...]]:
    """Name -> the coded fields and birth date stored for each member."""
    rows = await fetch(
        world.tenant,
        "SELECT name, gender, birth_date, ethnicity, political_status, education, household_type FROM member",
    )
    return {str(row[0]): row[1:] for row in rows}


def expected(person: Person) -> tuple[object, ...]:
    return (person.gender, person.birth_date, person.ethnicity, person.political_status, person.education,
            person.household_type)  # fmt: skip


def written(summary: ImportSummary) -> tuple[int, int, dict[int, object], bool]:
    return summary.rows, summary.created, dict(summary.rejected), summary.written


@pytest.mark.parametrize("kind", list(KINDS))
async def test_a_member_roster_imports_from_each_kind_of_file_with_labels_stored_as_codes(
    world: World, tmp_path: Path, kind: str
) -> None:
    name, encoding = KINDS[kind]
    persons = people(world, 3)
    records = [member_record(person, world.furong_unit.name, world.furong_union.name) for person in persons]
    path = write_sheet(tmp_path / name, table(HUNAN_HEADERS, records), encoding=encoding)
    summary = await run_import(world, path, world.furong)
    assert written(summary) == (3, 3, {}, True)
    stored = await stored_people(world)
    assert {person.name: stored[person.name] for person in persons} == {
        person.name: expected(person) for person in persons
    }


@pytest.mark.parametrize("kind", list(KINDS))
async def test_an_organisation_summary_imports_from_each_kind_of_file(world: World, tmp_path: Path, kind: str) -> None:
    name, encoding = KINDS[kind]
    rng = random.Random(kind)
    unit_code, union_code = make_uscc(rng, ENTERPRISE, "430102"), make_uscc(rng, GRASSROOTS_UNION, "430102")
    row = [1, "蓉城食品有限公司", unit_code, "私营经济", "长沙市芙蓉区人民路2号", 45, "蓉城食品公司工会",
           datetime.date(2015, 3, 1), "单独基层工会（单建）", 30, "李明", "13812345678", "", union_code]  # fmt: skip
    summary = await run_import(world, write_sheet(tmp_path / name, [SUMMARY_HEADERS, row], encoding=encoding),
                               world.furong)  # fmt: skip
    assert written(summary) == (1, 1, {}, True)
    assert await fetch(
        world.tenant,
        "SELECT o.name, o.founded_on, o.union_type, u.name, u.nature, u.employee_count FROM organisation o "
        "JOIN organisation_unit c ON c.organisation_id = o.id JOIN unit u ON u.id = c.unit_id "
        "WHERE o.credit_code = :code",
        code=union_code,
    ) == [("蓉城食品公司工会", datetime.date(2015, 3, 1), "1", "蓉城食品有限公司", "05", 45)]


async def test_headers_in_english_in_any_order_are_matched_by_name(world: World, tmp_path: Path) -> None:
    persons = people(world, 2)
    english = {"姓名": "Name", "性别": "Gender", "身份证号码": "ID number", "民族": "Ethnicity",
               "政治面貌": "Political status", "学历": "Education", "手机号码": "Mobile",
               "户籍类型": "Household type", "所属单位": "Unit", "所在工会": "Union"}  # fmt: skip
    order = [
        "Mobile",
        "Union",
        "Education",
        "Name",
        "Household type",
        "Unit",
        "Political status",
        "ID number",
        "Ethnicity",
        "Gender",
    ]
    records = []
    for person in persons:
        record = member_record(person, world.furong_unit.name, world.furong_union.name)
        records.append({english[header]: value for header, value in record.items() if header in english})
    summary = await run_import(world, write_sheet(tmp_path / "english.xlsx", table(order, records)), world.furong)
    assert written(summary) == (2, 2, {}, True)
    stored = await stored_people(world)
    assert [stored[person.name] for person in persons] == [expected(person) for person in persons]


async def test_headers_are_matched_despite_required_marks_spaces_and_aliases(world: World, tmp_path: Path) -> None:
    persons = people(world, 2)
    renamed = {"姓名": "*姓 名", "身份证号码": "公民身份号码（必填）", "手机号码": "联系电话", "学历": "文化程度",
               "所属单位": "工作单位", "所在工会": "所在基层工会"}  # fmt: skip
    headers = [renamed.get(header, header) for header in HUNAN_HEADERS]
    records = [
        {renamed.get(header, header): value for header, value in member_record(person, world.furong_unit.name,
                                                                                world.furong_union.name).items()}
        for person in persons
    ]  # fmt: skip
    summary = await run_import(world, write_sheet(tmp_path / "aliases.xlsx", table(headers, records)), world.furong)
    assert written(summary) == (2, 2, {}, True)


async def test_extra_columns_are_ignored_and_reported_by_their_headers(world: World, tmp_path: Path) -> None:
    persons = people(world, 2)
    headers = [*HUNAN_HEADERS[:4], "工号", *HUNAN_HEADERS[4:], "家庭住址", "Remarks"]
    records = [
        {**member_record(person, world.furong_unit.name, world.furong_union.name), "工号": f"A{index}",
         "家庭住址": "长沙市芙蓉区", "Remarks": "ok"}
        for index, person in enumerate(persons)
    ]  # fmt: skip
    summary = await run_import(world, write_sheet(tmp_path / "extra.xlsx", table(headers, records)), world.furong)
    assert written(summary) == (2, 2, {}, True)
    assert summary.ignored_columns == ["工号", "家庭住址", "Remarks"]


async def test_drop_down_labels_codes_aliases_and_english_labels_are_all_stored_as_codes(
    world: World, tmp_path: Path
) -> None:
    forms = [
        {"性别": "男", "民族": "汉族", "政治面貌": "中共党员", "学历": "大学本科", "户籍类型": "农业户口"},
        {"性别": "1", "民族": "01", "政治面貌": "01", "学历": "20", "户籍类型": "1"},
        {"性别": "男性", "民族": "汉", "政治面貌": "党员", "学历": "本科", "户籍类型": "农村户口"},
        {"性别": "Male", "民族": "Han", "政治面貌": "CPC member", "学历": "Undergraduate", "户籍类型": "Agricultural"},
    ]
    persons = [person for person in (world.people.person() for _ in range(40)) if person.gender == "1"][:4]
    records = [
        {**member_record(person, world.furong_unit.name, world.furong_union.name), **form}
        for person, form in zip(persons, forms, strict=True)
    ]
    summary = await run_import(world, write_sheet(tmp_path / "labels.xlsx", table(HUNAN_HEADERS, records)),
                               world.furong)  # fmt: skip
    assert written(summary) == (4, 4, {}, True)
    stored = await stored_people(world)
    assert {stored[person.name][2:] for person in persons} == {("01", "01", "20", "1")}
