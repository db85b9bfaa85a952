"""Files that are not what they claim, or not as clean as they look: each is refused with a stable code and
a Chinese message before anything is written, or read for what the clerk meant; memory and time stay
bounded however the file is built."""

from __future__ import annotations

import datetime
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-untyped]

from province_node.rosters.outcome import ImportMode
from province_node.rosters.reading import SpreadsheetError, fits_in_memory
from province_node.rosters.sheet_survey import survey_sheet
from province_node.synthetic.people import Person
from tests.integration.province_node.world import World
from tests.integration.rosters.importing import furong_roster, member_rows, people, run_import, written_counts
from tests.roster_files import (
    HUNAN_HEADERS,
    SHEET_START,
    Formula,
    excel_serial,
    inline_row,
    member_record,
    table,
    write_sheet,
    write_xlsx_parts,
    write_zip_bomb,
)

pytestmark = pytest.mark.anyio

CHINESE = re.compile(r"[\u4e00-\u9fff]")
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
GOOD_ROWS = [["姓名", "身份证号码", "手机号码"], ["张伟", "430102199003070011", "13800138000"]]


def program(path: Path) -> Path:
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(54) + b"This program cannot be run in DOS mode.")
    return path


def pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    return path


def picture(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    return path


def word_document(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def encrypted(path: Path) -> Path:
    plain = write_sheet(path.with_name("plain.xlsx"), GOOD_ROWS)
    with plain.open("rb") as source, path.open("wb") as target:
        OOXMLFile(source).encrypt("工会2026", target)
    return path


def truncated(path: Path) -> Path:
    data = write_sheet(path.with_name("whole.xlsx"), GOOD_ROWS).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def broken_sheet_xml(path: Path) -> Path:
    return write_xlsx_parts(path, (SHEET_START + "<sheetData>" + inline_row(1, GOOD_ROWS[0]) + "<row r=").encode())


def garbage_xls(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"\x01\x02" * 2000)
    return path


def truncated_xls(path: Path) -> Path:
    data = write_sheet(path.with_name("whole.xls"), GOOD_ROWS).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_bomb(path: Path) -> Path:
    return write_zip_bomb(path, 1 << 30)


def lying_zip_bomb(path: Path) -> Path:
    return write_zip_bomb(path, 1 << 30, honest=False)


def binary_named_csv(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 16)
    return path


def uncalculated_formulas(path: Path) -> Path:
    rows: list[list[object]] = [["姓名", "身份证号码", "手机号码", "原号码"],
                                ["张伟", Formula("=D2"), "13800138000", "430102199003070011"]]  # fmt: skip
    return write_sheet(path, rows)


def no_header(path: Path) -> Path:
    return write_sheet(path, [["2026年第一季度工作总结"], ["各单位："], ["一、基本情况"]])


def missing_columns(path: Path) -> Path:
    return write_sheet(
        path, [["序号", "姓名", "身份证号码", "所属单位"], [1, "张伟", "430102199003070011", "芙蓉科技有限公司"]]
    )


SHEET_PART = "xl/worksheets/sheet1.xml"


def with_entry_header(path: Path, entry: str, *, flags: int = 0, method: int | None = None) -> Path:
    """``path`` with ``entry``'s local and central headers changed: ``flags`` set (1: encrypted with a zip
    password), its compression ``method`` replaced (9: Deflate64, which zipfile cannot inflate)."""
    data, name = bytearray(path.read_bytes()), entry.encode()
    # (signature, offset of the flags, offset of the name length, offset of the name) of each kind of header
    for signature, at_flags, at_length, at_name in ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)):
        start = data.find(signature)
        while start >= 0:
            length = struct.unpack_from("<H", data, start + at_length)[0]
            if data[start + at_name : start + at_name + length] == name:
                (before,) = struct.unpack_from("<H", data, start + at_flags)
                struct.pack_into("<H", data, start + at_flags, before | flags)
                if method is not None:
                    struct.pack_into("<H", data, start + at_flags + 2, method)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    return path


