"""Reading back the workbooks the node writes, with openpyxl (which sees formats and data validations)."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from province_node.rosters.layouts import Layout

RED = "FFC00000"
_RANGE = re.compile(r"^'?(?P<sheet>[^'!]+)'?!\$(?P<column>[A-Z]+)\$(?P<first>\d+):\$[A-Z]+\$(?P<last>\d+)$")


def open_workbook(source: Path | str | bytes) -> Workbook:
    """A workbook from a file or the bytes of one."""
    return openpyxl.load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)


def data_sheet(book: Workbook) -> Worksheet:
    """The first sheet, where the roster is."""
    sheet = book.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def headers(sheet: Worksheet) -> list[str]:
    """The texts of the header row."""
    return [str(cell.value) for cell in sheet[1] if cell.value is not None]


def column_letters(sheet: Worksheet) -> dict[str, str]:
    """Header -> column letter."""
    return {str(cell.value): str(cell.column_letter) for cell in sheet[1] if cell.value is not None}


def records(sheet: Worksheet) -> list[dict[str, Any]]:
    """The data rows as header -> value (empty cells left out)."""
    names = headers(sheet)
    found = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if all(value is None for value in row):
            continue
        found.append({name: value for name, value in zip(names, row, strict=False) if value is not None})
    return found


def cells_by_header(sheet: Worksheet, row: int) -> dict[str, Cell]:
    """The cells of a row (1-based) by header, to look at their formats."""
    names = headers(sheet)
    return {name: cell for name, cell in zip(names, sheet[row], strict=False) if isinstance(cell, Cell)}


def drop_downs(book: Workbook) -> dict[str, list[str]]:
    """Header -> the labels its drop-down offers, resolved through the code sheet the validation points to."""
    sheet = data_sheet(book)
    letters = {letter: name for name, letter in column_letters(sheet).items()}
    found: dict[str, list[str]] = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list", validation
        match = _RANGE.match(str(validation.formula1))
        assert match, validation.formula1
        source = book[match["sheet"]]
        first, last = int(match["first"]), int(match["last"])
        labels = [str(source[f"{match['column']}{row}"].value) for row in range(first, last + 1)]
        for cell_range in validation.sqref.ranges:
            assert (cell_range.min_row, cell_range.max_row) == (2, 1_048_576), cell_range
            found[letters[cell_range.coord.split(":")[0].rstrip("0123456789")]] = labels
    return found


def column_number_formats(sheet: Worksheet) -> dict[str, str]:
    """Header -> the number format of its whole column (adjacent alike columns share one definition)."""
    by_index: dict[int, str] = {}
    for dimension in sheet.column_dimensions.values():
        if dimension.min is not None and dimension.max is not None:
            for index in range(dimension.min, dimension.max + 1):
                by_index[index] = str(dimension.number_format)
    return {str(cell.value): by_index.get(cell.column, "General") for cell in sheet[1] if cell.value is not None}


def is_red(cell: Cell) -> bool:
    """True when the cell's font is the red of required headers."""
    color = cell.font.color if cell.font else None
    return color is not None and isinstance(color.rgb, str) and color.rgb == RED


def as_record(layout: Layout, row: dict[str, Any]) -> dict[str, object]:
    """A read-back row as the record an importer would build: field -> value, dates as dates."""
    record: dict[str, object] = {}
    for header, value in row.items():
        column = layout.column_for(header)
        assert column is not None, header
        if column.imported:
            record[column.field] = value.date() if isinstance(value, datetime.datetime) else value
    return record
