"""One streamed pass over the first sheet of an ``.xlsx``: how far its cells really reach, before anything loads it.

python-calamine holds a sheet as a grid from its first to its last cell, whatever lies between: one stray
space at XFD1048576 is a grid of 17 billion cells, and the allocation aborts the process (every tenant of
the node with it). The ``<dimension>`` element cannot tell the reader how big the grid will be: it may be
missing, and it may lie. So the sheet's XML is decompressed a megabyte at a time and its cell references
(``<c r="K12"``) read, without building anything; the pass also finds formulas saved without their values
and cells holding a formula error (``#N/A``, ``#REF!``), which calamine reads as empty.

A sheet is *plain* when every cell and row tag is written as Excel, WPS, LibreOffice and xlsxwriter write
them (``<c r="…"`` and ``<row r="…"``, no namespace prefix): then its references are its cells' positions.
Anything else (a cell without a reference counts its position from its neighbours) is not plain, and the
caller streams it instead of trusting a grid size.

The first sheet is the first ``<sheet>`` of ``xl/workbook.xml`` (``xlsx_parts.first_sheet``).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import Final

from province_node.rosters.xlsx_parts import first_sheet

BLOCK_BYTES: Final = 1 << 20  # decompressed and looked at a block at a time
_CELL_REF: Final = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"')
# A cell or row tag whose position is not (only) its ``r`` reference: another attribute first, other
# quotes or blanks, no reference at all, or a namespace prefix (calamine matches local names).
_NOT_PLAIN_CELL: Final = re.compile(rb'<c(?:[\t\n\r/>]| (?!r="))')
_NOT_PLAIN_ROW: Final = re.compile(rb'<row(?:[\t\n\r/>]| (?!r="))')
_PREFIXED: Final = re.compile(rb":(?:c|row)[\s/>]")
_REFERENCE: Final = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_DIGITS: Final = b"0123456789"
_LETTERS: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# References are looked at by their shape first (in C: letters become A, digits 0): a block whose references
# are all one letter and at most five digits reaches no farther than Z99999, so only blocks holding a longer
# one (two or more letters, six or more digits) are read reference by reference. A normal roster's sheet is
# then read exactly only where its rows pass 99,999.
SHORT_REACH: Final = (99_999, 26)
_SHAPES: Final = bytes.maketrans(_LETTERS + _DIGITS, b"A" * len(_LETTERS) + b"0" * len(_DIGITS))
_LONG_SHAPES: Final = (b'<c r="AA', b'A000000"', b'A0000000"')
# A real cell's reference is one to three capital letters, then its row (at most seven digits): a reference
# of any other shape (lower-case letters, which calamine reads as positions too; past column XFD or row
# 9,999,999) makes the sheet not plain.
_REFERENCE_STARTS: Final = (b'<c r="A0', b'<c r="AA0', b'<c r="AAA0')
# A formula cell without the value its program computed (``<f>…</f><v/>``, or no ``<v>`` at all): what a
# file written by another program and never opened in Excel or WPS holds. Read, it is an empty cell. (A
# formula whose result is the empty string is ``t="str"`` with an empty ``<v>``: computed, and empty.)
_UNCALCULATED_FORMULA: Final = re.compile(
    rb"<(?:\w+:)?c\b(?![^>]*\bt=[\"']str[\"'])[^>]*>\s*<(?:\w+:)?f\b[^<]*(?:</(?:\w+:)?f>)?\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>|</(?:\w+:)?c>)"
)
_ERROR_CELL: Final = re.compile(rb"<(?:\w+:)?c\b([^>]*\bt=[\"']e[\"'][^>]*)>(.*?)</(?:\w+:)?c>", re.DOTALL)
_ATTRIBUTE_R: Final = re.compile(rb"\br\s*=\s*[\"']([A-Z]{1,3}[0-9]{1,7})[\"']")
_VALUE: Final = re.compile(rb"<(?:\w+:)?v>([^<]{1,32})</(?:\w+:)?v>")
ERROR_CELLS_KEPT: Final = 10_000  # more than this many formula errors: the first ones are enough to say so


def column_index(letters: str) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26: the zero-based column of a reference's letters."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


@dataclass(slots=True)
class SheetSurvey:
    """What one pass over a sheet's XML found."""

    # How far the cells reach (1-based; 0 for a sheet without cells): exact past ``SHORT_REACH``; short of it
    # an ``.xlsx`` is counted as reaching it (a grid that small may be held whatever it holds).
    rows: int = 0
    columns: int = 0
    plain: bool = True  # every cell's position is its reference (see the module docstring)
    uncalculated_formulas: bool = False
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, zero-based column) -> "#N/A"
    more_error_cells: bool = False  # beyond ``ERROR_CELLS_KEPT``

    @property
    def cells(self) -> int:
        """The cells of the grid from A1 to the farthest cell (what calamine allocates, and more)."""
        return self.rows * self.columns

    def far_cell(self) -> str:
        """The reference of the corner the sheet reaches, as Excel names it (``XFD1048576``)."""
        letters, column = "", self.columns
        while column:
            column, rest = divmod(column - 1, 26)
            letters = chr(65 + rest) + letters
        return f"{letters}{self.rows}"


