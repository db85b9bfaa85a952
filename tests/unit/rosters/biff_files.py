"""Small .xls workbooks built record by record, for what xlwt will not write: a chart sheet before the roster,
a DIMENSIONS record that lies, a column past IV, a record cut short, an encrypted workbook's FILEPASS.

``workbook`` lays out a BIFF8 stream ([MS-XLS]): the globals (BOF, any records given, a BOUNDSHEET per sheet
giving the offset of its BOF, EOF), then each sheet's records between its own BOF and EOF. ``write_xls`` puts
the stream in xlwt's OLE2 container, the one every .xls the tests write with ``write_sheet`` is in.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from xlwt.CompoundDoc import XlsDoc  # type: ignore[import-untyped]

WORKSHEET: Final = 0x00
CHART: Final = 0x02
_SUBSTREAMS: Final = {WORKSHEET: 0x0010, CHART: 0x0020}  # BOF's kind of substream, by BOUNDSHEET's kind of sheet
_EOF: Final = b"\x0a\x00\x00\x00"


def record(kind: int, data: bytes = b"") -> bytes:
    """One record: its type, the length of its data, its data."""
    return struct.pack("<HH", kind, len(data)) + data


def cell(kind: int, row: int, column: int, rest: bytes = bytes(10)) -> bytes:
    """A record of ``kind`` for the cell at zero-based ``row`` and ``column``, ``rest`` after its position."""
    return record(kind, struct.pack("<HH", row, column) + rest)


def number(row: int, column: int, value: float = 1.0) -> bytes:
    """A NUMBER cell."""
    return record(0x0203, struct.pack("<HHHd", row, column, 0, value))


def mulrk(row: int, first: int, count: int) -> bytes:
    """A MULRK of ``count`` cells holding 1, from column ``first``."""
    one = struct.pack("<Hi", 0, (1 << 2) | 2)  # format 0, then the RK integer 1
    return record(0x00BD, struct.pack("<HH", row, first) + one * count + struct.pack("<H", first + count - 1))


def mulblank(row: int, first: int, last: int) -> bytes:
    """Formatted empty cells from column ``first`` to ``last``."""
    return record(0x00BE, struct.pack("<HH", row, first) + bytes(2 * (last - first + 1)) + struct.pack("<H", last))


def dimensions(first_row: int, end_row: int, first_column: int, end_column: int) -> bytes:
    """A DIMENSIONS record: the first row and column, and the row and column after the last ones."""
    return record(0x0200, struct.pack("<IIHHH", first_row, end_row, first_column, end_column, 0))


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet as its tab names it, its records (without BOF and EOF), and its kind."""

    name: str
    records: bytes = b""
    kind: int = WORKSHEET


def _bof(substream: int) -> bytes:
    return record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 0x06))


def _boundsheet(offset: int, sheet: Sheet) -> bytes:
    name = struct.pack("<BB", len(sheet.name), 1) + sheet.name.encode("utf-16-le")  # its length, then UTF-16
    return record(0x0085, struct.pack("<IBB", offset, 0, sheet.kind) + name)


def workbook(sheets: Sequence[Sheet], *, globals_records: bytes = b"") -> bytes:
    """The Workbook stream of ``sheets``, ``globals_records`` after the globals' BOF."""
    head = _bof(0x0005) + globals_records
    offset = len(head) + sum(len(_boundsheet(0, sheet)) for sheet in sheets) + len(_EOF)
    directory, substreams = b"", b""
    for sheet in sheets:
        directory += _boundsheet(offset + len(substreams), sheet)
        substreams += _bof(_SUBSTREAMS[sheet.kind]) + sheet.records + _EOF
    return head + directory + _EOF + substreams


def write_xls(path: Path, stream: bytes) -> Path:
    """``stream`` as the Workbook stream of an OLE2 file at ``path``."""
    XlsDoc().save(str(path), stream)
    return path
