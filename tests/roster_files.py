"""Spreadsheet files as clerks' programs save them, written in tests: .xlsx, .xls, .ods and .csv.

``write_sheet`` writes rows of cells (``str``, numbers, dates, ``None`` for an empty cell, ``Formula``)
to a file whose kind its suffix names: .xlsx with xlsxwriter, .xls with xlwt (a real BIFF8 workbook, as
Excel 97-2003 and WPS save them), .ods by hand (a minimal OpenDocument archive, as LibreOffice's
essentials; ``ods_content`` and ``write_ods_content`` add rows repeated as LibreOffice saves them), .csv
in UTF-8 with a byte-order mark (Excel's "CSV UTF-8") or GB18030 (older Chinese Excel).
``member_record`` turns a synthetic person into a roster row by header, coded fields as their labels.
"""

from __future__ import annotations

import csv
import datetime
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape, quoteattr

import xlsxwriter
import xlwt  # type: ignore[import-untyped]

from exchange.standard import code_list
from province_node.synthetic.people import Person

ODS_MIMETYPE: Final = "application/vnd.oasis.opendocument.spreadsheet"
_EXCEL_EPOCH: Final = datetime.date(1899, 12, 30)
# The headers of a Hunan roster (its profile asks for ethnicity, political status and education).
HUNAN_HEADERS: Final = (
    "序号", "姓名", "性别", "身份证号码", "民族", "政治面貌", "学历", "手机号码", "户籍类型", "所属单位", "所在工会",
)  # fmt: skip
# The member roster of seed 003 (附件3), exactly.
SEED_003_HEADERS: Final = (
    "序号", "姓名", "性别", "身份证号码", "国籍", "学历", "手机号码", "户籍类型", "所属单位", "就业状况",
    "担任工会职务",
)  # fmt: skip
_LABELLED: Final = {
    "性别": ("gender", "gender"),
    "民族": ("ethnicity", "ethnicity"),
    "政治面貌": ("political_status", "political_status"),
    "学历": ("education", "education"),
    "户籍类型": ("household_type", "household_type"),
    "就业状况": ("employment_status", "employment_status"),
    "担任工会职务": ("union_position", "union_position"),
    "专兼职工会职务标识": ("position_kind", "position_kind"),
    "新就业形态劳动者": ("new_employment_form", "new_employment_form"),
}

Cell = object
Row = Sequence[Cell]


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula cell; ``cached`` is the value the saving program computed (``None``: never computed)."""

    formula: str
    cached: str | float | None = None


def excel_serial(day: datetime.date) -> int:
    """The Excel (1900 system) serial number of a day after February 1900."""
    return (day - _EXCEL_EPOCH).days


def label(list_name: str, code: str) -> str:
    """The Chinese label of a code."""
    return code_list(list_name).label(code)


def member_record(person: Person, unit: str, union: str | None = None, *, sequence: int = 1) -> dict[str, object]:
    """A roster row by header for ``person``: every header a Hunan or seed-003 roster may have, labels for
    codes, the birth date as a date; the ID number and phone as text."""
    record: dict[str, object] = {
        "序号": sequence,
        "姓名": person.name,
        "身份证号码": person.id_number,
        "证件类型": "居民身份证",
        "出生日期": person.birth_date,
        "手机号码": person.phone,
        "国籍": "中国",
        "所属单位": unit,
        "所在工会": union,
        "入会时间": person.joined_on,
    }
    for header, (attribute, list_name) in _LABELLED.items():
        record[header] = label(list_name, getattr(person, attribute))
    return record


def table(headers: Sequence[str], records: Iterable[Mapping[str, object]], *, above: Sequence[Row] = ()) -> list[Row]:
    """Rows of a sheet: ``above`` (title rows), the header, then each record's cells in header order."""
    return [*above, list(headers), *([record.get(header) for header in headers] for record in records)]


def write_sheet(path: Path, rows: Sequence[Row], *, encoding: str = "utf-8-sig") -> Path:
    """Write ``rows`` to ``path`` as the kind of file its suffix names; ``encoding`` is for .csv."""
    writers = {".xlsx": _write_xlsx, ".xls": _write_xls, ".ods": _write_ods}
    if path.suffix == ".csv":
        _write_csv(path, rows, encoding)
    else:
        writers[path.suffix](path, rows)
    return path


def _write_xlsx(path: Path, rows: Sequence[Row]) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("花名册")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for row_index, row in enumerate(rows):
        for column, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, Formula):
                cached = "" if cell.cached is None else cell.cached
                sheet.write_formula(row_index, column, cell.formula, None, cached)
            elif isinstance(cell, str):
                sheet.write_string(row_index, column, cell)
            elif isinstance(cell, datetime.date):
                moment = (
                    cell if isinstance(cell, datetime.datetime) else datetime.datetime.combine(cell, datetime.time())
                )
                sheet.write_datetime(row_index, column, moment, date)
            elif isinstance(cell, int | float):
                sheet.write_number(row_index, column, cell)
            else:
                raise TypeError(f"no .xlsx cell for {cell!r}")
    book.close()


def _write_xls(path: Path, rows: Sequence[Row]) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for row_index, row in enumerate(rows):
        for column, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, datetime.date):
                sheet.write(row_index, column, cell, date)
            elif isinstance(cell, str | int | float):
                sheet.write(row_index, column, cell)
            else:
                raise TypeError(f"no .xls cell for {cell!r}")
    book.save(str(path))


