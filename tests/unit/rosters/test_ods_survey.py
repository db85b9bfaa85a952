"""The survey of an .ods table: how far its content reaches with repeated rows and cells counted, while
LibreOffice's empty repeats (to column 1024 and row 1,048,576) count for nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

from province_node.rosters.ods_survey import survey_ods
from province_node.rosters.reading import fits_in_memory
from province_node.rosters.sheet_survey import SheetSurvey
from tests.roster_files import ods_content, ods_row, write_ods_content

HEADER = ["姓名", "民族"]
EMPTY_TO_COLUMN_1024 = '<table:table-cell table:number-columns-repeated="1022"/>'
EMPTY_TO_ROW_1048576 = ods_row([], repeated=1_048_574, after='<table:table-cell table:number-columns-repeated="1024"/>')


def surveyed(path: Path, after: str, *, rows: tuple[list[str], ...] = (HEADER, ["张伟", "汉族"])) -> SheetSurvey:
    write_ods_content(path, ods_content(list(rows), after=after))
    with zipfile.ZipFile(path) as archive:
        return survey_ods(archive)


def test_libreoffice_empty_repeats_to_the_last_row_and_column_do_not_count(tmp_path: Path) -> None:
    saved = "".join(ods_row(row, after=EMPTY_TO_COLUMN_1024) for row in (HEADER, ["张伟", "汉族"]))
    survey = surveyed(tmp_path / "s.ods", saved + EMPTY_TO_ROW_1048576, rows=())
    assert (survey.rows, survey.columns) == (2, 2)
    assert fits_in_memory(survey)


def test_a_value_filled_to_the_bottom_of_the_sheet_reaches_the_last_row(tmp_path: Path) -> None:
    filled = ods_row([None, "汉族"], repeated=1_048_574)
    survey = surveyed(tmp_path / "s.ods", filled)
    assert (survey.rows, survey.columns, survey.far_cell()) == (1_048_576, 2, "B1048576")
    assert not fits_in_memory(survey)


def test_a_value_repeated_across_columns_reaches_its_last_column(tmp_path: Path) -> None:
    wide = ('<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
            "<text:p>x</text:p></table:table-cell></table:table-row>")  # fmt: skip
    survey = surveyed(tmp_path / "s.ods", wide)
    assert (survey.rows, survey.columns) == (3, 16_384)


def test_one_row_of_thousands_of_explicit_cells_among_many_rows_makes_a_grid_too_big(tmp_path: Path) -> None:
    long_row = ods_row(["x"] * 5_000)
    many = ods_row(["张伟", "汉族"], repeated=150_000)
    survey = surveyed(tmp_path / "s.ods", long_row + many)
    assert (survey.rows, survey.columns) == (150_003, 5_000)
    assert not fits_in_memory(survey)


def test_content_after_empty_repeated_cells_and_rows_is_placed_where_they_end(tmp_path: Path) -> None:
    gap = ods_row([], repeated=1_000, after='<table:table-cell table:number-columns-repeated="9"/>')
    late = ods_row([], after='<table:table-cell table:number-columns-repeated="9"/>' + '<table:table-cell '
                   'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>')  # fmt: skip
    survey = surveyed(tmp_path / "s.ods", gap + late)
    assert (survey.rows, survey.columns) == (1_003, 10)


def test_only_the_first_table_is_surveyed(tmp_path: Path) -> None:
    second = '</table:table><table:table table:name="代码">' + ods_row(["x"], repeated=1_000_000)
    survey = surveyed(tmp_path / "s.ods", second)
    assert (survey.rows, survey.columns) == (2, 2)


def test_a_table_inside_a_cell_does_not_end_the_survey_of_the_first(tmp_path: Path) -> None:
    nested = ('<table:table-row><table:table-cell><table:table table:name="内"></table:table></table:table-cell>'
              "</table:table-row>" + ods_row(["x"], repeated=1_000_000))  # fmt: skip
    survey = surveyed(tmp_path / "s.ods", nested)
    assert survey.rows == 1_000_003


def test_a_row_longer_than_a_block_is_counted_across_blocks(tmp_path: Path) -> None:
    long_row = ods_row(["x" * 100] * 20_000)  # about 3 MB of XML: read a megabyte at a time
    survey = surveyed(tmp_path / "s.ods", long_row)
    assert (survey.rows, survey.columns) == (3, 20_000)
