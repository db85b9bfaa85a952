"""The error report: the rejected rows of a roster, as they were, with the reasons added.

A clerk corrects the rows in the report and uploads it again: it keeps the original header (so it
imports like the original), the original cells, and two added columns (the original row number and
the reasons) that import ignores. Identifier columns are formatted as text, so correcting an ID number
in Excel does not turn it into a number again.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import xlsxwriter

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
        width = len(columns.headers)
        sheet.write_row(0, 0, [*columns.headers, ROW_COLUMN, REASON_COLUMN], header)
        sheet.freeze_panes(1, 0)
        sheet.set_column(width + 1, width + 1, 60)
        line = 1
        for number, cells in read_rows(source):
            reasons = rejected.get(number)
            if reasons is None or number <= columns.header_row:
                continue
            for index, cell in enumerate(cells[:width]):
                if index in text_columns and cell is not None and cell != "":
                    sheet.write_string(line, index, cell if isinstance(cell, str) else repr(cell), text)
                else:
                    sheet.write(line, index, cell)
            sheet.write_number(line, width, number)
            sheet.write_string(line, width + 1, reasons_text(reasons), wrap)
            line += 1
    finally:
        workbook.close()