def _ods_cell(cell: Cell) -> str:
    if cell is None:
        return "<table:table-cell/>"
    if isinstance(cell, datetime.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{cell.isoformat()}">'
            f"<text:p>{cell.isoformat()}</text:p></table:table-cell>"
        )
    if isinstance(cell, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{cell}">'
            f"<text:p>{cell}</text:p></table:table-cell>"
        )
    if isinstance(cell, str):
        return f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}</text:p></table:table-cell>'
    raise TypeError(f"no .ods cell for {cell!r}")


def ods_row(row: Row, *, repeated: int = 1, after: str = "") -> str:
    """A ``<table:table-row>`` of ``row``'s cells then ``after`` (raw cells), repeated ``repeated`` times."""
    attribute = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{attribute}>{''.join(_ods_cell(cell) for cell in row)}{after}</table:table-row>"


def ods_content(rows: Sequence[Row], sheet: str = "花名册", *, after: str = "") -> str:
    """The ``content.xml`` of a one-sheet OpenDocument spreadsheet holding ``rows``, then ``after`` (raw rows)."""
    body = "".join(ods_row(row) for row in rows) + after
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet><table:table table:name={quoteattr(sheet)}>{body}"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )


def _write_ods(path: Path, rows: Sequence[Row]) -> None:
    write_ods_content(path, ods_content(rows))


def write_ods_content(path: Path, content: str) -> Path:
    """An .ods archive (mimetype, manifest) whose ``content.xml`` is ``content``."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell)


def _write_csv(path: Path, rows: Sequence[Row], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows([_csv_cell(cell) for cell in row] for row in rows)


# --- archives built by hand: minimal .xlsx parts, corrupt ones, zip bombs ---------------------------------

_CONTENT_TYPES: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELATIONSHIPS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_RELATIONSHIPS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_START: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def workbook_parts() -> dict[str, bytes]:
    """Every part of a one-sheet .xlsx except the sheet itself (``xl/worksheets/sheet1.xml``)."""
    return {
        "[Content_Types].xml": _CONTENT_TYPES.encode(),
        "_rels/.rels": _PACKAGE_RELS.encode(),
        "xl/workbook.xml": _WORKBOOK.encode(),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS.encode(),
    }


def inline_row(number: int, texts: Sequence[str]) -> str:
    """A sheet row of inline strings in columns A, B, …"""
    cells = "".join(
        f'<c r="{chr(65 + index)}{number}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
        for index, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    deflated: bytes
    crc: int
    size: int


def _deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _write_zip(path: Path, entries: Sequence[_Entry], *, declared_sizes: Mapping[str, int] | None = None) -> None:
    """A zip archive of already deflated entries; ``declared_sizes`` lie about entries' inflated sizes."""
    declared_sizes = declared_sizes or {}
    local, central = bytearray(), bytearray()
    for entry in entries:
        name = entry.name.encode()
        size = declared_sizes.get(entry.name, entry.size)
        fields = struct.pack("<HHHHHIIIHH", 20, 0x800, 8, 0, 0x21, entry.crc, len(entry.deflated), size, len(name), 0)
        central += struct.pack("<IH", 0x02014B50, 20) + fields + struct.pack("<HHHII", 0, 0, 0, 0, len(local)) + name
        local += struct.pack("<I", 0x04034B50) + fields + name + entry.deflated
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))


def write_xlsx_parts(path: Path, sheet_xml: bytes, *, parts: Mapping[str, bytes] | None = None) -> Path:
    """An .xlsx of the standard parts (or ``parts``) and ``sheet_xml`` as its one sheet, built by hand."""
    contents = {**(workbook_parts() if parts is None else parts), "xl/worksheets/sheet1.xml": sheet_xml}
    entries = [_Entry(name, _deflated(data), zlib.crc32(data), len(data)) for name, data in contents.items()]
    _write_zip(path, entries)
    return path


def write_zip_bomb(path: Path, inflated: int, *, honest: bool = True) -> Path:
    """An .xlsx of a few KB whose sheet inflates to ``inflated`` bytes of blanks between two tags.

    The blanks are deflated once per megabyte and the block repeated, so writing costs nothing. With
    ``honest`` false the archive declares the sheet's inflated size as a few hundred bytes.
    """
    block_size = 1 << 20
    head = (SHEET_START + "<sheetData>").encode()
    tail = b"</sheetData></worksheet>"
    blocks = max(1, (inflated - len(head) - len(tail)) // block_size)
    opening = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = opening.compress(head) + opening.flush(zlib.Z_FULL_FLUSH)
    repeated = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = repeated.compress(b" " * block_size) + repeated.flush(zlib.Z_FULL_FLUSH)
    closing = zlib.compressobj(9, zlib.DEFLATED, -15)
    end = closing.compress(tail) + closing.flush()
    crc = zlib.crc32(head)
    blank = b" " * block_size
    for _ in range(blocks):
        crc = zlib.crc32(blank, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + blocks * block_size + len(tail)
    entries = [_Entry(name, _deflated(data), zlib.crc32(data), len(data)) for name, data in workbook_parts().items()]
    entries.append(_Entry("xl/worksheets/sheet1.xml", start + block * blocks + end, crc, size))
    _write_zip(path, entries, declared_sizes=None if honest else {"xl/worksheets/sheet1.xml": 300})
    return path