def zip_encrypted_sheet(path: Path) -> Path:
    return with_entry_header(write_sheet(path, [["姓名", "手机号码"], ["张伟", "13800138000"]]), SHEET_PART, flags=1)


def deflate64_sheet(path: Path) -> Path:
    return with_entry_header(write_sheet(path, [["姓名", "手机号码"], ["张伟", "13800138000"]]), SHEET_PART, method=9)


def zip_encrypted_ods_mimetype(path: Path) -> Path:
    return with_entry_header(write_sheet(path, [["姓名", "手机号码"], ["张伟", "13800138000"]]), "mimetype", flags=1)


REFUSED: dict[str, tuple[str, Callable[[Path], Path], str]] = {
    "a workbook whose sheet is encrypted with a zip password": ("roster.xlsx", zip_encrypted_sheet, "FILE_CORRUPT"),
    "a workbook whose sheet zipfile cannot inflate": ("roster.xlsx", deflate64_sheet, "FILE_CORRUPT"),
    "an .ods whose mimetype is encrypted": ("roster.ods", zip_encrypted_ods_mimetype, "FILE_CORRUPT"),
    "a program renamed to .xlsx": ("roster.xlsx", program, "FILE_TYPE"),
    "a PDF": ("roster.pdf", pdf, "FILE_TYPE"),
    "a picture named .xlsx": ("roster.xlsx", picture, "FILE_TYPE"),
    "a Word document": ("roster.docx", word_document, "FILE_TYPE"),
    "binary junk named .csv": ("roster.csv", binary_named_csv, "FILE_TYPE"),
    "an empty file": ("roster.xlsx", empty, "FILE_EMPTY"),
    "a workbook with an opening password": ("roster.xlsx", encrypted, "FILE_ENCRYPTED"),
    "a truncated workbook": ("roster.xlsx", truncated, "FILE_CORRUPT"),
    "a workbook whose sheet is broken XML": ("roster.xlsx", broken_sheet_xml, "FILE_CORRUPT"),
    "a corrupt .xls": ("roster.xls", garbage_xls, "FILE_CORRUPT"),
    "a truncated .xls": ("roster.xls", truncated_xls, "FILE_CORRUPT"),
    "a zip bomb": ("roster.xlsx", zip_bomb, "FILE_TOO_LARGE"),
    "a zip bomb that lies about its size": ("roster.xlsx", lying_zip_bomb, "FILE_CORRUPT"),
    "formulas without saved values": ("roster.xlsx", uncalculated_formulas, "FORMULA_NOT_CALCULATED"),
    "a document without a header row": ("roster.xlsx", no_header, "HEADER_NOT_FOUND"),
    "a roster without the phone and other required columns": ("roster.xlsx", missing_columns, "COLUMNS_MISSING"),
}


@pytest.fixture
def inflated(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """How many bytes the reading has inflated out of archives so far (a zip bomb's gigabyte, if it were read)."""
    total = [0]
    read = zipfile.ZipExtFile.read

    def counted(self: zipfile.ZipExtFile, n: int | None = -1) -> bytes:
        data = read(self, n)
        total[0] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted)
    return lambda: total[0]


@pytest.mark.parametrize("case", list(REFUSED))
async def test_a_file_that_cannot_be_read_is_refused_with_a_code_and_a_chinese_message_and_nothing_written(
    world: World, tmp_path: Path, case: str, inflated: Callable[[], int]
) -> None:
    name, build, code = REFUSED[case]
    path = build(tmp_path / name)
    before = await written_counts(world.tenant)
    with pytest.raises(SpreadsheetError) as refused:
        await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID, report=tmp_path / "report.xlsx")
    assert inflated() < 16 * 1024**2  # refused before reading far: the bombs hold a gigabyte each
    assert refused.value.code == code
    assert CHINESE.search(refused.value.message), refused.value.message
    assert await written_counts(world.tenant) == before
    assert not (tmp_path / "report.xlsx").exists()


