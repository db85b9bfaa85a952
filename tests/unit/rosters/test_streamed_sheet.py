"""The streamed reader of big .xlsx sheets: the same values calamine reads, row numbers kept, memory flat,
and a sheet that is not what it says refused."""

from __future__ import annotations

import datetime
import tracemalloc
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
import python_calamine as calamine
import xlsxwriter

from province_node.rosters import streamed_sheet
from province_node.rosters.cell_error import CellError
from province_node.rosters.streamed_sheet import BrokenSheet, streamed_rows
from tests.roster_files import SHEET_START, inline_row, workbook_parts, write_xlsx_parts

MAX_COLUMNS = 200


def streamed(path: Path, max_columns: int = MAX_COLUMNS) -> list[list[object]]:
    with zipfile.ZipFile(path) as archive:
        return list(streamed_rows(archive, max_columns=max_columns))


def sheet_file(path: Path, body: str, *, start: str = SHEET_START, parts: dict[str, bytes] | None = None) -> Path:
    return write_xlsx_parts(path, f"{start}<sheetData>{body}</sheetData></worksheet>".encode(), parts=parts)


def as_calamine_reads(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    """Rows with trailing empty cells dropped and midnight datetimes as dates, as ``reading`` compares them."""
    shaped = []
    for row in rows:
        cells = [c.date() if isinstance(c, datetime.datetime) and c.time() == datetime.time() else c for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        shaped.append(cells)
    return shaped


def day(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A date and time as a sheet holds it: without a time zone."""
    return datetime.datetime(year, month, day, hour, minute)  # noqa: DTZ001 - a sheet's time is the clerk's


def excel_workbook(path: Path, *, constant_memory: bool, date_1904: bool = False) -> Path:
    """A roster as Excel-like writers save one: text (shared, or inline in constant-memory mode), numbers,
    dates, a date and time, a boolean, a formula with its saved value, rich text, gaps between cells."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "date_1904": date_1904})
    sheet = book.add_worksheet("花名册")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, ["姓名", "身份证号码", "出生日期", "入会时间", "在岗", "序号", "工会 & 单位"])
    for row in range(1, 40):
        sheet.write_string(row, 0, f"张{row}")
        sheet.write_string(row, 1, f"43010219900101{row:04d}")
        sheet.write_datetime(row, 2, day(1990, 1, 1) + datetime.timedelta(days=row), date)
        sheet.write_datetime(row, 3, day(2020, 5, 1, 8, 30) + datetime.timedelta(hours=row), stamp)
        sheet.write_boolean(row, 4, row % 2 == 0)
        sheet.write_formula(row, 5, f"=ROW()-1+{row * 0}", None, row)
        if row % 3:  # a gap before the last cell of some rows
            sheet.write_rich_string(row, 7, bold, "芙蓉区", "总工会 <&>")
    book.close()
    return path


@pytest.mark.parametrize("constant_memory", [False, True], ids=["shared strings", "inline strings"])
def test_a_roster_reads_as_calamine_reads_it(tmp_path: Path, constant_memory: bool) -> None:
    path = excel_workbook(tmp_path / "r.xlsx", constant_memory=constant_memory)
    with calamine.CalamineWorkbook.from_path(str(path)) as book:
        expected = [list(row) for row in book.get_sheet_by_index(0).iter_rows()]
    assert as_calamine_reads(streamed(path)) == as_calamine_reads(expected)


def test_dates_of_a_workbook_counting_from_1904_are_the_dates_shown(tmp_path: Path) -> None:
    rows = streamed(excel_workbook(tmp_path / "r.xlsx", constant_memory=False, date_1904=True))
    assert rows[1][2] == datetime.date(1990, 1, 2)


def test_rich_text_reads_as_its_runs_joined_and_unescaped(tmp_path: Path) -> None:
    rows = streamed(excel_workbook(tmp_path / "r.xlsx", constant_memory=True))
    assert rows[1][7] == "芙蓉区总工会 <&>"


def test_cells_and_rows_without_references_follow_the_ones_before(tmp_path: Path) -> None:
    body = '<row r="2"><c r="B2"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>'
    assert streamed(sheet_file(tmp_path / "s.xlsx", body)) == [[], ["", 1.0, 2.0], [3.0]]


def test_rows_skipped_come_out_empty_so_each_row_keeps_its_number(tmp_path: Path) -> None:
    rows = streamed(sheet_file(tmp_path / "s.xlsx", inline_row(1, ["姓名"]) + inline_row(5, ["张伟"])))
    assert rows == [["姓名"], [], [], [], ["张伟"]]


def test_cells_past_the_last_column_read_are_not_kept(tmp_path: Path) -> None:
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="XFD1"><v>1</v></c></row>'
    assert streamed(sheet_file(tmp_path / "s.xlsx", body), max_columns=3) == [["姓名"]]


def test_a_sheet_in_strict_ooxml_reads_like_any_other(tmp_path: Path) -> None:
    start = '<?xml version="1.0"?><worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main">'
    assert streamed(sheet_file(tmp_path / "s.xlsx", inline_row(1, ["姓名", "张伟"]), start=start)) == [["姓名", "张伟"]]


def test_a_date_too_far_out_to_be_a_date_stays_a_number_for_the_row_to_be_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet().write_number(0, 0, 1e300, book.add_format({"num_format": "yyyy-mm-dd"}))
    book.close()
    assert streamed(path) == [[1e300]]


@pytest.mark.parametrize(
    "body",
    [
        inline_row(3, ["张伟"]) + inline_row(2, ["李娜"]),
        inline_row(1_048_577, ["张伟"]),
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',  # no shared strings at all
        '<row r="1"><c r="1A"><v>1</v></c></row>',
        '<row r="1"><c r="A1"><v>1</v></row>',
    ],
    ids=["rows out of order", "a row past the sheet's last", "a shared string missing", "a bad reference", "bad XML"],
)
def test_a_sheet_that_is_not_what_it_says_is_refused(tmp_path: Path, body: str) -> None:
    with pytest.raises(BrokenSheet):
        streamed(sheet_file(tmp_path / "s.xlsx", body))


def test_nested_entities_are_refused_not_expanded(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 10))
    root = SHEET_START[SHEET_START.index("<worksheet") :]
    start = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e0 "ha">{entities}]>{root}'
    with pytest.raises(BrokenSheet, match="amplification"):  # expat >= 2.4.1 stops the expansion
        streamed(sheet_file(tmp_path / "s.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is><t>&e9;</t></is></c></row>',
                            start=start))  # fmt: skip


