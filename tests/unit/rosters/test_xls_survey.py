"""The survey of an .xls workbook: how far the cells calamine places reach in each sheet (formatted empty cells
and honest DIMENSIONS records count for nothing), and how reading refuses what calamine cannot hold."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from province_node.rosters.reading import SpreadsheetError, fits_in_memory, read_rows
from province_node.rosters.sheet_survey import SheetSurvey
from province_node.rosters.xls_survey import BrokenWorkbook, survey_xls
from tests.roster_files import write_sheet
from tests.unit.rosters.biff_files import (
    CHART,
    Sheet,
    cell,
    dimensions,
    mulblank,
    mulrk,
    number,
    record,
    workbook,
    write_xls,
)

ROSTER = [["姓名", "民族"], ["张伟", "汉族"]]
TO_THE_LAST_ROW: list[list[object]] = [[] for _ in range(65_536 - len(ROSTER) - 1)]  # rows 3 to 65,535, empty


def surveyed(path: Path, *sheets: Sheet) -> list[SheetSurvey]:
    return [sheet.survey for sheet in survey_xls(write_xls(path, workbook(sheets)))]


def refused(path: Path) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as refusal:
        list(read_rows(path))
    return refusal.value


def test_a_roster_saved_by_xlwt_reaches_its_last_row_and_column(tmp_path: Path) -> None:
    [sheet] = survey_xls(write_sheet(tmp_path / "roster.xls", ROSTER))
    assert (sheet.name, sheet.survey.rows, sheet.survey.columns) == ("花名册", 2, 2)
    assert fits_in_memory(sheet.survey)


def test_a_space_left_at_iv65536_reaches_the_whole_sheet(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "stray.xls", [*ROSTER, *TO_THE_LAST_ROW, [None] * 255 + [" "]])
    [sheet] = survey_xls(path)
    assert (sheet.survey.rows, sheet.survey.columns, sheet.survey.far_cell()) == (65_536, 256, "IV65536")
    assert not fits_in_memory(sheet.survey)


def test_empty_cells_formatted_to_iv65536_count_for_nothing(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "formatted.xls", [*ROSTER, *TO_THE_LAST_ROW, [""] * 256])  # BLANK and MULBLANK
    [sheet] = survey_xls(path)
    assert (sheet.survey.rows, sheet.survey.columns) == (2, 2)


@pytest.mark.parametrize(
    "kind",
    [0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E],
    ids=["formula", "rstring", "labelsst", "number", "label", "boolerr", "rk"],
)
def test_each_kind_of_value_record_reaches_its_cell(tmp_path: Path, kind: int) -> None:
    [survey] = surveyed(tmp_path / "s.xls", Sheet("S", number(0, 0) + cell(kind, 999, 9, bytes(16))))
    assert (survey.rows, survey.columns) == (1_000, 10)


def test_a_mulrk_reaches_its_last_column(tmp_path: Path) -> None:
    [survey] = surveyed(tmp_path / "s.xls", Sheet("S", mulrk(4, 250, 6)))
    assert (survey.rows, survey.columns) == (5, 256)


def test_a_blank_and_a_mulblank_at_the_far_corner_count_for_nothing(tmp_path: Path) -> None:
    blanks = cell(0x0201, 65_535, 255, bytes(2)) + mulblank(65_535, 0, 255)
    [survey] = surveyed(tmp_path / "s.xls", Sheet("S", number(1, 1) + blanks))
    assert (survey.rows, survey.columns) == (2, 2)


def test_a_column_past_iv_counts_as_far_as_it_goes(tmp_path: Path) -> None:
    [survey] = surveyed(tmp_path / "s.xls", Sheet("S", number(0, 0) + number(60_000, 65_535)))
    assert (survey.rows, survey.columns) == (60_001, 65_536)  # calamine would ask for 125 GB and abort
    assert not fits_in_memory(survey)


def test_an_honest_dimensions_record_for_the_whole_sheet_counts_for_nothing(tmp_path: Path) -> None:
    [survey] = surveyed(tmp_path / "s.xls", Sheet("S", dimensions(0, 65_536, 0, 256) + number(1, 1)))
    assert (survey.rows, survey.columns, survey.plain) == (2, 2, True)


@pytest.mark.parametrize(
    "claim",
    [(100, 1, 0, 256), (0, 65_536, 0, 65_535), (0, 4_000_000_000, 0, 2)],
    ids=["ending-before-it-starts", "past-column-iv", "past-row-65536"],
)
def test_a_dimensions_record_claiming_more_than_a_sheet_holds_makes_it_not_plain(
    tmp_path: Path, claim: tuple[int, int, int, int]
) -> None:
    [survey] = surveyed(tmp_path / "s.xls", Sheet("S", dimensions(*claim) + number(1, 1)))
    assert not survey.plain  # calamine would reserve room for it, fail, and abort


def test_every_sheet_is_surveyed_in_order_a_chart_sheet_first_too(tmp_path: Path) -> None:
    sheets = survey_xls(write_xls(tmp_path / "s.xls", workbook([
        Sheet("图表", number(0, 0) + number(65_535, 255), kind=CHART), Sheet("花名册", number(1, 1))
    ])))  # fmt: skip
    assert [(sheet.name, sheet.survey.rows, sheet.survey.columns) for sheet in sheets] == [
        ("图表", 65_536, 256),
        ("花名册", 2, 2),
    ]


def test_cells_after_the_sheets_eof_are_not_counted(tmp_path: Path) -> None:
    after_eof = number(1, 1) + record(0x000A) + number(65_535, 255)  # calamine stops at the first EOF too
    [survey] = surveyed(tmp_path / "s.xls", Sheet("S", after_eof))
    assert (survey.rows, survey.columns) == (2, 2)


def test_an_encrypted_workbook_has_no_sheet_to_survey(tmp_path: Path) -> None:
    filepass = record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))  # RC4: calamine refuses the password
    stream = workbook([Sheet("S", number(0, 0) + number(65_535, 255))], globals_records=filepass)
    assert survey_xls(write_xls(tmp_path / "s.xls", stream)) == []


def test_a_record_running_past_the_end_of_the_stream_breaks_the_workbook(tmp_path: Path) -> None:
    too_long = struct.pack("<HHHH", 0x0203, 60_000, 1, 1)  # a NUMBER said to be 60,000 bytes long
    with pytest.raises(BrokenWorkbook):
        surveyed(tmp_path / "s.xls", Sheet("S", number(1, 1) + too_long))


def test_a_sheet_said_to_start_past_the_end_of_the_stream_breaks_the_workbook(tmp_path: Path) -> None:
    stream = workbook([Sheet("S", number(1, 1))])
    start = stream.index(b"\x85\x00") + 4  # the BOUNDSHEET's offset of its sheet
    stream = stream[:start] + struct.pack("<I", 1 << 30) + stream[start + 4 :]
    with pytest.raises(BrokenWorkbook):
        survey_xls(write_xls(tmp_path / "s.xls", stream))


def test_a_file_olefile_cannot_read_breaks_the_workbook(tmp_path: Path) -> None:
    path = tmp_path / "s.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"\x01\x02" * 2000)
    with pytest.raises(BrokenWorkbook):
        survey_xls(path)


def test_reading_refuses_a_sheet_reaching_iv65536_naming_the_sheet_and_the_corner(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "stray.xls", [*ROSTER, *TO_THE_LAST_ROW, [None] * 255 + [" "]])
    refusal = refused(path)
    assert refusal.code == "SHEET_TOO_LARGE"
    assert "工作表“花名册”的内容一直延伸到第 65536 行、第 256 列（IV65536）" in refusal.message
    assert "删除多余的行和列" in refusal.message
    assert "另存为 .xlsx" in refusal.message


def test_reading_refuses_sheets_that_fit_alone_but_not_together(tmp_path: Path) -> None:
    part = number(0, 0) + number(65_535, 29)  # 2.0 million cells each: calamine holds every sheet at once
    write_xls(tmp_path / "s.xls", workbook([Sheet("花名册", number(1, 1)), Sheet("代码", part), Sheet("备份", part)]))
    refusal = refused(tmp_path / "s.xls")
    assert refusal.code == "SHEET_TOO_LARGE"
    assert "3 个工作表合计有 3932164 个单元格" in refusal.message


def test_reading_refuses_an_xls_sheet_that_an_xlsx_could_hold_since_calamine_holds_it_twice(tmp_path: Path) -> None:
    wide = number(0, 0) + number(65_535, 59)  # 3.9 million cells: within the .xlsx bound, not the .xls one
    assert fits_in_memory(SheetSurvey(rows=65_536, columns=60))
    write_xls(tmp_path / "s.xls", workbook([Sheet("花名册", wide)]))
    refusal = refused(tmp_path / "s.xls")
    assert refusal.code == "SHEET_TOO_LARGE"
    assert "第 65536 行、第 60 列（BH65536）" in refusal.message
    assert "3200000 个单元格" in refusal.message


def test_the_largest_xls_roster_fits(tmp_path: Path) -> None:
    widest = number(0, 0) + number(65_535, 47)  # every row of an .xls, 48 columns
    write_xls(tmp_path / "s.xls", workbook([Sheet("花名册", widest)]))
    assert len(list(read_rows(tmp_path / "s.xls"))) == 2


def test_reading_refuses_a_lying_dimensions_record_as_a_corrupt_file(tmp_path: Path) -> None:
    write_xls(tmp_path / "s.xls", workbook([Sheet("S", dimensions(100, 1, 0, 256) + number(1, 1))]))
    assert refused(tmp_path / "s.xls").code == "FILE_CORRUPT"


def test_reading_refuses_a_broken_record_as_a_corrupt_file(tmp_path: Path) -> None:
    write_xls(tmp_path / "s.xls", workbook([Sheet("S", number(1, 1) + record(0x0203, b"\x01"))]))
    refusal = refused(tmp_path / "s.xls")
    assert refusal.code == "FILE_CORRUPT"
    assert refusal.message == "文件已损坏或不是有效的 xls 表格，无法读取；请用 Excel 或 WPS 重新保存后上传"


def test_reading_refuses_a_record_calamine_trips_over_as_a_corrupt_file_not_a_panic(tmp_path: Path) -> None:
    merged = record(0x00E5, struct.pack("<H", 5))  # five merged ranges said, none there: calamine panics
    write_xls(tmp_path / "s.xls", workbook([Sheet("S", number(1, 1) + merged)]))
    assert refused(tmp_path / "s.xls").code == "FILE_CORRUPT"


def test_reading_still_recognises_an_encrypted_workbook(tmp_path: Path) -> None:
    filepass = record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))
    write_xls(tmp_path / "s.xls", workbook([Sheet("S", number(1, 1))], globals_records=filepass))
    assert refused(tmp_path / "s.xls").code == "FILE_ENCRYPTED"
