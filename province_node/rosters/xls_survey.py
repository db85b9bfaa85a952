"""One pass over the records of an ``.xls`` workbook: how far each sheet's cells reach, before calamine holds them.

python-calamine reads an ``.xls`` (BIFF8, or BIFF5, in an OLE2 compound file) whole when it opens it: every
sheet, hidden, chart and macro sheets too, becomes a grid from its first to its farthest cell, 32 bytes a
cell, and the first sheet is copied once more when it is read. One value at IV65536 beside a member in A2
is a grid of 16.7 million cells (1 GB at the peak, from a 6 KB upload); a cell record may name any column
up to 65,535, not only the 256 Excel writes, and a grid of 65,536 x 65,536 cells is an allocation that
aborts the process (every tenant of the node with it). So the ``Workbook`` stream is read with olefile and
its records are walked, a ``(type, length)`` header at a time, without building anything.

A sheet reaches as far as the cells calamine places: a number, RK, MULRK, label, shared-string label, rich
string, boolean or error, or formula record (its cached value, and its formula text in a second grid of the
same reach). Formatted empty cells (BLANK, MULBLANK) are not placed, nor rows (ROW) and column formats, so a
sheet formatted to its last row reaches only as far as its values; this was measured, not assumed. A
DIMENSIONS record only makes calamine reserve memory it does not touch, but one claiming more cells than a
sheet can have (or an end before its start, which calamine wraps round to four billion rows) makes that
reservation fail and the process abort: such a sheet is not ``plain``.

Records are walked as calamine walks them: the globals up to their EOF (a FILEPASS there means an encrypted
workbook, which calamine refuses before it reads any sheet), then each sheet from the offset its BOUNDSHEET
gives up to its first EOF. A record running past the end of the stream, a sheet offset outside it, or a
container olefile cannot read is a ``BrokenWorkbook``.
"""

from __future__ import annotations

import codecs
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import olefile  # type: ignore[import-untyped]

from province_node.rosters.sheet_survey import SheetSurvey

_STREAMS: Final = ("Workbook", "Book")  # BIFF8, then BIFF5: the names calamine looks for, in its order
_HEADER: Final = struct.Struct("<HH")  # record type, length of its data
_CELL_START: Final = struct.Struct("<HHHH")  # a record's header, then (in a cell record) its row and column
_EOF: Final = 0x000A
_BOF: Final = 0x0809
_FILEPASS: Final = 0x002F
_CODEPAGE: Final = 0x0042
_BOUNDSHEET: Final = 0x0085
_DIMENSIONS: Final = 0x0200
_MULRK: Final = 0x00BD
_STRING: Final = 0x0207  # a string formula's value, placed where the last FORMULA was, or at A1 before any
# DIMENSIONS by its length: first row, row after the last, first column, column after the last (BIFF8; BIFF5)
_DIMENSIONS_LAYOUTS: Final = {14: struct.Struct("<IIHH2x"), 10: struct.Struct("<HHHH2x")}
# FORMULA, RSTRING, LABELSST, NUMBER, LABEL, BOOLERR, RK: each places one cell where its first four bytes say
# (calamine 0.37, every record type tried), besides MULRK (a run of cells) and STRING.
_CELLS: Final = frozenset((0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E))
_SHEET_CELLS: Final = 65_536 * 256  # the most cells a BIFF8 sheet has: a DIMENSIONS claiming more is a lie
_BEFORE_BIFF8: Final = (0x0002, 0x0007, 0x0200, 0x0300, 0x0400, 0x0500)  # BOF versions of BIFF2 to BIFF5


class BrokenWorkbook(Exception):
    """The file is not a workbook whose records can be walked: a broken container, stream or record."""


@dataclass(frozen=True, slots=True)
class SurveyedSheet:
    """One sheet of the workbook, as its tab names it, and how far its cells reach."""

    name: str
    survey: SheetSurvey


def survey_xls(path: Path) -> list[SurveyedSheet]:
    """Every sheet of the workbook at ``path`` in its order (calamine's sheet 0 first), with how far its cells
    reach: ``rows`` and ``columns`` count from A1 to the farthest cell (0 for a sheet without cells), exactly.
    An encrypted workbook has none (calamine refuses it for its password before it holds a sheet).
    ``BrokenWorkbook`` when the container or the records are broken."""
    stream = _workbook_stream(path)
    sheets, encrypted = _globals(stream)
    if encrypted:
        return []
    return [SurveyedSheet(name, _survey_sheet(stream, start)) for name, start in sheets]


def _workbook_stream(path: Path) -> bytes:
    try:
        with olefile.OleFileIO(str(path)) as container:
            for name in _STREAMS:
                if container.exists(name):
                    data: bytes = container.openstream(name).read()
                    return data
    except (OSError, ValueError) as exc:  # olefile's errors are OSErrors; a wild sector size, a ValueError
        raise BrokenWorkbook(f"the OLE2 container cannot be read: {exc}") from exc
    raise BrokenWorkbook("no Workbook or Book stream")


def _record(stream: bytes, offset: int) -> tuple[int, int, int]:
    """The record at ``offset``: its type, where its data starts and where the next record starts."""
    if len(stream) - offset < _HEADER.size:
        raise BrokenWorkbook(f"a record header cut short at byte {offset}")
    kind, size = _HEADER.unpack_from(stream, offset)
    data = offset + _HEADER.size
    if data + size > len(stream):
        raise BrokenWorkbook(f"record {kind:#06x} at byte {offset} runs past the end of the stream")
    return kind, data, data + size


