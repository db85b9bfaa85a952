"""The error report: the rejected rows of a roster, as they were, with the reasons added.

A clerk corrects the rows in the report and uploads it again: it keeps the original header (so it
imports like the original), the original cells, and two added columns (the original row number and
the reasons) that import ignores. Identifier columns are formatted as text, so correcting an ID number
in Excel does not turn it into a number again, and hold their values as the import read them: a phone
stored as the number 13757188922 is written "13757188922" (not "13757188922.0"). A report of a report
gets a fresh pair of added columns in place of the old one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import xlsxwriter

from exchange.standard.text import cell_text
from province_node.rosters.headers import ColumnMap
from province_node.rosters.outcome import RowReason
from province_node.rosters.reading import read_rows

ROW_COLUMN = "原表行号"
REASON_COLUMN = "错误原因"


def reasons_text(reasons: list[RowReason]) -> str:
    """The reasons of one row, one per line."""
    return "\n".join(reason.message for reason in reasons)


def write_error_report(
    source: Path, columns: ColumnMap, rejected: Mapping[int, list[RowReason]], destination: Path
) -> None:
    """Write the rows of ``source`` numbered in ``rejected`` to ``destination`` (.xlsx), streaming."""
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,  # a cell reading "=…" stays the text it was (no formula injection)
        "strings_to_urls": False,
        "default_date_format": "yyyy-mm-dd",  # date cells stay dates, not day numbers
    }
    workbook = xlsxwriter.Workbook(str(destination), options)
    try:
        sheet = workbook.add_worksheet("错误报告")
        header = workbook.add_format({"bold": True, "bg_color": "#FDE9D9", "border": 1})
        text = workbook.add_format({"num_format": "@"})
        wrap = workbook.add_format({"text_wrap": True, "font_color": "#C00000"})
        text_columns = {index for index, column in columns.columns.items() if column.text}
        kept = [index for index, name in enumerate(columns.headers) if name not in (ROW_COLUMN, REASON_COLUMN)]
        width = len(kept)
        sheet.write_row(0, 0, [*(columns.headers[index] for index in kept), ROW_COLUMN, REASON_COLUMN], header)
        sheet.freeze_panes(1, 0)
        sheet.set_column(width + 1, width + 1, 60)
        line = 1
        for number, cells in read_rows(source):
            reasons = rejected.get(number)
            if reasons is None or number <= columns.header_row:
                continue
            for place, index in enumerate(kept):
                cell = cells[index] if index < len(cells) else None
                read = cell_text(cell, "") if index in text_columns and cell is not None and cell != "" else None
                if isinstance(read, str):  # as the import reads it: whole numbers as their digits
                    sheet.write_string(line, place, read, text)
                else:  # as it was, also what no text column can hold (a fraction, a date): the reason says why
                    sheet.write(line, place, cell, text if index in text_columns else None)
            sheet.write_number(line, width, number)
            sheet.write_string(line, width + 1, reasons_text(reasons), wrap)
            line += 1
    finally:
        workbook.close()
