"""The survey of an .xlsx sheet: how far its cells reach whatever its dimension says, and which sheet is first."""

from __future__ import annotations

import zipfile
from pathlib import Path

from province_node.rosters.reading import fits_in_memory
from province_node.rosters.sheet_survey import SHORT_REACH, SheetSurvey, survey_sheet
from province_node.rosters.xlsx_parts import first_sheet
from tests.roster_files import SHEET_START, inline_row, workbook_parts, write_xlsx_parts


def surveyed(path: Path, body: str, dimension: str = "") -> SheetSurvey:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    write_xlsx_parts(path, f"{SHEET_START}{declared}<sheetData>{body}</sheetData></worksheet>".encode())
    with zipfile.ZipFile(path) as archive:
        return survey_sheet(archive)


def test_a_far_cell_under_a_small_dimension_is_found_and_the_sheet_is_not_held_in_memory(tmp_path: Path) -> None:
    survey = surveyed(tmp_path / "s.xlsx", inline_row(1, ["姓名"]) + '<row r="2"><c r="XFD1048576"><v>1</v></c></row>',
                      "A1:A2")  # fmt: skip
    assert (survey.rows, survey.columns, survey.far_cell()) == (1_048_576, 16_384, "XFD1048576")
    assert not fits_in_memory(survey)


def test_a_huge_dimension_over_two_rows_does_not_send_the_sheet_to_the_slow_reader(tmp_path: Path) -> None:
    survey = surveyed(tmp_path / "s.xlsx", inline_row(1, ["姓名", "手机号码"]) + inline_row(2, ["张伟", "1"]),
                      "A1:XFD1048576")  # fmt: skip
    assert survey.plain
    assert fits_in_memory(survey)
    assert survey.rows <= SHORT_REACH[0]  # short references are only bounded, not read one by one
    assert survey.columns <= SHORT_REACH[1]


def test_cells_without_references_make_a_sheet_whose_size_cannot_be_trusted(tmp_path: Path) -> None:
    survey = surveyed(tmp_path / "s.xlsx", "<row>" + "<c/>" * 100 + "<c><v>1</v></c></row>")
    assert not survey.plain
    assert not fits_in_memory(survey)


def test_the_first_sheet_is_the_first_of_the_workbook_not_the_part_named_sheet1(tmp_path: Path) -> None:
    parts = workbook_parts()
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'r:id="rId1"', b'r:id="rId2"')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        b'Target="worksheets/sheet1.xml"',
        b'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        b'Target="worksheets/sheet2.xml"',
    )
    parts["xl/worksheets/sheet2.xml"] = b"<worksheet/>"
    path = write_xlsx_parts(tmp_path / "s.xlsx", b"<worksheet/>", parts=parts)
    with zipfile.ZipFile(path) as archive:
        assert first_sheet(archive) == "xl/worksheets/sheet2.xml"


def test_formula_errors_are_found_with_their_cell_and_text(tmp_path: Path) -> None:
    row = '<row r="2"><c r="B2" t="e"><f>VLOOKUP(1,C:C,2,0)</f><v>#N/A</v></c><c r="C2" t="e"><v>#REF!</v></c></row>'
    survey = surveyed(tmp_path / "s.xlsx", inline_row(1, ["姓名"]) + row)
    assert survey.error_cells == {(2, 1): "#N/A", (2, 2): "#REF!"}


def test_a_sheet_past_row_99999_is_measured_to_its_last_row(tmp_path: Path) -> None:
    survey = surveyed(tmp_path / "s.xlsx", inline_row(1, ["姓名"]) + inline_row(123_456, ["张伟"]))
    assert (survey.rows, survey.plain) == (123_456, True)


def test_a_reference_past_row_9999999_is_not_taken_as_a_cell_position(tmp_path: Path) -> None:
    survey = surveyed(tmp_path / "s.xlsx", inline_row(1, ["姓名"]) + '<row r="2"><c r="A12345678"><v>1</v></c></row>')
    assert not fits_in_memory(survey)


def test_a_lower_case_reference_is_not_taken_for_a_short_one(tmp_path: Path) -> None:
    survey = surveyed(tmp_path / "s.xlsx", inline_row(1, ["姓名"]) + '<row r="2"><c r="xfd1048576"><v>1</v></c></row>')
    assert not fits_in_memory(survey)
