"""A roster workbook (.xlsx) written with xlsxwriter: the data sheet of one layout, its instructions, its code lists.

Templates and exports share it, so a filled template and an export look the same and read back the same:

- the data sheet (first, active): one header row with the layout's exact headers (required ones in red),
  frozen; identifier columns formatted as text (``@``) and date columns as ``yyyy-mm-dd`` for the whole
  column, so what a clerk types later keeps its form; a drop-down on every coded column;
- ``填写说明``: what each column means and how to fill it, in Chinese (``instructions``);
- ``代码表`` (hidden): the labels of every code list the layout uses, one column per list, which the
  drop-downs reference (the country list alone has 249 labels, far over Excel's 255-character inline limit).

Rows are written in order, so the same code serves xlsxwriter's ``constant_memory`` mode (one row in
memory at a time) for exports of any size. Coded values are given as codes and written as labels.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import IO, Final, Literal, Self

from xlsxwriter import Workbook
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from exchange.standard import Profile, code_list
from province_node.rosters.instructions import column_guide, write_instructions
from province_node.rosters.layouts import Column, Layout

CODE_SHEET: Final = "代码表"
INSTRUCTIONS_SHEET: Final = "填写说明"
LAST_ROW: Final = 1_048_575  # the last row of a worksheet (zero-based): formats and drop-downs cover whole columns
TEXT_FORMAT: Final = "@"
DATE_FORMAT: Final = "yyyy-mm-dd"
# Codes shown first in a drop-down (the default value, so the common choice is at the top).
FIRST_IN_LIST: Final = {"country": "CHN", "id_type": "01"}
_REQUIRED_COLOUR: Final = "#C00000"
_HEADER_FILL: Final = "#F2F2F2"

Target = str | os.PathLike[str] | IO[bytes]


class RosterWriteError(Exception):
    """The workbook could not be written (xlsxwriter refused a cell or the file); the message says why."""


def display_width(text: str) -> int:
    """How many character widths ``text`` takes in a cell: two for each Chinese (wide) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def drop_down_labels(list_name: str) -> list[str]:
    """The labels a drop-down offers, in the list's order with its default first."""
    entries = list(code_list(list_name))
    first = FIRST_IN_LIST.get(list_name)
    entries.sort(key=lambda entry: entry.code != first)  # stable: only the default moves
    return [entry.label for entry in entries]


def column_width(column: Column) -> float:
    """A width that shows the header and a typical value whole."""
    if column.code_list:
        typical = min(max(display_width(label) for label in drop_down_labels(column.code_list)), 24)
    elif column.date:
        typical = 12
    elif column.text:
        typical = 22
    elif column.field in {"sequence", "unit.employeeCount", "union.memberCount"}:
        typical = 6
    else:
        typical = 18
    return max(display_width(column.header), typical) + 2


def _check(result: int, what: str) -> None:
    if result < 0:
        raise RosterWriteError(f"xlsxwriter refused to write {what} (code {result})")