async def test_a_csv_that_turns_undecodable_after_thousands_of_rows_leaves_the_database_as_it_was(
    world: World, tmp_path: Path
) -> None:
    path = furong_roster(world, tmp_path / "long.csv", people(world, 12_000))
    assert path.stat().st_size > 1 << 20  # beyond the part read to choose the encoding
    with path.open("ab") as file:
        file.write(b"\xff\xfe\xfd,\xff\xfe\n")
    before = await written_counts(world.tenant)
    with pytest.raises(SpreadsheetError) as refused:
        await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert refused.value.code == "CSV_ENCODING"
    assert await written_counts(world.tenant) == before


def formatted_to_the_bottom(path: Path, persons: list[Person], world: World) -> Path:
    """Two members, then every row down to 1,048,576 formatted (empty, with a style), as clerks' sheets are."""
    header = HUNAN_HEADERS[1:]
    lines = [inline_row(1, header)]
    for number, person in enumerate(persons, start=2):
        record = member_record(person, world.furong_unit.name, world.furong_union.name)
        lines.append(inline_row(number, [str(record[name]) for name in header]))
    formatted = "".join(f'<row r="{number}" spans="1:10" s="1" customFormat="1"/>' for number in range(4, 1_048_577))
    sheet = f'{SHEET_START}<dimension ref="A1:J1048576"/><sheetData>{"".join(lines)}{formatted}</sheetData></worksheet>'
    return write_xlsx_parts(path, sheet.encode())


async def test_a_sheet_formatted_down_to_its_last_row_imports_its_two_members_held_not_streamed(
    world: World, tmp_path: Path
) -> None:
    persons = people(world, 2)
    path = formatted_to_the_bottom(tmp_path / "formatted.xlsx", persons, world)
    with zipfile.ZipFile(path) as archive:
        assert fits_in_memory(survey_sheet(archive))  # empty formatted rows do not make the sheet big
    summary = await run_import(world, path, world.furong)
    assert (summary.rows, summary.created, summary.rejected) == (2, 2, {})