def survey_sheet(archive: zipfile.ZipFile) -> SheetSurvey:
    """Read the first sheet's XML once, a block at a time; ``KeyError``/``zipfile`` errors for a broken archive."""
    survey = SheetSurvey()
    with archive.open(first_sheet(archive)) as sheet:
        carried = b""
        while True:
            block = sheet.read(BLOCK_BYTES)
            window = carried + block
            if not block:
                _look_at(window, survey)
                return survey
            # Keep the last cell (or, failing that, the last tag) for the next window, so no tag is cut in two.
            cut = window.rfind(b"<c ")
            if cut <= 0:
                cut = window.rfind(b"<")
            if cut <= 0 or len(window) - cut > 64 * BLOCK_BYTES:
                cut = len(window)
            _look_at(window[:cut], survey)
            carried = window[cut:]


def _look_at(part: bytes, survey: SheetSurvey) -> None:
    if not part:
        return
    if survey.plain and (_NOT_PLAIN_CELL.search(part) or _NOT_PLAIN_ROW.search(part) or _PREFIXED.search(part)):
        survey.plain = False
    if b'<c r="' in part:
        _reach(part, survey)
    if (b"<f" in part or b":f" in part) and _UNCALCULATED_FORMULA.search(part):
        survey.uncalculated_formulas = True
    if b't="e"' in part or b"t='e'" in part:
        _error_cells(part, survey)


def _reach(part: bytes, survey: SheetSurvey) -> None:
    """Extend how far the survey's cells reach by the references in ``part``."""
    shapes = part.translate(_SHAPES)
    if sum(map(shapes.count, _REFERENCE_STARTS)) != shapes.count(b'<c r="') or b"A00000000" in shapes:
        survey.plain = False
    if not any(shape in shapes for shape in _LONG_SHAPES):  # one letter, at most five digits: within Z99999
        survey.rows, survey.columns = max(survey.rows, SHORT_REACH[0]), max(survey.columns, SHORT_REACH[1])
        return
    references = _CELL_REF.findall(part)
    if references:  # hundreds of thousands: taken apart by bytes methods, not one by one
        joined = b" ".join(references)
        letters = set(joined.translate(None, _DIGITS).split())
        survey.columns = max(survey.columns, *(column_index(name.decode("ascii")) + 1 for name in letters))
        survey.rows = max(survey.rows, *map(int, set(joined.translate(None, _LETTERS).split())))


def _split(reference: bytes) -> tuple[int, int]:
    split = _REFERENCE.fullmatch(reference.decode("ascii"))
    if split is None:  # not reachable: _CELL_REF matched the same shape
        return 0, 0
    return column_index(split[1]) + 1, int(split[2])


def _error_cells(part: bytes, survey: SheetSurvey) -> None:
    for cell in _ERROR_CELL.finditer(part):
        reference = _ATTRIBUTE_R.search(cell[1])
        if reference is None:
            continue
        value = _VALUE.search(cell[2])
        if len(survey.error_cells) >= ERROR_CELLS_KEPT:
            survey.more_error_cells = True
            return
        column, row = _split(reference[1])
        survey.error_cells[(row, column - 1)] = value[1].decode("utf-8", errors="replace") if value else "#VALUE!"