def _globals(stream: bytes) -> tuple[list[tuple[str, int]], bool]:
    """Each sheet's name and offset, in the workbook's order, and whether the workbook is encrypted."""
    sheets: list[tuple[str, int]] = []
    biff8, codepage = True, 1252
    offset = 0
    while offset < len(stream):
        kind, data, offset = _record(stream, offset)
        size = offset - data
        if kind == _EOF:
            break
        if kind == _FILEPASS:
            if size < 2:
                raise BrokenWorkbook("a FILEPASS record too short to say how the workbook is encrypted")
            if stream[data] or stream[data + 1]:  # 0 is XOR obfuscation, which calamine reads as it is
                return [], True
        elif kind == _BOF and size >= 2:
            version = int.from_bytes(stream[data : data + 2], "little")
            sort = int.from_bytes(stream[data + 2 : data + 4], "little") if size >= 4 else 0
            biff8 = version not in _BEFORE_BIFF8 and not (version == 0 and sort == 0x1000)
        elif kind == _CODEPAGE and size >= 2:
            codepage = int.from_bytes(stream[data : data + 2], "little")
        elif kind == _BOUNDSHEET:
            if size < 8:
                raise BrokenWorkbook(f"a BOUNDSHEET record of {size} bytes")
            start = int.from_bytes(stream[data : data + 4], "little")
            if start > len(stream):
                raise BrokenWorkbook(f"a sheet said to start at byte {start}, past the end of the stream")
            sheets.append((_sheet_name(stream[data + 6 : offset], biff8=biff8, codepage=codepage), start))
    return sheets, False


def _sheet_name(data: bytes, *, biff8: bool, codepage: int) -> str:
    """The name a BOUNDSHEET gives its sheet: a length, then (BIFF8) a flag for two-byte characters, then them."""
    length = data[0]
    if biff8:
        wide = len(data) > 1 and data[1] & 1
        text = data[2 : 2 + length * 2] if wide else data[2 : 2 + length]
        return text.decode("utf-16-le" if wide else "latin-1", errors="replace").replace("\0", "")
    try:
        encoding = codecs.lookup(f"cp{codepage}").name
    except LookupError:
        encoding = "latin-1"
    return data[1 : 1 + length].decode(encoding, errors="replace").replace("\0", "")


def _survey_sheet(stream: bytes, start: int) -> SheetSurvey:
    """How far the cells of the sheet starting at ``start`` reach, up to its first EOF (as calamine reads it).

    The loop reads each record's header and, in the same call, the four bytes a cell's position takes: a
    roster of 60,000 rows is some 700,000 records.
    """
    survey = SheetSurvey()
    last_row = last_column = -1
    cells, read = _CELLS, _CELL_START.unpack_from
    offset, whole = start, len(stream) - _CELL_START.size  # a record starting up to ``whole`` is read at once
    while offset <= whole:
        kind, size, row, column = read(stream, offset)
        offset += _HEADER.size + size
        if kind in cells:
            if size < _CELL_START.size - _HEADER.size:
                raise BrokenWorkbook(f"cell record {kind:#06x} of {size} bytes, too short to say where it is")
        elif kind == _MULRK:
            if size < 6 or offset > len(stream):
                raise BrokenWorkbook(f"a MULRK record of {size} bytes")
            column = max(column, int.from_bytes(stream[offset - 2 : offset], "little"))  # its last column
        elif kind == _STRING:
            row = column = 0  # the last FORMULA's cell, counted already; A1 when there was none
        elif kind == _EOF:
            break
        else:
            if kind == _DIMENSIONS and _reserved(stream[offset - size : offset]) > _SHEET_CELLS:
                survey.plain = False
            continue
        if row > last_row:
            last_row = row
        if column > last_column:
            last_column = column
    else:
        offset = _tail(stream, offset)
    if offset > len(stream):
        raise BrokenWorkbook("the last record runs past the end of the stream")
    if last_row >= 0:
        survey.rows, survey.columns = last_row + 1, last_column + 1
    return survey


def _tail(stream: bytes, offset: int) -> int:
    """The records in the last few bytes of the stream, too few to hold a cell: an EOF, or records calamine
    ignores; where reading them ends."""
    while offset < len(stream):
        kind, _, offset = _record(stream, offset)
        if kind == _EOF:
            break
        if kind in _CELLS or kind in (_MULRK, _DIMENSIONS):
            raise BrokenWorkbook(f"record {kind:#06x} cut short at the end of the stream")
    return offset


def _reserved(data: bytes) -> int:
    """How many cells calamine reserves room for on this DIMENSIONS record (u32 arithmetic, wrapping round as
    its release build does: an end before the start is four billion rows)."""
    if len(data) not in _DIMENSIONS_LAYOUTS:
        raise BrokenWorkbook(f"a DIMENSIONS record of {len(data)} bytes")
    first_row, end_row, first_column, end_column = _DIMENSIONS_LAYOUTS[len(data)].unpack_from(data)
    if not end_row or not end_column:
        return 1
    rows: int = (end_row - first_row) % 2**32
    columns: int = (end_column - first_column) % 2**32
    return rows * columns


__all__ = ["BrokenWorkbook", "SurveyedSheet", "survey_xls"]
