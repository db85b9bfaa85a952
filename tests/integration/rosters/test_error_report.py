"""Every refused row gets its reasons; the error report is the refused rows as they were, with the reasons
beside them, and once corrected (in Excel, here openpyxl) it imports like the original."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import openpyxl
import pytest

from province_node.rosters.error_report import REASON_COLUMN, ROW_COLUMN
from province_node.rosters.outcome import ImportMode
from province_node.synthetic.people import Person
from tests.integration.province_node.world import World
from tests.integration.rosters.importing import people, run_import, written_counts
from tests.roster_files import HUNAN_HEADERS, member_record, table, write_sheet

pytestmark = pytest.mark.anyio

HEADERS = (*HUNAN_HEADERS, "出生日期")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def messy_records(world: World, persons: list[Person]) -> list[dict[str, object]]:
    """Eight rows: the first, fourth and last are right, the others each wrong in their own way."""
    records = [member_record(person, world.furong_unit.name, world.furong_union.name, sequence=index)
               for index, person in enumerate(persons, start=1)]  # fmt: skip
    number = str(records[1]["身份证号码"])
    records[1]["身份证号码"] = number[:17] + ("1" if number[17] == "0" else "0")  # row 3: wrong check character
    records[2]["手机号码"] = "1380013800"  # row 4: ten digits
    records[4]["学历"] = "家里蹲"  # row 6: no such label
    records[5]["姓名"] = None  # row 7: no name
    records[6]["所在工会"] = world.tianxin_union.name  # row 8: another county's union
    records[7] = {**records[0], "序号": 8}  # row 9: the first person again
    return records


@pytest.fixture
def messy(world: World, tmp_path: Path) -> tuple[Path, list[Person]]:
    persons = people(world, 9)
    records = messy_records(world, persons[:8])
    records.append(member_record(persons[8], world.furong_unit.name, world.furong_union.name, sequence=9))
    return write_sheet(tmp_path / "花名册.xlsx", table(HEADERS, records)), persons


async def test_every_refused_row_gets_a_code_and_a_chinese_message_for_each_reason(
    world: World, messy: tuple[Path, list[Person]]
) -> None:
    path, _ = messy
    summary = await run_import(world, path, world.furong, mode=ImportMode.DRY_RUN)
    assert {row: [(reason.field, reason.code) for reason in reasons] for row, reasons in summary.rejected.items()} == {
        3: [("idNumber", "ID_CHECKSUM")],
        4: [("phone", "PHONE_FORMAT")],
        6: [("education", "CODE_UNKNOWN")],
        7: [("name", "VALUE_REQUIRED")],
        8: [("union", "UNION_NOT_FOUND")],
        9: [("idNumber", "DUPLICATE_IN_FILE")],
    }
    assert all(CHINESE.search(reason.message) for reasons in summary.rejected.values() for reason in reasons)
    assert summary.rows == 9


async def test_the_error_report_holds_the_refused_rows_as_they_were_with_their_reasons(
    world: World, messy: tuple[Path, list[Person]], tmp_path: Path
) -> None:
    path, _ = messy
    report = tmp_path / "错误报告.xlsx"
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID, report=report)
    assert summary.report == str(report)
    original = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))
    shown = list(openpyxl.load_workbook(report).worksheets[0].iter_rows(values_only=True))
    assert shown[0] == (*HEADERS, ROW_COLUMN, REASON_COLUMN)
    assert [row[len(HEADERS)] for row in shown[1:]] == [3, 4, 6, 7, 8, 9]
    for row in shown[1:]:
        assert row[: len(HEADERS)] == original[int(str(row[len(HEADERS)])) - 1]
        assert row[-1] == "\n".join(reason.message for reason in summary.rejected[int(str(row[len(HEADERS)]))])


async def test_the_corrected_error_report_imports_and_its_added_columns_are_ignored(
    world: World, messy: tuple[Path, list[Person]], tmp_path: Path
) -> None:
    path, persons = messy
    report = tmp_path / "错误报告.xlsx"
    first = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID, report=report)
    assert first.created == 3
    book = openpyxl.load_workbook(report)
    sheet = book.worksheets[0]
    column = {str(cell.value): int(cell.column or 0) for cell in sheet[1]}
    fixes = {
        3: ("身份证号码", persons[1].id_number),
        4: ("手机号码", persons[2].phone),
        6: ("学历", "大学本科"),
        7: ("姓名", persons[5].name),
        8: ("所在工会", world.furong_union.name),
    }
    for line in range(2, sheet.max_row + 1):
        original_row = int(str(sheet.cell(line, column[ROW_COLUMN]).value))
        if original_row in fixes:
            header, value = fixes[original_row]
            sheet.cell(line, column[header], value)
        else:  # the repeated person: the clerk deletes the row's cells
            for cell in sheet[line]:
                cell.value = None
    book.save(report)
    again = await run_import(world, report, world.furong)
    assert (again.created, again.rejected, again.written) == (5, {}, True)
    assert again.ignored_columns == [ROW_COLUMN, REASON_COLUMN]


async def test_an_all_or_nothing_import_refused_for_one_row_reports_only_that_row(
    world: World, messy: tuple[Path, list[Person]], tmp_path: Path
) -> None:
    persons = people(world, 3)
    records = [member_record(person, world.furong_unit.name, world.furong_union.name) for person in persons]
    records[1]["民族"] = "汉人"
    report = tmp_path / "report.xlsx"
    before = await written_counts(world.tenant)
    summary = await run_import(world, write_sheet(tmp_path / "r.xlsx", table(HUNAN_HEADERS, records)), world.furong,
                               report=report)  # fmt: skip
    assert not summary.written
    assert await written_counts(world.tenant) == before
    rows = list(openpyxl.load_workbook(report).worksheets[0].iter_rows(values_only=True))
    assert [row[len(HUNAN_HEADERS)] for row in rows[1:]] == [3]


async def test_a_file_without_refused_rows_gets_no_error_report(world: World, tmp_path: Path) -> None:
    persons = people(world, 2)
    records = [member_record(person, world.furong_unit.name, world.furong_union.name) for person in persons]
    report = tmp_path / "report.xlsx"
    summary = await run_import(world, write_sheet(tmp_path / "r.xlsx", table(HUNAN_HEADERS, records)), world.furong,
                               report=report)  # fmt: skip
    assert (summary.report, report.exists()) == (None, False)


async def test_a_cell_that_looks_like_a_formula_stays_text_in_the_error_report(world: World, tmp_path: Path) -> None:
    person = people(world, 1)[0]
    record = {**member_record(person, world.furong_unit.name, world.furong_union.name),
              "姓名": '=HYPERLINK("http://example.invalid","点我")'}  # fmt: skip
    report = tmp_path / "report.xlsx"
    path = write_sheet(tmp_path / "r.csv", table(HUNAN_HEADERS, [record]))
    summary = await run_import(world, path, world.furong, report=report)
    assert [reason.code for reason in summary.rejected[2]] == ["NAME_CHARACTERS"]
    cell = openpyxl.load_workbook(report).worksheets[0]["B2"]
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://example.invalid","点我")')


async def test_dates_stay_dates_in_the_error_report(world: World, tmp_path: Path) -> None:
    person = people(world, 1)[0]
    record = {**member_record(person, world.furong_unit.name, world.furong_union.name), "手机号码": "110"}
    report = tmp_path / "report.xlsx"
    await run_import(world, write_sheet(tmp_path / "r.xlsx", table(HEADERS, [record])), world.furong, report=report)
    birth = openpyxl.load_workbook(report).worksheets[0].cell(2, len(HEADERS)).value
    assert birth == datetime.datetime.combine(person.birth_date, datetime.time())


async def test_a_phone_stored_as_a_number_is_written_to_the_report_as_its_digits(world: World, tmp_path: Path) -> None:
    good, bad = people(world, 2)
    records = [member_record(person, world.furong_unit.name, world.furong_union.name) for person in (good, bad)]
    records[1]["手机号码"] = int(str(bad.phone))  # Excel made it a number; the file holds 13757188922.0
    records[1]["学历"] = "家里蹲"  # the row's only mistake
    path = write_sheet(tmp_path / "r.xlsx", table(HUNAN_HEADERS, records))
    report = tmp_path / "report.xlsx"
    await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID, report=report)
    header, row = list(openpyxl.load_workbook(report).worksheets[0].iter_rows(values_only=True))
    assert row[header.index("手机号码")] == str(bad.phone)


async def test_the_report_of_a_report_has_one_row_number_and_one_reasons_column(world: World, tmp_path: Path) -> None:
    person = people(world, 1)[0]
    record = {**member_record(person, world.furong_unit.name, world.furong_union.name), "学历": "家里蹲"}
    path = write_sheet(tmp_path / "r.xlsx", table(HUNAN_HEADERS, [record]))
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID, report=first)
    await run_import(world, first, world.furong, mode=ImportMode.ACCEPT_VALID, report=second)
    header = next(openpyxl.load_workbook(second).worksheets[0].iter_rows(values_only=True))
    assert header == (*HUNAN_HEADERS, ROW_COLUMN, REASON_COLUMN)
