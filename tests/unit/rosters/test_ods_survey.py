"""The survey of an .ods table: how far its content reaches with repeated rows and cells counted, while
LibreOffice's empty repeats (to column 1024 and row 1,048,576) count for nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Final
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

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


def test_a_quoted_greater_than_sign_does_not_end_a_row_tag(tmp_path: Path) -> None:
    row = ods_row(["汉族"]).replace(
        "<table:table-row>", '<table:table-row table:style-name="a>b" table:number-rows-repeated="5">'
    )
    survey = surveyed(tmp_path / "s.ods", row)
    assert (survey.rows, survey.columns) == (7, 2)


def test_a_row_tag_with_a_stray_lt_is_counted_with_its_repeats_as_calamine_reads_it(tmp_path: Path) -> None:
    row = ods_row(["汉族"]).replace("<table:table-row>", '<table:table-row table:number-rows-repeated="1048574" x<y>')
    survey = surveyed(tmp_path / "s.ods", row)
    assert (survey.rows, survey.columns) == (1_048_576, 2)


# Thousands of tags that never end: when a regex failing at each of them scanned again to the end of the
# table, each of these tests took over 20 s.
def test_row_tags_that_never_end_leave_the_table_unsurveyed(tmp_path: Path) -> None:
    survey = surveyed(tmp_path / "s.ods", "<table:table-row x" * 5_000)
    assert not survey.plain
    assert not fits_in_memory(survey)


def test_cell_tags_that_never_end_leave_the_table_unsurveyed(tmp_path: Path) -> None:
    cells = '<table:table-cell table:number-columns-repeated="2"/>' + "<table:table-cell x" * 5_000
    survey = surveyed(tmp_path / "s.ods", f'<table:table-row>{cells} office:value="1"</table:table-row>')
    assert not survey.plain


TABLE: Final = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
CELL_TAGS: Final = (f"{TABLE}table-cell", f"{TABLE}covered-table-cell")
# What a cell may hold: nothing, a typed value, text alone, or text that merely says "value" (which the survey
# counts as content too, and so does the reference below).
CELL_CONTENTS: Final = (
    "",
    ' office:value-type="string"><text:p>张伟</text:p>',
    ' office:value-type="float" office:value="3"><text:p>3</text:p>',
    ' office:value-type="date" office:date-value="2026-11-22"><text:p>2026-11-22</text:p>',
    "><text:p>无类型</text:p>",
    "><text:p>value</text:p>",
)


@st.composite
def cells(draw: st.DrawFn) -> str:
    """One cell or covered cell, perhaps repeated across columns (an empty one up to LibreOffice's 1024)."""
    name = draw(st.sampled_from(["table:table-cell", "table:covered-table-cell"]))
    repeated = draw(st.sampled_from([None, 0, 1, 2, 3, 1_000]))
    attribute = "" if repeated is None else f' table:number-columns-repeated="{repeated}"'
    content = draw(st.sampled_from(CELL_CONTENTS))
    return f"<{name}{attribute}{content}</{name}>" if content else f"<{name}{attribute}/>"


@st.composite
def rows(draw: st.DrawFn) -> str:
    """One row, perhaps repeated, perhaps empty (``<table:table-row/>``), perhaps in a header or group wrapper."""
    repeated = draw(st.sampled_from([None, 0, 1, 2, 5, 1_048_000]))
    attributes = ' table:style-name="ro1"' + ("" if repeated is None else f' table:number-rows-repeated="{repeated}"')
    row_cells = draw(st.lists(cells(), max_size=6))
    if row_cells:
        row = f"<table:table-row{attributes}>{''.join(row_cells)}</table:table-row>"
    else:
        row = f"<table:table-row{attributes}/>"
    wrapper = draw(st.sampled_from([None, "table:table-header-rows", "table:table-row-group"]))
    return f"<{wrapper}>{row}</{wrapper}>" if wrapper else row


def archive_of(content: str) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return zipfile.ZipFile(buffer)


def parsed_reach(content: str) -> tuple[int, int]:
    """How far the first table's content reaches, counted on the parsed XML, one row and cell at a time."""
    table = next(ElementTree.fromstring(content).iter(f"{TABLE}table"))  # noqa: S314 - XML this test wrote
    row_count = last_row = far_column = 0
    for row in table.iter(f"{TABLE}table-row"):
        column = 0
        for cell in (child for child in row if child.tag in CELL_TAGS):
            column += max(int(cell.get(f"{TABLE}number-columns-repeated", "1")), 1)
            if any("value" in name for name in cell.attrib) or "value" in "".join(cell.itertext()):
                far_column = max(far_column, column)
                last_row = row_count + max(int(row.get(f"{TABLE}number-rows-repeated", "1")), 1)
        row_count += max(int(row.get(f"{TABLE}number-rows-repeated", "1")), 1)
    return last_row, far_column


@given(table_rows=st.lists(rows(), max_size=8), block_bytes=st.integers(min_value=1, max_value=300))
def test_a_table_is_surveyed_as_a_parser_counts_it_whatever_blocks_cut_its_tags(
    table_rows: list[str], block_bytes: int
) -> None:
    content = ods_content([], after="".join(table_rows))
    survey = survey_ods(archive_of(content), block_bytes=block_bytes)
    assert (survey.rows, survey.columns) == parsed_reach(content)