def peak_reading(path: Path) -> int:
    """The most memory allocated at once while every row of ``path`` is read, in bytes."""
    with zipfile.ZipFile(path) as archive:
        tracemalloc.start()
        try:
            for _ in streamed_rows(archive, max_columns=MAX_COLUMNS):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_memory_stays_flat_however_many_rows_the_sheet_has(tmp_path: Path) -> None:
    row = ["张伟", "430102199001010011", "芙蓉区总工会", "本科", "13800000000"] * 2
    few, many = (
        sheet_file(tmp_path / f"{count}.xlsx", "".join(inline_row(number, row) for number in range(1, count + 1)))
        for count in (2_000, 12_000)
    )
    assert peak_reading(many) < 1.5 * peak_reading(few)  # rows read are let go (kept, they would take 6x)


def test_the_shared_strings_and_styles_are_found_through_the_relationships(tmp_path: Path) -> None:
    parts = workbook_parts()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="strings/words.xml"/></Relationships>',
    )
    parts["xl/strings/words.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>\xe5\xa7\x93\xe5\x90\x8d</t>'
        b'<rPh sb="0" eb="1"><t>XING</t></rPh></si></sst>'
    )
    assert streamed(sheet_file(tmp_path / "s.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', parts=parts)) == [
        ["姓名"]
    ]


def test_a_row_too_big_to_hold_is_refused_not_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streamed_sheet, "MAX_ELEMENTS_HELD", 1_000)
    assert streamed(sheet_file(tmp_path / "fits.xlsx", "<row>" + "<c/>" * 900 + "</row>")) == [[""] * MAX_COLUMNS]
    with pytest.raises(BrokenSheet, match="more than 1000 elements"):
        streamed(sheet_file(tmp_path / "s.xlsx", "<row>" + "<c/>" * 1_001 + "</row>"))


def test_a_shared_string_too_big_to_hold_is_refused_not_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streamed_sheet, "MAX_ELEMENTS_HELD", 1_000)
    parts = workbook_parts()
    runs = "<r><t>工</t></r>" * 600  # two elements a run
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>姓名</t></si><si>{runs}</si></sst>'
    ).encode()
    with pytest.raises(BrokenSheet, match="shared string of more than 1000"):
        streamed(sheet_file(tmp_path / "s.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', parts=parts))


def test_rows_outside_any_sheet_data_are_still_read_one_by_one(tmp_path: Path) -> None:
    xml = f"{SHEET_START}{inline_row(1, ['姓名'])}{inline_row(2, ['张伟'])}</worksheet>"
    path = write_xlsx_parts(tmp_path / "s.xlsx", xml.encode())
    assert streamed(path) == [["姓名"], ["张伟"]]


def test_styles_too_big_to_hold_are_refused_not_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streamed_sheet, "MAX_ELEMENTS_HELD", 1_000)
    parts = workbook_parts()
    parts["xl/styles.xml"] = (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>'
        + '<xf numFmtId="14"/>' * 1_001
        + "</cellXfs></styleSheet>"
    ).encode()
    with pytest.raises(BrokenSheet, match="styles of more than 1000"):
        streamed(sheet_file(tmp_path / "s.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>', parts=parts))


def test_a_formula_error_reads_as_a_cell_error_even_where_the_survey_cannot_place_it(tmp_path: Path) -> None:
    body = '<row><c t="inlineStr"><is><t>张伟</t></is></c><c t="e"><f>VLOOKUP(A1,X:Y,2,0)</f><v>#N/A</v></c></row>'
    [[name, error]] = streamed(sheet_file(tmp_path / "s.xlsx", body))
    assert (name, error) == ("张伟", "#N/A")
    assert isinstance(error, CellError)


def test_a_negative_shared_string_is_refused_not_taken_from_the_end_of_the_table(tmp_path: Path) -> None:
    parts = workbook_parts()
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>姓名</t></si></sst>'
    ).encode()
    with pytest.raises(BrokenSheet, match="shared string -1"):
        streamed(sheet_file(tmp_path / "s.xlsx", '<row r="1"><c r="A1" t="s"><v>-1</v></c></row>', parts=parts))
