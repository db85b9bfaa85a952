"""Files built to hurt the reader or written carelessly, found in review: a stray cell at the far corner of a
sheet, broken XML past the streamed reader's start, formula errors, members after thousands of empty rows,
an .ods column filled to the bottom of the sheet, an .xls with a space left at its last cell, an archive whose
local header names its sheet otherwise than its directory does.
Each is read for what the clerk meant or refused with a code and a Chinese message, memory bounded."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from province_node.rosters.outcome import ImportMode
from province_node.rosters.reading import SpreadsheetError
from tests.integration.province_node.world import World
from tests.integration.rosters.importing import people, run_import, written_counts
from tests.roster_files import (
    HUNAN_HEADERS,
    SHEET_START,
    inline_row,
    member_record,
    ods_content,
    ods_row,
    write_ods_content,
    write_sheet,
    write_xlsx_parts,
)

pytestmark = pytest.mark.anyio

HEADERS = HUNAN_HEADERS[1:]  # without 序号: every cell is text


def sheet_of(world: World, path: Path, count: int, *, dimension: str | None = None, after: str = "",
             first_row: int = 2, end: str = "</sheetData></worksheet>") -> Path:  # fmt: skip
    """A hand-built .xlsx: the header, ``count`` Furong members from ``first_row`` on, then ``after`` and ``end``."""
    lines = [inline_row(1, HEADERS)]
    for number, person in enumerate(people(world, count), start=first_row):
        record = member_record(person, world.furong_unit.name, world.furong_union.name)
        lines.append(inline_row(number, [str(record[name]) for name in HEADERS]))
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    xml = f"{SHEET_START}{declared}<sheetData>{''.join(lines)}{after}{end}"
    return write_xlsx_parts(path, xml.encode())


def peak_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def test_a_space_left_at_the_last_cell_of_a_sheet_without_dimension_neither_kills_nor_stops_the_import(
    world: World, tmp_path: Path
) -> None:
    stray = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t> </t></is></c></row>'
    path = sheet_of(world, tmp_path / "stray.xlsx", 1, after=stray)
    before = peak_megabytes()
    summary = await run_import(world, path, world.furong)
    assert (summary.created, summary.rejected) == (1, {})
    assert peak_megabytes() - before < 200  # calamine would have asked for 512 GB and aborted the process


async def test_a_cell_naming_the_far_corner_inside_an_early_row_under_a_small_dimension_is_read_streamed(
    world: World, tmp_path: Path
) -> None:
    stray = '<row r="3"><c r="XFD1048576" t="inlineStr"><is><t> </t></is></c></row>'
    path = sheet_of(world, tmp_path / "lying.xlsx", 1, dimension="A1:J2", after=stray)
    summary = await run_import(world, path, world.furong)
    assert (summary.created, summary.rejected) == (1, {})


def renamed_in_its_local_header(path: Path, part: str) -> Path:
    """``path`` with ``part`` named otherwise (same length) in its local header only, its directory entry
    unchanged: Python's zipfile refuses to read that part, calamine's zip reader reads it all the same."""
    data = path.read_bytes()
    name = part.encode()
    at = data.find(name)  # the local header comes before the central directory
    path.write_bytes(data[:at] + name[:-5] + b"X.xml" + data[at + len(name) :])
    return path


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
async def test_an_archive_the_survey_cannot_read_through_is_refused_as_corrupt_not_read_unsurveyed(
    world: World, tmp_path: Path, kind: str
) -> None:
    if kind == "xlsx":
        path = renamed_in_its_local_header(sheet_of(world, tmp_path / "r.xlsx", 1), "xl/worksheets/sheet1.xml")
    else:
        written = write_ods_content(tmp_path / "r.ods", ods_content([ods_row(list(HEADERS))]))
        path = renamed_in_its_local_header(written, "content.xml")
    before = await written_counts(world.tenant)
    with pytest.raises(SpreadsheetError) as refused:
        await run_import(world, path, world.furong)
    assert refused.value.code == "FILE_CORRUPT"
    assert "重新保存" in refused.value.message
    assert await written_counts(world.tenant) == before


@pytest.mark.parametrize("mode", [ImportMode.ALL_OR_NOTHING, ImportMode.ACCEPT_VALID])
async def test_broken_xml_in_a_sheet_too_big_for_memory_is_refused_as_corrupt_and_nothing_is_written(
    world: World, tmp_path: Path, mode: ImportMode
) -> None:
    far = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'  # the sheet is streamed, not held
    path = sheet_of(world, tmp_path / "broken.xlsx", 2, after=far, end="<row r=")
    before = await written_counts(world.tenant)
    with pytest.raises(SpreadsheetError) as refused:
        await run_import(world, path, world.furong, mode=mode, report=tmp_path / "report.xlsx")
    assert refused.value.code == "FILE_CORRUPT"
    assert "损坏" in refused.value.message
    assert await written_counts(world.tenant) == before
    assert not (tmp_path / "report.xlsx").exists()


async def test_a_member_after_ten_thousand_empty_rows_is_imported_not_dropped(world: World, tmp_path: Path) -> None:
    path = sheet_of(world, tmp_path / "gap.xlsx", 1, first_row=10_003)
    summary = await run_import(world, path, world.furong)
    assert (summary.rows, summary.created, summary.rejected) == (1, 1, {})


async def test_a_cached_na_in_the_unit_column_is_refused_as_a_formula_error_naming_the_column(
    world: World, tmp_path: Path
) -> None:
    column = chr(65 + HEADERS.index("所属单位"))
    error = f'<row r="3"><c r="A3" t="inlineStr"><is><t>张伟</t></is></c><c r="{column}3" t="e"><f>VLOOKUP(A3,X:Y,2,0)</f><v>#N/A</v></c></row>'  # noqa: E501
    path = sheet_of(world, tmp_path / "na.xlsx", 1, after=error)
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert summary.created == 1
    [reason] = summary.rejected[3]
    assert (reason.field, reason.code) == ("unit", "FORMULA_ERROR")
    assert "“所属单位”一栏的公式计算出错（#N/A）" in reason.message


async def test_a_cached_na_in_a_sheet_without_cell_references_is_refused_as_a_formula_error(
    world: World, tmp_path: Path
) -> None:
    unit = HEADERS.index("所属单位")  # cells without references sit one after another: the sheet is streamed
    cells = '<c t="inlineStr"><is><t>张伟</t></is></c>' + "<c/>" * (unit - 1) + '<c t="e"><v>#N/A</v></c>'
    path = sheet_of(world, tmp_path / "na.xlsx", 1, after=f'<row r="3">{cells}</row>')
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert summary.created == 1
    assert ("unit", "FORMULA_ERROR") in {(reason.field, reason.code) for reason in summary.rejected[3]}


async def test_a_row_of_nothing_but_ref_errors_is_refused_not_skipped(world: World, tmp_path: Path) -> None:
    cells = "".join(f'<c r="{chr(65 + index)}3" t="e"><v>#REF!</v></c>' for index in range(len(HEADERS)))
    path = sheet_of(world, tmp_path / "ref.xlsx", 1, after=f'<row r="3">{cells}</row>')
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert summary.rows == 2
    assert {reason.code for reason in summary.rejected[3]} == {"FORMULA_ERROR"}
    assert len(summary.rejected[3]) == len(HEADERS)


def libreoffice_ods(world: World, path: Path, count: int, *, after: str = "") -> Path:
    """An .ods of the header and ``count`` Furong members as LibreOffice saves it: each row ends with an empty
    cell repeated to column 1024 and the table with empty rows repeated to row 1,048,576, or with ``after``."""
    to_column_1024 = f'<table:table-cell table:number-columns-repeated="{1024 - len(HEADERS)}"/>'
    rows = [ods_row(HEADERS, after=to_column_1024)]
    for person in people(world, count):
        record = member_record(person, world.furong_unit.name, world.furong_union.name)
        rows.append(ods_row([str(record[name]) for name in HEADERS], after=to_column_1024))
    empty = '<table:table-cell table:number-columns-repeated="1024"/>'
    to_row_1048576 = "" if after else ods_row([], repeated=1_048_576 - 1 - count, after=empty)
    return write_ods_content(path, ods_content([], after="".join(rows) + after + to_row_1048576))


async def test_an_ods_saved_by_libreoffice_with_its_empty_repeats_to_the_last_row_imports(
    world: World, tmp_path: Path
) -> None:
    summary = await run_import(world, libreoffice_ods(world, tmp_path / "saved.ods", 2), world.furong)
    assert (summary.rows, summary.created, summary.rejected) == (2, 2, {})


async def refused_within_memory(world: World, path: Path, tmp_path: Path) -> SpreadsheetError:
    """The refusal of importing ``path``, having taken under 100 MB more and written nothing, no report either."""
    before, peak = await written_counts(world.tenant), peak_megabytes()
    with pytest.raises(SpreadsheetError) as refused:
        await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID, report=tmp_path / "report.xlsx")
    assert peak_megabytes() - peak < 100
    assert await written_counts(world.tenant) == before
    assert not (tmp_path / "report.xlsx").exists()
    return refused.value


async def test_an_ods_with_a_column_filled_to_the_bottom_is_refused_at_once_and_nothing_is_written(
    world: World, tmp_path: Path
) -> None:
    column = HEADERS.index("民族")
    filled = ods_row([None] * column + ["汉族"], repeated=1_048_574)  # one tag: what LibreOffice saves
    path = libreoffice_ods(world, tmp_path / "filled.ods", 1, after=filled)
    refused = await refused_within_memory(world, path, tmp_path)  # it took 351 s and 4.2 GB
    assert refused.code == "SHEET_TOO_LARGE"
    assert "第 1048576 行" in refused.message
    assert "填充到了表格最底部" in refused.message
    assert "删除多余的行" in refused.message
    assert ".xlsx" in refused.message


def xls_roster(world: World, path: Path, count: int, *, last_row: list[object]) -> Path:
    """An .xls as Excel 97-2003 saves it (xlwt): the header, ``count`` Furong members, then nothing down to
    row 65,536 but ``last_row``."""
    rows: list[list[object]] = [list(HEADERS)]
    for person in people(world, count):
        record = member_record(person, world.furong_unit.name, world.furong_union.name)
        rows.append([str(record[name]) for name in HEADERS])
    return write_sheet(path, [*rows, *([] for _ in range(65_535 - len(rows))), last_row])


async def test_an_xls_with_a_space_left_at_iv65536_is_refused_at_once_and_nothing_is_written(
    world: World, tmp_path: Path
) -> None:
    path = xls_roster(world, tmp_path / "stray.xls", 1, last_row=[None] * 255 + [" "])
    refused = await refused_within_memory(world, path, tmp_path)  # calamine held 1 GB for this 6 KB file
    assert refused.code == "SHEET_TOO_LARGE"
    assert "第 65536 行、第 256 列（IV65536）" in refused.message
    assert "删除多余的行" in refused.message
    assert ".xlsx" in refused.message


async def test_an_xls_with_its_empty_cells_formatted_down_to_iv65536_imports_its_members(
    world: World, tmp_path: Path
) -> None:
    path = xls_roster(world, tmp_path / "formatted.xls", 2, last_row=[""] * 256)  # BLANK and MULBLANK records
    summary = await run_import(world, path, world.furong)
    assert (summary.rows, summary.created) == (2, 2)
    assert not summary.rejected
