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
``table:`` prefix LibreOffice, WPS and Excel write, as calamine matches them, and end where its XML reader
ends them (at the first ">" outside quotes). A row or cell tag that never ends is malformed XML whose rows
cannot be told: the table is left unsurveyed (not ``plain``), as when a tag is too long to look at.
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
_NESTED_START: Final = re.compile(rb"<table:table[ \t\n\r>]")  # in a cell of the first; XML's four blanks
_ROW_END: Final = b"</table:table-row>"
# A tag's attributes up to the first ">" outside quotes (ending in "/" when the tag is empty), as calamine's XML
# reader ends a tag. Written as runs of unquoted text between quoted values, so a tag is taken in one sweep,
# not tried a character at a time. A tag with no such ">" before the end of what is read (the second group is
# then None) is taken to that end rather than not matched: a regex failing there is tried again at the next
# tag and scans to the same end again, so the time grew with the square (150 KB of such tags took a minute).
_ATTRIBUTES: Final = rb"""([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)(?:(>)|(?:"[^"]*|'[^']*)?\Z)"""
_ROW_START: Final = re.compile(rb"<table:table-row(?=[\s/>])" + _ATTRIBUTES)
_CELL_START: Final = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])" + _ATTRIBUTES)
_CELL: Final = b"<table:"  # in a row: a cell, or a covered cell (merged away)
_ROWS_REPEATED: Final = re.compile(rb"""number-rows-repeated\s*=\s*["']\s*([0-9]{1,12})""")
_COLUMNS_REPEATED: Final = re.compile(rb"""number-columns-repeated\s*=\s*["']\s*([0-9]{1,12})""")
_CONTENT: Final = b"value"  # value-type=, office:value=, office:date-value= … (and, harmlessly, "value" in text)


class _TagNeverCloses(Exception):
    """A row or cell tag without its ">" before the table or the file ends: malformed XML, whose rows cannot
    be told apart (in well-formed XML every tag ends before the next "<")."""


@dataclass(slots=True)
class _Table:
    """The pass through the first table: the rows read so far, and the row a window may leave open.

    Windows are read where they lie, by positions (``find``/``count`` from ``start`` to ``end``), not cut into
    copies: a roster's row costs a handful of calls, each a scan in C over the row's own bytes.
    """

    row: int = 0  # rows before the one being read (its first repeat is row ``row + 1``)
    repeats: int | None = None  # the open row's repeats; None between rows
    column: int = 0  # cells of the open row read so far, repeats counted
    far: int = 0  # the farthest column of the open row holding content (1-based), 0 for none
    survey: SheetSurvey = field(default_factory=SheetSurvey)

    def read(self, window: bytes, start: int, end: int) -> None:
        """Read the rows of ``window[start:end]``: complete tags, in the table, perhaps starting or ending
        inside a row."""
        offset = self.cells(window, start, end) if self.repeats is not None else start
        while offset >= 0:
            row = _ROW_START.search(window, offset, end)  # not <table:table-rows>, <table:table-row-group>
            if row is None:
                return
            if row[2] is None:
                raise _TagNeverCloses
            self.open_row(row[1])
            offset = row.end()
            if row[1].endswith(b"/"):  # <table:table-row/>
                self.close_row()
            else:
                offset = self.cells(window, offset, end)

    def cells(self, window: bytes, start: int, end: int) -> int:
        """Count the open row's cells from ``start`` and close it at its end tag: where that tag ends, or -1
        when the row goes on past ``end`` (into the next window)."""
        row_end = window.find(_ROW_END, start, end)
        stop = row_end if row_end >= 0 else end
        last = window.rfind(_CONTENT, start, stop)
        if last >= 0:
            cut = window.find(_CELL, last, stop)  # the next cell; the one holding the last content ends before it
            if cut < 0:
                cut = stop
            self.column += _width(window, start, cut)
            self.far = self.column
            start = cut
        if row_end < 0:
            self.column += _width(window, start, end)  # later content in the row is counted from here
            return -1
        self.close_row()
        return row_end + len(_ROW_END)

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


def _width(window: bytes, start: int, end: int) -> int:
    """How many columns the cells starting in ``window[start:end]`` take, repeats counted."""
    if window.find(b"columns-repeated", start, end) < 0:  # a roster's rows: counted in C, not one cell at a time
        return window.count(_CELL, start, end)  # cells and covered cells (anything else of table: in a cell too)
    width = 0
    for cell in _CELL_START.finditer(window, start, end):
        if cell[2] is None:
            raise _TagNeverCloses
        repeated = _COLUMNS_REPEATED.search(cell[1])
        width += max(int(repeated[1]), 1) if repeated else 1
    return width


def survey_ods(archive: zipfile.ZipFile, *, block_bytes: int = BLOCK_BYTES) -> SheetSurvey:
    """Read the first table of ``content.xml`` once, ``block_bytes`` at a time (tests choose a few bytes, to cut
    tags at block boundaries): ``rows`` is the last row holding content and ``columns`` the farthest column
    holding content, repeats counted (0 for an empty table). ``plain`` is false when one tag is too long to
    look at, or a row or cell tag never ends. ``KeyError``/``zipfile`` errors for a broken archive."""
    table = _Table()
    depth = 0  # tables open: the first, and any inside its cells (calamine's sheet ends with the first)
    with archive.open("content.xml") as content:
        carried = b""
        while True:
            block = content.read(block_bytes)
            window = carried + block
            cut = window.rfind(b"<") if block else len(window)  # no tag is cut in two: the last one waits
            if cut < 0 or len(window) - cut > _LONGEST_TAG:
                if len(window) > _LONGEST_TAG:  # a tag (or text) longer than any roster's: not looked into
                    table.survey.plain = False
                cut = len(window)
            start = 0
            if not depth:
                first = _TABLE_START.search(window, 0, cut)
                if first is None:
                    if not block:
                        return table.survey
                    carried = window[cut:]
                    continue
                depth, start = 1, first.end()
            depth, end = _close_tables(window, start, cut, depth)
            try:
                table.read(window, start, end)
            except _TagNeverCloses:
                table.survey.plain = False
                return table.survey
            if not depth or not block:
                if table.repeats is not None:
                    table.close_row()
                return table.survey
            carried = window[cut:]


def _close_tables(window: bytes, start: int, cut: int, depth: int) -> tuple[int, int]:
    """The tables still open after ``window[start:cut]``, and where the part to read ends (the first table's end)."""
    while True:
        end = window.find(_TABLE_END, start, cut)
        depth += len(_NESTED_START.findall(window, start, cut if end < 0 else end))  # one pass, not one a spelling
        if end < 0:
            return depth, cut
        depth -= 1
        if not depth:
            return 0, end
        start = end + len(_TABLE_END)
