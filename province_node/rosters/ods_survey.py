"""One streamed pass over the first table of an ``.ods``: how far its content really reaches, repeats counted.

There is no streaming reader for OpenDocument, and python-calamine expands repeated rows and cells into
its grid: one row whose only cell holds 汉族 with ``table:number-rows-repeated="1048574"`` (what
LibreOffice saves when a clerk fills a column to the bottom of the sheet) is a grid of a million rows, and
a million rows to refuse one by one. So ``content.xml`` is decompressed a megabyte at a time and only its
row and cell tags are looked at, without building anything, before calamine may read the file.

Only content counts: calamine does not grow its grid for empty cells or rows however often they are
repeated, and LibreOffice ends every row with an empty cell repeated to column 1024 and the table with
empty rows repeated to row 1,048,576. A cell has content when its tag or its text mentions a value
(``office:value-type``, ``office:value``, ``office:date-value``…); a cell whose text merely says "value"
counts too, which can only make the survey reach farther than calamine would.

The first table is the first ``<table:table>`` of ``content.xml`` (what calamine reads as sheet 0); its
rows, inside header-row or row-group wrappers or not, are counted in order. Tags are matched with the
``table:`` prefix LibreOffice, WPS and Excel write, as calamine matches them.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import Final

from province_node.rosters.sheet_survey import BLOCK_BYTES, SheetSurvey

_LONGEST_TAG: Final = 64 * BLOCK_BYTES
_TABLE_START: Final = re.compile(rb"<table:table[\s>]")
_TABLE_END: Final = b"</table:table>"
_NESTED_STARTS: Final = (b"<table:table>", b"<table:table ", b"<table:table\n", b"<table:table\t", b"<table:table\r")
_ROW_END: Final = b"</table:table-row>"
_ATTRIBUTES: Final = rb"""((?:[^>"']|"[^"]*"|'[^']*')*?)"""
_ROW_START: Final = re.compile(rb"<table:table-row(?=[\s/>])" + _ATTRIBUTES + rb"(/?)>")
_CELL_START: Final = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])" + _ATTRIBUTES + rb"/?>")
_CELL: Final = b"<table:"  # in a row: a cell, or a covered cell (merged away)
_ROWS_REPEATED: Final = re.compile(rb"""number-rows-repeated\s*=\s*["']\s*([0-9]{1,12})""")
_COLUMNS_REPEATED: Final = re.compile(rb"""number-columns-repeated\s*=\s*["']\s*([0-9]{1,12})""")
_CONTENT: Final = b"value"  # value-type=, office:value=, office:date-value= … (and, harmlessly, "value" in text)


@dataclass(slots=True)
class _Position:
    """Where the pass is in the table: the row being read, and how far along it."""

    row: int = 0  # rows before the one being read (its first repeat is row ``row + 1``)
    repeats: int | None = None  # the open row's repeats; None between rows
    column: int = 0  # cells of the open row read so far, repeats counted
    far: int = 0  # the farthest column of the open row holding content (1-based), 0 for none
    survey: SheetSurvey = field(default_factory=SheetSurvey)

    def open_row(self, attributes: bytes) -> None:
        repeated = _ROWS_REPEATED.search(attributes)
        self.repeats = max(int(repeated[1]), 1) if repeated else 1
        self.column = self.far = 0

    def close_row(self) -> None:
        repeats = self.repeats or 1
        if self.far:
            self.survey.rows = self.row + repeats
            self.survey.columns = max(self.survey.columns, self.far)
        self.row += repeats
        self.repeats = None

    def cells(self, part: bytes, *, whole_row: bool) -> None:
        """Count the cells of ``part`` (complete tags of the open row); the rest of the row may follow."""
        last = part.rfind(_CONTENT)
        if last < 0:
            if not whole_row:  # later content in the row is counted from here
                self.column += _width(part)
            return
        cut = part.find(_CELL, last)  # the next cell; the one holding the last content ends before it
        if cut < 0:
            cut = len(part)
        self.column += _width(part[:cut])
        self.far = self.column
        if not whole_row:
            self.column += _width(part[cut:])


def _width(part: bytes) -> int:
    """How many columns the cells starting in ``part`` take, repeats counted."""
    if b"columns-repeated" not in part:  # a roster's rows: counted in C, not one cell at a time
        return part.count(_CELL)  # cells and covered cells (anything else of table: in a cell counts too)
    width = 0
    for cell in _CELL_START.finditer(part):
        repeated = _COLUMNS_REPEATED.search(cell[1])
        width += max(int(repeated[1]), 1) if repeated else 1
    return width


def survey_ods(archive: zipfile.ZipFile) -> SheetSurvey:
    """Read the first table of ``content.xml`` once, a block at a time: ``rows`` is the last row holding
    content and ``columns`` the farthest column holding content, repeats counted (0 for an empty table).
    ``plain`` is false when one tag is too long to look at. ``KeyError``/``zipfile`` errors for a broken
    archive."""
    position = _Position()
    depth = 0  # tables open: the first, and any inside its cells (calamine's sheet ends with the first)
    with archive.open("content.xml") as content:
        carried = b""
        while True:
            block = content.read(BLOCK_BYTES)
            window = carried + block
            cut = window.rfind(b"<") if block else len(window)  # no tag is cut in two: the last one waits
            if cut < 0 or len(window) - cut > _LONGEST_TAG:
                if len(window) > _LONGEST_TAG:  # a tag (or text) longer than any roster's: not looked into
                    position.survey.plain = False
                cut = len(window)
            start = 0
            if not depth:
                first = _TABLE_START.search(window, 0, cut)
                if first is None:
                    if not block:
                        return position.survey
                    carried = window[cut:]
                    continue
                depth, start = 1, first.end()
            depth, cut = _close_tables(window, start, cut, depth)
            _read(window[start:cut], position)
            if not depth or not block:
                if position.repeats is not None:
                    position.close_row()
                return position.survey
            carried = window[cut:]


def _close_tables(window: bytes, start: int, cut: int, depth: int) -> tuple[int, int]:
    """The tables still open after ``window[start:cut]``, and where the part to read ends (the first table's end)."""
    while True:
        end = window.find(_TABLE_END, start, cut)
        depth += sum(window.count(tag, start, cut if end < 0 else end) for tag in _NESTED_STARTS)
        if end < 0:
            return depth, cut
        depth -= 1
        if not depth:
            return 0, end
        start = end + len(_TABLE_END)


def _read(part: bytes, position: _Position) -> None:
    """The rows of ``part``: complete tags, in the table, perhaps starting or ending inside a row."""
    offset = 0
    while True:
        if position.repeats is not None:
            end = part.find(_ROW_END, offset)
            position.cells(part[offset : end if end >= 0 else len(part)], whole_row=end >= 0)
            if end < 0:
                return
            position.close_row()
            offset = end + len(_ROW_END)
        found = part.find(b"<table:table-row", offset)
        row = _ROW_START.match(part, found) if found >= 0 else None
        if row is None:
            if found < 0:
                return
            offset = found + 1  # <table:table-rows>, <table:table-row-group>
            continue
        position.open_row(row[1])
        if row[2]:  # <table:table-row/>
            position.close_row()
        offset = row.end()
