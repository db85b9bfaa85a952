"""The first sheet of an ``.xlsx`` read row by row in flat memory: for sheets too big for calamine to hold.

calamine holds a sheet whole (``reading``); past a few million cells, or when the cells are not where their
references say, the sheet is streamed here instead. Its XML is parsed by the standard library's C parser
(``xml.etree.ElementTree``, expat) a block at a time, and each row is let go once read, so memory stays flat
however many rows the sheet has. openpyxl's read-only mode did this job before at ~350 µs of CPU a row (15
inline-string cells); this takes ~140, as it builds only what an import needs: each cell's value, and of the
styles only which ones show a number as a date. Most of what is left is expat and ElementTree building the
elements (~80 µs a row), which calamine's 27 µs beats only by holding the sheet.

Values come out as calamine gives them, so a roster reads the same whichever reader took it: numbers as
``float``, text as ``str``, ``True``/``False``; a number styled as a date as a ``date`` (a ``datetime`` when
it has a time of day), a duration as a ``timedelta``; a formula as the value saved with
it; a formula's error as a ``CellError`` of its text (``#N/A``), which calamine cannot tell from an empty cell
(for calamine, ``reading`` marks those from the survey); an empty cell as ``""``.
A cell's position is its reference (``r="K12"``), or the one after the previous cell when it has none; rows
likewise. Rows that are skipped come out empty, so each row keeps its number.
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Final, cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser, iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from province_node.rosters.cell_error import CellError
from province_node.rosters.sheet_survey import column_index
from province_node.rosters.xlsx_parts import counts_from_1904, first_sheet, related_part

BLOCK_BYTES: Final = 1 << 16  # decompressed and parsed a block at a time
MAX_ROWS: Final = 1_048_576  # the last row of an Excel sheet: a row numbered past it is not a row
# A row (or a shared string, or the styles) is held whole until it ends: one of more elements than this is
# refused rather than built (~100 MB). Excel's widest row is 16,384 cells of a few elements each.
MAX_ELEMENTS_HELD: Final = 1_000_000
_DIGITS: Final = "0123456789"
_COLUMN_LETTERS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class BrokenSheet(Exception):
    """The sheet's XML is not a worksheet as the standard writes one (bad XML, a row before the one above it,
    a shared string that does not exist)."""


@dataclass(frozen=True, slots=True)
class _Tags:
    """The qualified names of the elements read, in the namespace of the file."""

    sheet_data: str
    row: str
    cell: str
    value: str
    inline: str
    text: str
    run: str
    string_item: str

    @classmethod
    def of(cls, root: str) -> _Tags:
        """The names in the namespace of the document whose root element is ``root``."""
        namespace = root[: root.find("}") + 1] if root.startswith("{") else ""
        return cls(*(namespace + name for name in ("sheetData", "row", "c", "v", "is", "t", "r", "si")))


@dataclass(frozen=True, slots=True)
class _Workbook:
    """What reading a cell's value needs from the rest of the package."""

    shared_strings: list[str]
    date_styles: frozenset[int]  # indexes of cell styles whose number format shows a date or time
    duration_styles: frozenset[int]  # ... a duration (``[h]:mm``)
    epoch: datetime.datetime


def streamed_rows(archive: zipfile.ZipFile, *, max_columns: int) -> Iterator[list[object]]:
    """The rows of the first sheet of ``archive``, one list of cells each (cells from ``max_columns`` on are
    not read); ``BrokenSheet`` or a ``zipfile`` error for a file that is not what it says."""
    try:
        epoch = MAC_EPOCH if counts_from_1904(archive) else WINDOWS_EPOCH
        workbook = _Workbook(_shared_strings(archive), *_number_styles(archive), epoch)
        with archive.open(first_sheet(archive)) as sheet:
            yield from _rows(sheet, workbook, max_columns)
    except (ParseError, ValueError, OverflowError, IndexError) as exc:
        raise BrokenSheet(str(exc)) from exc


def _rows(sheet: IO[bytes], workbook: _Workbook, max_columns: int) -> Iterator[list[object]]:
    # "start" events too, for the one element they are wanted for: ``sheetData``, emptied after every row
    # so the rows read are let go (a cleared row left in it would still cost ~70 bytes).
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    tags: _Tags | None = None
    sheet_data: Element | None = None
    number = 0  # the number of the last row given
    elements = 0  # started since the last row ended: what is held until the next one ends
    while True:
        block = sheet.read(BLOCK_BYTES)
        if block:
            parser.feed(block)
        else:
            parser.close()
        for event, element in cast("Iterator[tuple[str, Element]]", parser.read_events()):
            if event == "start":
                elements += 1
                if tags is None:
                    tags = _Tags.of(element.tag)
                elif element.tag == tags.sheet_data:
                    sheet_data = element
                elif elements > MAX_ELEMENTS_HELD:
                    raise BrokenSheet(f"a row of more than {MAX_ELEMENTS_HELD} elements")
                continue
            if tags is None or element.tag != tags.row:
                continue
            at = element.get("r")
            row = number + 1 if at is None else int(at)
            if not number < row <= MAX_ROWS:
                raise BrokenSheet(f"row {row} after row {number}")
            for _ in range(number + 1, row):
                yield []
            number = row
            yield _cells(element, tags, workbook, max_columns)
            if sheet_data is not None:
                sheet_data.clear()
            else:  # rows outside any ``sheetData``: emptied one by one (at most a million emptied rows stay)
                element.clear()
            elements = 0
        if not block:
            return