def merged_two_row_header(path: Path, records: list[dict[str, object]]) -> Path:
    """A title merged across the top, then a header whose "证件信息" spans two columns named in the row below
    and whose other headers are merged down over both rows."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    merged = book.add_format({"align": "center"})
    headers = [header for header in HUNAN_HEADERS if header != "身份证号码"]
    sheet.merge_range(0, 0, 0, len(HUNAN_HEADERS) - 1, "芙蓉区基层工会会员花名册", merged)
    columns = ["序号", "姓名", "性别", "证件类型", "身份证号码", *headers[3:]]
    for index, header in enumerate(columns):
        if header in ("证件类型", "身份证号码"):
            continue
        sheet.merge_range(1, index, 2, index, header, merged)
    sheet.merge_range(1, 3, 1, 4, "证件信息", merged)
    sheet.write_string(2, 3, "证件类型")
    sheet.write_string(2, 4, "身份证号码")
    for line, record in enumerate(records, start=3):
        for index, header in enumerate(columns):
            value = record.get(header)
            if isinstance(value, str):
                sheet.write_string(line, index, value)
            elif isinstance(value, int):
                sheet.write_number(line, index, value)
    book.close()
    return path


async def test_a_title_merged_across_and_a_header_over_two_rows_are_understood(world: World, tmp_path: Path) -> None:
    persons = people(world, 2)
    records = [member_record(person, world.furong_unit.name, world.furong_union.name) for person in persons]
    summary = await run_import(world, merged_two_row_header(tmp_path / "merged.xlsx", records), world.furong)
    assert (summary.rows, summary.created, summary.rejected, summary.ignored_columns) == (2, 2, {}, [])


async def test_formulas_are_read_as_the_values_excel_saved_with_them(world: World, tmp_path: Path) -> None:
    person = people(world, 1)[0]
    record = member_record(person, world.furong_unit.name, world.furong_union.name)
    record["身份证号码"] = Formula(f'="{person.id_number[:9]}"&"{person.id_number[9:]}"', person.id_number)
    record["手机号码"] = Formula(f"={person.phone}", float(person.phone))
    record["序号"] = Formula("=ROW()-1", 1)
    path = write_sheet(tmp_path / "formulas.xlsx", table(HUNAN_HEADERS, [record]))
    summary = await run_import(world, path, world.furong)
    assert (summary.created, summary.rejected) == (1, {})
    again = await run_import(world, furong_roster(world, tmp_path / "values.xlsx", [person]), world.furong)
    assert (again.created, again.unchanged) == (0, 1)  # the same ID and phone as typed in


async def test_a_formula_whose_saved_value_is_empty_text_is_read_as_an_empty_cell(world: World, tmp_path: Path) -> None:
    person = people(world, 1)[0]
    record = member_record(person, world.furong_unit.name, world.furong_union.name)
    headers = [header for header in HUNAN_HEADERS if header != "户籍类型"]
    data = inline_row(2, [str(record[header]) for header in headers])
    # As Excel and LibreOffice save =IF(…,"",…) when it gives "": a text result (t="str") with an empty value.
    data = data.replace("</row>", f'<c r="{chr(65 + len(headers))}2" t="str"><f>IF(A2="","","")</f><v></v></c></row>')
    sheet = f"{SHEET_START}<sheetData>{inline_row(1, [*headers, '户籍类型'])}{data}</sheetData></worksheet>"
    summary = await run_import(world, write_xlsx_parts(tmp_path / "empty-formula.xlsx", sheet.encode()), world.furong)
    assert (summary.created, summary.rejected) == (1, {})


@pytest.mark.parametrize("form", ["number", "text", "date cell"])
async def test_a_birth_date_written_as_an_excel_serial_is_the_same_date(
    world: World, tmp_path: Path, form: str
) -> None:
    person = people(world, 1)[0]
    serial = excel_serial(person.birth_date)
    cell = {"number": serial, "text": str(serial), "date cell": person.birth_date}[form]
    record = {**member_record(person, world.furong_unit.name, world.furong_union.name), "出生日期": cell}
    suffix = ".csv" if form == "text" else ".xlsx"
    summary = await run_import(world, write_sheet(tmp_path / f"r{suffix}", table((*HUNAN_HEADERS, "出生日期"),
                                                                                  [record])), world.furong)  # fmt: skip
    assert (summary.created, summary.rejected) == (1, {})
    [row] = [row for row in await member_rows(world.tenant) if row[1] == person.name]
    assert row[3] == person.birth_date


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
async def test_an_id_number_excel_stored_as_a_number_is_refused_asking_for_a_text_column(
    world: World, tmp_path: Path, suffix: str
) -> None:
    person = people(world, 1)[0]
    record = {**member_record(person, world.furong_unit.name, world.furong_union.name),
              "身份证号码": float(person.id_number)}  # fmt: skip
    summary = await run_import(world, write_sheet(tmp_path / f"r{suffix}", table(HUNAN_HEADERS, [record])),
                               world.furong)  # fmt: skip
    reason = summary.rejected[2][0]  # then the birth date the profile needs, which the number would have given
    assert (reason.field, reason.code) == ("idNumber", "ID_EXCEL_NUMBER")
    assert "文本" in reason.message
    assert not summary.written


async def test_a_first_generation_id_stored_as_a_number_keeps_its_digits_and_is_upgraded(
    world: World, tmp_path: Path
) -> None:
    person = next(person for person in (world.people.person() for _ in range(50)) if person.birth_date.year < 2000)
    old = person.id_number[:6] + person.id_number[8:17]
    record = {**member_record(person, world.furong_unit.name, world.furong_union.name), "身份证号码": int(old)}
    summary = await run_import(world, write_sheet(tmp_path / "r.xlsx", table(HUNAN_HEADERS, [record])), world.furong)
    assert (summary.created, summary.rejected) == (1, {})
    assert [reason.code for reason in summary.warnings[2]] == ["ID_UPGRADED"]
    assert person.id_number[:17] in summary.warnings[2][0].message


async def test_full_width_digits_letters_and_spaces_are_read_as_their_plain_forms(world: World, tmp_path: Path) -> None:
    person = next(person for person in (world.people.person() for _ in range(200)) if person.id_number.endswith("X"))
    record = {**member_record(person, world.furong_unit.name, world.furong_union.name),
              "身份证号码": person.id_number.translate(FULL_WIDTH), "手机号码": person.phone.translate(FULL_WIDTH),
              "学历": person.education.translate(FULL_WIDTH),
              "性别": "Ｍａｌｅ" if person.gender == "1" else "Ｆｅｍａｌｅ"}  # fmt: skip
    first = await run_import(world, write_sheet(tmp_path / "wide.xlsx", table(HUNAN_HEADERS, [record])), world.furong)
    assert (first.created, first.rejected) == (1, {})
    plain = await run_import(world, furong_roster(world, tmp_path / "plain.xlsx", [person]), world.furong)
    assert (plain.created, plain.updated, plain.unchanged) == (0, 0, 1)  # the same ID, phone and codes


async def test_trailing_spaces_in_every_cell_are_ignored(world: World, tmp_path: Path) -> None:
    person = people(world, 1)[0]
    record = member_record(person, world.furong_unit.name, world.furong_union.name)
    spaced = {header: f"{value}  \u3000\t" if isinstance(value, str) else value for header, value in record.items()}
    first = await run_import(world, write_sheet(tmp_path / "spaced.xlsx", table(HUNAN_HEADERS, [spaced])),
                             world.furong)  # fmt: skip
    assert (first.created, first.rejected) == (1, {})
    again = await run_import(world, furong_roster(world, tmp_path / "plain.xlsx", [person]), world.furong)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


async def test_a_lower_case_x_at_the_end_of_an_id_number_is_the_same_person(world: World, tmp_path: Path) -> None:
    person = next(person for person in (world.people.person() for _ in range(200)) if person.id_number.endswith("X"))
    record = {**member_record(person, world.furong_unit.name, world.furong_union.name),
              "身份证号码": person.id_number.lower()}  # fmt: skip
    await run_import(world, write_sheet(tmp_path / "lower.xlsx", table(HUNAN_HEADERS, [record])), world.furong)
    again = await run_import(world, furong_roster(world, tmp_path / "upper.xlsx", [person]), world.furong)
    assert (again.created, again.unchanged) == (0, 1)


async def test_an_organisation_summary_with_spaces_and_full_width_codes_imported_twice_adds_nothing_the_second_time(
    world: World, tmp_path: Path
) -> None:
    headers = ("单位名称", "单位组织机构代码证", "单位性质", "单位地址", "职工人数", "工会名称", "建会时间", "工会类型",
               "工会负责人", "联系电话", "工会统一社会信用代码")  # fmt: skip
    row = ["蓉城食品有限公司 ", world.furong_unit.credit_code.translate(FULL_WIDTH), "私营经济", "长沙市芙蓉区", 45,
           " 蓉城食品公司工会\u3000", datetime.date(2015, 3, 1), "单独基层工会（单建）", "李明", "13812345678",
           None]  # fmt: skip
    path = write_sheet(tmp_path / "summary.xlsx", [headers, row])
    first = await run_import(world, path, world.furong, temporary_codes=True)
    assert (first.created, first.rejected) == (1, {})
    counts = await written_counts(world.tenant)
    again = await run_import(world, path, world.furong, temporary_codes=True)
    assert (again.created, again.unchanged, again.rejected) == (0, 1, {})
    assert await written_counts(world.tenant) == counts