class RosterWorkbook:
    """A workbook of one layout being written: set up on creation, rows added with ``write_row``.

    Use it as a context manager: leaving closes it (writing the file), also when an error is leaving,
    so xlsxwriter's temporary files never linger; the caller then discards the incomplete file.
    """

    def __init__(
        self,
        target: Target,
        layout: Layout,
        profile: Profile,
        columns: Sequence[Column],
        required: frozenset[str],
        *,
        constant_memory: bool,
    ) -> None:
        self.layout = layout
        self.columns = tuple(columns)
        self.required = required
        self.rows_written = 0
        self._closed = False
        self._book = Workbook(
            target,
            {
                "constant_memory": constant_memory,
                "strings_to_formulas": False,  # a value starting with "=" stays text (no formula injection)
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._text = self._book.add_format({"num_format": TEXT_FORMAT})
        self._date = self._book.add_format({"num_format": DATE_FORMAT})
        self.sheet = self._book.add_worksheet(layout.title)
        guide = self._book.add_worksheet(INSTRUCTIONS_SHEET)
        codes = self._book.add_worksheet(CODE_SHEET)
        try:
            sources = self._write_code_lists(codes)
            self._set_up_data_sheet(sources)
            write_instructions(self._book, guide, layout, profile, self.columns, required)
        except BaseException:
            self._close_quietly()
            raise
        codes.hide()
        self.sheet.activate()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        if exc is None:
            self.close()
        else:
            self._close_quietly()
        return False

    def _code_lists(self) -> list[str]:
        return list(dict.fromkeys(column.code_list for column in self.columns if column.code_list))

    def _write_code_lists(self, sheet: Worksheet) -> dict[str, str]:
        """Write each list's labels in a column of its own (row by row); the range formula of each list."""
        names = self._code_lists()
        labels = {name: drop_down_labels(name) for name in names}
        headers = {column.code_list: column.header for column in reversed(self.columns) if column.code_list}
        header = self._book.add_format({"bold": True})
        for index, name in enumerate(names):
            _check(sheet.write_string(0, index, f"{headers[name]}（{name}）", header), f"the code list {name}")
            sheet.set_column(index, index, max(display_width(label) for label in labels[name]) + 2)
        for row in range(max((len(items) for items in labels.values()), default=0)):
            for index, name in enumerate(names):
                if row < len(labels[name]):
                    _check(sheet.write_string(row + 1, index, labels[name][row]), f"a label of {name}")
        sources = {}
        for index, name in enumerate(names):
            letter = xl_col_to_name(index)
            sources[name] = f"='{CODE_SHEET}'!${letter}$2:${letter}${len(labels[name]) + 1}"
        return sources

    def _header_format(self, required: bool) -> Format:
        properties: dict[str, object] = {
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "bg_color": _HEADER_FILL,
        }
        if required:
            properties["font_color"] = _REQUIRED_COLOUR
        return self._book.add_format(properties)

    def _set_up_data_sheet(self, sources: Mapping[str, str]) -> None:
        sheet = self.sheet
        required_header, optional_header = self._header_format(True), self._header_format(False)
        sheet.set_row(0, 30)
        for index, column in enumerate(self.columns):
            required = column.field in self.required
            header = required_header if required else optional_header
            _check(sheet.write_string(0, index, column.header, header), f"the header {column.header}")
            comment = ("必填。" if required else "选填。") + column_guide(column)
            _check(sheet.write_comment(0, index, comment, {"x_scale": 2, "y_scale": 1.5}), "a header comment")
            cell_format = self._text if column.text else self._date if column.date else None
            sheet.set_column(index, index, column_width(column), cell_format)
            if column.code_list:
                self._add_drop_down(index, column, sources[column.code_list])
        sheet.freeze_panes(1, 0)

    def _add_drop_down(self, index: int, column: Column, source: str) -> None:
        result = self.sheet.data_validation(
            1,
            index,
            LAST_ROW,
            index,
            {
                "validate": "list",
                "source": source,
                "error_type": "warning",  # common short forms (本科, 团员) are accepted on import too
                "error_title": f"{column.header}不在下拉列表中",
                "error_message": "请从下拉列表中选择。不在列表中的值导入时可能被拒绝，确定要保留吗？",
            },
        )
        _check(result, f"the drop-down of {column.header}")

    def write_row(self, values: Mapping[str, object]) -> None:
        """Write the next data row: ``values`` by column field; codes of coded columns become labels.

        ``None`` and ``""`` leave a cell empty; identifiers are written as text, dates as date cells.
        """
        row = self.rows_written + 1
        for index, column in enumerate(self.columns):
            value = values.get(column.field)
            if value is None or value == "":
                continue
            if column.code_list:
                value = code_list(column.code_list).label(str(value))
            self._write_cell(row, index, column, value)
        self.rows_written += 1

    def write_rows(self, rows: Iterable[Mapping[str, object]]) -> None:
        """Write several rows in order."""
        for values in rows:
            self.write_row(values)

    def _write_cell(self, row: int, index: int, column: Column, value: object) -> None:
        sheet = self.sheet
        if column.text:
            result = sheet.write_string(row, index, str(value), self._text)
        elif isinstance(value, datetime.datetime):
            result = sheet.write_datetime(row, index, value, self._date)
        elif isinstance(value, datetime.date):
            result = sheet.write_datetime(row, index, datetime.datetime.combine(value, datetime.time()), self._date)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            result = sheet.write_number(row, index, value)
        else:
            result = sheet.write_string(row, index, str(value))
        _check(result, f"row {row + 1}, column {column.header}")

    def close(self) -> None:
        """Finish the file (xlsxwriter assembles and compresses it here)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._book.close()
        except (XlsxWriterException, OSError) as exc:
            raise RosterWriteError(f"the workbook could not be written: {exc}") from exc

    def _close_quietly(self) -> None:
        """Close after a failure: release temporary files; the half-written file is the caller's to discard."""
        with contextlib.suppress(RosterWriteError):
            self.close()