def _cells(row: Element, tags: _Tags, workbook: _Workbook, max_columns: int) -> list[object]:
    cells: list[object] = []
    column = -1
    for cell in row:
        if cell.tag != tags.cell:
            continue
        at = cell.get("r")
        column = column + 1 if at is None else _column(at)
        if column >= max_columns:
            continue
        if column == len(cells):  # the usual case: each cell follows the one before
            cells.append(_value(cell, tags, workbook))
            continue
        if column > len(cells):
            cells.extend([""] * (column - len(cells) + 1))
        cells[column] = _value(cell, tags, workbook)
    return cells


_COLUMNS: dict[str, int] = {}  # a reference's letters -> column: at most 16,384 entries


def _column(reference: str) -> int:
    letters = reference.rstrip(_DIGITS)
    column = _COLUMNS.get(letters)
    if column is None:
        if not 1 <= len(letters) <= 3 or not _COLUMN_LETTERS.issuperset(letters):
            raise BrokenSheet(f"cell reference {reference[:20]!r}")
        column = _COLUMNS[letters] = column_index(letters)
    return column


def _value(cell: Element, tags: _Tags, workbook: _Workbook) -> object:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(tags.inline)
        return "" if inline is None else _text(inline, tags)
    saved = cell.findtext(tags.value)
    if not saved:
        return ""
    if kind == "n":
        return _number(float(saved), int(cell.get("s", "0")), workbook)
    if kind == "s":
        index = int(saved)
        if index < 0:  # not counted from the end: a string the table does not have
            raise BrokenSheet(f"shared string {index}")
        return workbook.shared_strings[index]
    if kind == "b":
        return saved in ("1", "true")
    if kind == "d":
        return _day_if_midnight(from_ISO8601(saved))  # type: ignore[no-untyped-call]  # openpyxl's reading
    if kind == "e":
        return CellError(saved)
    return saved  # "str": a formula's text


def _number(number: float, style: int, workbook: _Workbook) -> object:
    """A number as its style shows it: a date, a duration, or the number. One too far out for a date stays a
    number, and the row is refused for it, not the file."""
    try:
        if style in workbook.date_styles:
            return _day_if_midnight(from_excel(number, workbook.epoch))
        if style in workbook.duration_styles:
            return from_excel(number, workbook.epoch, timedelta=True)
    except (OverflowError, ValueError):
        pass
    return number


def _day_if_midnight(moment: object) -> object:
    """A date for a date and time at midnight, as calamine gives a cell styled as a date."""
    if isinstance(moment, datetime.datetime) and moment.time() == datetime.time():
        return moment.date()
    return moment


def _text(holder: Element, tags: _Tags) -> str:
    """The text of a string item (``<is>``, ``<si>``): its ``<t>``, or its runs' (``<r><t>``) one after the
    other; phonetic guides (``<rPh>``) are not part of it."""
    if len(holder) == 1 and holder[0].tag == tags.text:  # the usual case: one plain text
        return holder[0].text or ""
    parts = []
    for child in holder:
        if child.tag == tags.text:
            parts.append(child.text or "")
        elif child.tag == tags.run:
            parts.append(child.findtext(tags.text) or "")
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The workbook's shared strings, in order (kept for the whole read, as Excel stores each text once)."""
    part = related_part(archive, "sharedStrings", "xl/sharedStrings.xml")
    if part is None:
        return []
    strings: list[str] = []
    with archive.open(part) as source:
        tags: _Tags | None = None
        table = Element("sst")  # the root, emptied after every item like ``sheetData``
        elements = 0  # started since the last item ended
        for event, element in iterparse(source, events=("start", "end")):  # noqa: S314 - see the module's end
            if tags is None:
                tags, table = _Tags.of(element.tag), element
            elif event == "start":
                elements += 1
                if elements > MAX_ELEMENTS_HELD:
                    raise BrokenSheet(f"a shared string of more than {MAX_ELEMENTS_HELD} elements")
            elif element.tag == tags.string_item:
                strings.append(_text(element, tags))
                table.clear()
                elements = 0
    return strings


def _number_styles(archive: zipfile.ZipFile) -> tuple[frozenset[int], frozenset[int]]:
    """The cell styles that show a number as a date or time, and those that show it as a duration."""
    part = related_part(archive, "styles", "xl/styles.xml")
    if part is None:
        return frozenset(), frozenset()
    with archive.open(part) as source:
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        styles: list[int] = []  # the number format of each cell style, in order
        in_cell_styles = False
        elements = 0  # all of them are held: the styles of a real workbook are a few thousand
        for event, element in iterparse(source, events=("start", "end")):  # noqa: S314 - see the module's end
            name = element.tag.rpartition("}")[2]
            elements += event == "start"
            if elements > MAX_ELEMENTS_HELD:
                raise BrokenSheet(f"styles of more than {MAX_ELEMENTS_HELD} elements")
            if name == "cellXfs":
                in_cell_styles = event == "start"
            elif event == "end" and name == "numFmt":
                formats[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif event == "end" and name == "xf" and in_cell_styles:
                styles.append(int(element.get("numFmtId", "0")))
    dates = frozenset(i for i, fmt in enumerate(styles) if is_date_format(formats.get(fmt)))
    durations = frozenset(i for i, fmt in enumerate(styles) if is_timedelta_format(formats.get(fmt)))
    return dates - durations, durations


# Untrusted XML: Python's documentation ("XML vulnerabilities") lists ``xml.etree`` as safe from entity
# expansion (billion laughs, quadratic blowup), external entities and DTD retrieval with expat 2.4.1 or later
# (this Python's is checked by a test: a sheet of nested entities is refused at once). The decompression bomb
# is checked before any part is opened (``reading``).
