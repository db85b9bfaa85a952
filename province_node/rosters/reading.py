"""Reading an uploaded spreadsheet safely: what the file really is, then its rows, one at a time.

The file's content decides its kind, never its name: a renamed ``.exe`` or PDF is refused, an encrypted
workbook is recognised as such, and ``.xlsx``/``.ods`` archives are checked for zip bombs before anything is
decompressed. Sheets are read with python-calamine (fast, but it holds a sheet as a grid from its first to its
farthest cell: about 1 GB for a million rows, and an abort for a stray cell at XFD1048576). So an ``.xlsx``
sheet is surveyed first (``sheet_survey``: one streamed pass over its XML); one that reaches past
``STREAMED_ABOVE_ROWS`` rows or ``GRID_CELLS_IN_MEMORY`` cells, or whose cells are not all where their
references say, is streamed instead (``streamed_sheet``: slower, flat memory), in a process of its own
(``reading_process``). An ``.ods`` is surveyed the same way (``ods_survey``: repeated rows and cells counted
when they hold content) and refused past those bounds, since nothing can stream it: LibreOffice saves a column
filled to the bottom of the sheet as one row repeated a million times. An ``.xls`` is surveyed too
(``xls_survey``: its records walked with olefile's help) and refused past those bounds, every sheet counted,
since calamine holds them all as soon as it opens the file; a record calamine trips over (a Rust panic) is a
corrupt file, not a traceback.
CSV in UTF-8 (with or without BOM) or GB18030 is read with the standard library.

A formula is read as the value Excel or WPS saved with it; a sheet whose formulas have no saved values
(written by another program, never opened in one) is refused, since every such cell would read as empty.

Rows come out as ``(row number as the clerk sees it, cells)``; empty rows (and cells of only blanks) are
skipped, however many, so a member after thousands of empty rows is still read. A formula's error
(``#N/A``) in an ``.xlsx`` comes out as a ``CellError``; calamine reads the errors of ``.xls`` and ``.ods``
files as empty cells, and they cannot be told apart.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Final

import python_calamine as calamine

from province_node.rosters.cell_error import CellError
from province_node.rosters.ods_survey import survey_ods
from province_node.rosters.reading_process import rows_read_apart
from province_node.rosters.sheet_survey import ERROR_CELLS_KEPT, SheetSurvey, survey_sheet
from province_node.rosters.streamed_sheet import BrokenSheet, streamed_rows
from province_node.rosters.xls_survey import BrokenWorkbook, survey_xls
from province_node.rosters.xlsx_parts import first_sheet

MAX_UNCOMPRESSED_BYTES: Final = 2 * 1024**3
MAX_COMPRESSION_RATIO: Final = 200  # ordinary sheets compress 5-20x; zip bombs, thousands
MAX_ARCHIVE_ENTRIES: Final = 10_000
MAX_COLUMNS: Final = 200
STREAMED_ABOVE_ROWS: Final = 200_000
GRID_CELLS_IN_MEMORY: Final = STREAMED_ABOVE_ROWS * 32  # calamine takes 32 bytes a cell: about 200 MB
# calamine holds an .xls sheet twice (it copies sheet 0 as it reads it; formulas add a grid of their text):
# at the full bound 400-546 MB. Half still takes the largest .xls roster, 65,535 rows of 48 columns.
XLS_CELLS_IN_MEMORY: Final = GRID_CELLS_IN_MEMORY // 2
# What reading a part of a broken archive raises: zipfile's own errors, a missing part (KeyError), a truncated
# stream, bad deflate data, an entry encrypted with a zip password (RuntimeError) or compressed by a method
# zipfile lacks (NotImplementedError). Each is a file to save again, not a fault of the node.
_ARCHIVE_ERRORS: Final = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    EOFError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)
_OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP: Final = b"PK\x03\x04"
_ODS_MIMETYPE: Final = b"application/vnd.oasis.opendocument.spreadsheet"


class FileKind(StrEnum):
    """The kinds of file an import accepts."""

    XLSX = "xlsx"
    XLS = "xls"
    ODS = "ods"
    CSV = "csv"


class SpreadsheetError(Exception):
    """The file cannot be read as a spreadsheet; ``code`` is stable, ``message`` tells the clerk why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[SpreadsheetError], tuple[str, str]]:
        return SpreadsheetError, (self.code, self.message)  # raised by a reading process (``reading_process``)


def _refuse(code: str, message: str) -> SpreadsheetError:
    return SpreadsheetError(code, message)


def _check_archive(path: Path) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise _refuse("FILE_CORRUPT", "文件已损坏，无法作为表格打开；请重新保存后上传") from exc
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    inflated = any(
        entry.file_size > 1024**2 and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if len(entries) > MAX_ARCHIVE_ENTRIES or total > MAX_UNCOMPRESSED_BYTES or inflated:
        archive.close()
        raise _refuse("FILE_TOO_LARGE", "文件解压后异常巨大（疑似压缩炸弹），已拒绝读取")
    return archive


def sniff(path: Path) -> FileKind:
    """The kind of spreadsheet ``path`` holds, from its content; ``SpreadsheetError`` for anything else."""
    try:
        with path.open("rb") as file:
            head = file.read(4096)
    except OSError as exc:
        raise _refuse("FILE_UNREADABLE", f"无法读取文件：{exc.strerror}") from exc
    if not head:
        raise _refuse("FILE_EMPTY", "文件是空的")
    if head.startswith(_ZIP):
        with _check_archive(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return FileKind.XLSX
            if "mimetype" in names and _ods_mimetype(archive):
                return FileKind.ODS
        raise _refuse("FILE_TYPE", "这是一个压缩包，不是 Excel 或 WPS 表格文件")
    if head.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in _ole_directory(path):
            raise _refuse("FILE_ENCRYPTED", "表格设置了打开密码；请取消密码后重新保存再上传")
        return FileKind.XLS
    if head.startswith(b"MZ"):
        raise _refuse("FILE_TYPE", "这是一个程序文件（如 .exe），不是表格")
    if head.startswith(b"%PDF"):
        raise _refuse("FILE_TYPE", "这是 PDF 文件，不是表格；请上传 Excel、WPS 或 CSV 文件")
    if _text_encoding(head) is None:
        raise _refuse("FILE_TYPE", "无法识别的文件类型；请上传 .xlsx、.xls、.ods 或 .csv 文件")
    return FileKind.CSV


def _ods_mimetype(archive: zipfile.ZipFile) -> bool:
    """Whether the archive's ``mimetype`` entry names an OpenDocument spreadsheet."""
    try:
        with archive.open("mimetype") as entry:  # its first bytes only, however big the entry claims to be
            return entry.read(len(_ODS_MIMETYPE) + 64).strip() == _ODS_MIMETYPE
    except _ARCHIVE_ERRORS as exc:
        raise _refuse("FILE_CORRUPT", "文件已损坏，无法作为表格打开；请重新保存后上传") from exc


def _ole_directory(path: Path) -> bytes:
    # Directory entries of an OLE2 file name its streams in UTF-16; an encrypted OOXML file has an
    # "EncryptedPackage" stream. Reading the first 64 KB covers the directory of any such wrapper.
    with path.open("rb") as file:
        return file.read(65536)


def _text_encoding(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trimmed(cells: list[object]) -> list[object]:
    if len(cells) > MAX_COLUMNS:
        cells = cells[:MAX_COLUMNS]
    while cells and _blank(cells[-1]):
        cells.pop()
    return cells


def _numbered(
    rows: Iterator[Sequence[object]], errors: Mapping[int, list[tuple[int, str]]]
) -> Iterator[tuple[int, list[object]]]:
    """The non-empty rows, numbered as the clerk sees them. Every row is looked at, however many empty ones
    come before it (a member after 10,000 empty rows is still a member), one at a time."""
    for number, cells in enumerate(rows, start=1):
        row = list(cells)
        found = errors.get(number) if errors else None
        if found:
            for column, text in found:
                if column < MAX_COLUMNS:
                    row.extend([""] * (column + 1 - len(row)))
                    row[column] = CellError(text)
        row = _trimmed(row)
        if row:
            yield number, row


def _unsurveyable(kind: FileKind) -> SpreadsheetError:
    """The refusal of an archive the survey cannot read through. It is not left to calamine: its zip reader
    takes some archives Python's refuses (a local header naming another file), and would read them unsurveyed."""
    return _refuse(
        "FILE_CORRUPT",
        f"文件已损坏或不是有效的 {kind.value} 表格，无法读取；请用 Excel、WPS 或 LibreOffice 重新保存后上传",
    )


def _survey(path: Path) -> SheetSurvey:
    """What the first sheet holds and how far it reaches."""
    try:
        with zipfile.ZipFile(path) as archive:
            survey = survey_sheet(archive)
    except _ARCHIVE_ERRORS as exc:
        raise _unsurveyable(FileKind.XLSX) from exc
    if survey.uncalculated_formulas:
        raise _refuse(
            "FORMULA_NOT_CALCULATED",
            "表格中的公式没有保存计算结果（文件可能由其他软件生成），读出来是空的；"
            "请用 Excel 或 WPS 打开后保存，或把公式“粘贴为数值”，再上传",
        )
    if survey.more_error_cells:
        raise _refuse(
            "FORMULA_ERRORS",
            f"表格中有超过 {ERROR_CELLS_KEPT} 个公式计算出错的单元格（如 #N/A、#REF!）；"
            "请修正公式或把公式“粘贴为数值”后再上传",
        )
    return survey


def fits_in_memory(survey: SheetSurvey) -> bool:
    """True when calamine may hold the sheet: every cell is where its reference says and the grid up to the
    farthest one is small. Otherwise the sheet is streamed, whatever its ``<dimension>`` claims."""
    return survey.plain and survey.rows <= STREAMED_ABOVE_ROWS and survey.cells <= GRID_CELLS_IN_MEMORY


def _check_ods_size(path: Path) -> None:
    """Refuse an ``.ods`` whose content calamine would expand past what it may hold (there is no streamed
    reader to fall back on): most often a column filled down to the sheet's last row, repeated in one tag."""
    try:
        with zipfile.ZipFile(path) as archive:
            survey = survey_ods(archive)
    except _ARCHIVE_ERRORS as exc:
        raise _unsurveyable(FileKind.ODS) from exc
    _check_held(FileKind.ODS, [("第一个工作表", survey)])


def _check_xls_size(path: Path) -> None:
    """Refuse an ``.xls`` whose sheets calamine would hold past what it may: it holds every sheet of the
    workbook as a grid as soon as it opens the file, so all of them count, together.

    A container olefile cannot read is refused here too rather than left to calamine, which reads some that
    olefile cannot (a bad DIFAT start, a stream name with stray NULs): those would reach calamine unsurveyed.
    """
    try:
        sheets = survey_xls(path)
    except BrokenWorkbook as exc:
        message = "文件已损坏或不是有效的 xls 表格，无法读取；请用 Excel 或 WPS 重新保存后上传"
        raise _refuse("FILE_CORRUPT", message) from exc
    named = [(f"工作表“{sheet.name}”", sheet.survey) for sheet in sheets]
    _check_held(FileKind.XLS, named, cells_allowed=XLS_CELLS_IN_MEMORY)


def _check_held(
    kind: FileKind, sheets: Sequence[tuple[str, SheetSurvey]], *, cells_allowed: int = GRID_CELLS_IN_MEMORY
) -> None:
    """Refuse a workbook calamine would hold in more memory than it may, for want of a streamed reader:
    ``sheets`` are what it holds at once, each named as the clerk knows it. Each sheet must fit
    (``fits_in_memory``), and all of them together within ``cells_allowed`` cells."""
    if not all(survey.plain for _, survey in sheets):
        raise _refuse(  # a tag too long to look at or never ended (.ods), a DIMENSIONS past any sheet (.xls)
            "FILE_CORRUPT",
            "文件的结构有异常（超长或没有结束的标记，或超出表格上限的范围声明），无法读取；"
            "请用 Excel、WPS 或 LibreOffice 重新保存后上传",
        )
    if not sheets:
        return
    name, widest = max(sheets, key=lambda sheet: sheet[1].cells)
    total = sum(survey.cells for _, survey in sheets)
    if not fits_in_memory(widest) or widest.cells > cells_allowed:
        where = f"表格中{name}"
    elif total > cells_allowed:
        where = f"表格中 {len(sheets)} 个工作表合计有 {total} 个单元格，其中{name}"
    else:
        return
    raise _refuse(
        "SHEET_TOO_LARGE",
        f"{where}的内容一直延伸到第 {widest.rows} 行、第 {widest.columns} 列（{widest.far_cell()}），"
        f"超出了 .{kind.value} 文件一次能读取的范围"
        f"（不超过 {STREAMED_ABOVE_ROWS} 行、{cells_allowed} 个单元格）。"
        "这通常是某一列被一直填充到了表格最底部（或某一行被填充到最右边），或远处的单元格里留有内容。"
        "请删除多余的行和列后重新保存，或另存为 .xlsx 格式再上传；本次没有导入任何数据",
    )


def _calamine_rows(path: Path, kind: FileKind) -> Iterator[Sequence[object]]:
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise _refuse("FILE_ENCRYPTED", "表格设置了打开密码；请取消密码后重新保存再上传") from exc
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, OSError, ValueError) as exc:
        raise _refuse("FILE_CORRUPT", f"文件已损坏或不是有效的 {kind.value} 表格，无法读取") from exc
    except BaseException as exc:
        if not _panicked(exc):
            raise
        raise _refuse("FILE_CORRUPT", f"文件已损坏或不是有效的 {kind.value} 表格，无法读取") from exc
    try:
        if not workbook.sheet_names:
            raise _refuse("SHEET_MISSING", "表格中没有工作表")
        rows: Iterable[Sequence[object]] = workbook.get_sheet_by_index(0).iter_rows()
        yield from rows
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError) as exc:
        raise _refuse("FILE_CORRUPT", f"读取表格时出错（文件可能已损坏）：{exc}") from exc
    except BaseException as exc:
        if not _panicked(exc):
            raise
        raise _refuse("FILE_CORRUPT", "读取表格时出错（文件可能已损坏）；请重新保存后上传") from exc
    finally:
        workbook.close()


def _panicked(exc: BaseException) -> bool:
    """Whether calamine panicked (an ``.xls`` record it slices past its end: a broken FORMULA or MERGECELLS).
    pyo3 raises a Rust panic as ``PanicException``, a ``BaseException`` no module exports to name."""
    return type(exc).__name__ == "PanicException"


def _csv_rows(path: Path) -> Iterator[Sequence[object]]:
    with path.open("rb") as file:
        encoding = _text_encoding(file.read(1 << 20)) or "gb18030"
    with path.open(encoding=encoding, newline="", errors="strict") as text:
        sample = text.read(8192)
        text.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        try:
            yield from csv.reader(text, dialect)
        except UnicodeDecodeError as exc:
            raise _refuse("CSV_ENCODING", "CSV 文件的编码无法识别；请另存为 UTF-8 或 GB18030 编码") from exc
        except csv.Error as exc:
            raise _refuse("FILE_CORRUPT", f"CSV 文件格式有误：{exc}") from exc


def _streamed_rows(path: Path) -> Iterator[Sequence[object]]:
    """A big or oddly written ``.xlsx`` sheet, row by row, without holding it in memory (``streamed_sheet``).

    Its ``<dimension>`` is ignored (it may lie either way): rows are read to the sheet's end, each as wide
    as its own cells.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            yield from streamed_rows(archive, max_columns=MAX_COLUMNS)
    except (BrokenSheet, *_ARCHIVE_ERRORS) as exc:
        # a broken sheet shows only while it is read: XML, zip and value errors alike
        raise _refuse("FILE_CORRUPT", "文件已损坏或不是有效的 xlsx 表格，读取到中途出错；请重新保存后上传") from exc


def read_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    """The non-empty rows of the first sheet as ``(row number, cells)``, trailing empty cells dropped.

    In an ``.xlsx``, a cell holding a formula's error (``#N/A``, ``#REF!``) is a ``CellError``.
    """
    kind = sniff(path)
    errors: dict[int, list[tuple[int, str]]] = {}
    if kind is FileKind.CSV:
        rows: Iterator[Sequence[object]] = _csv_rows(path)
    elif kind is FileKind.XLSX:
        survey = _survey(path)
        if fits_in_memory(survey):
            for (row, column), text in survey.error_cells.items():  # calamine reads them as empty cells
                errors.setdefault(row, []).append((column, text))
            rows = _calamine_rows(path, kind)
        else:  # the streamed reader gives formula errors as they are
            rows = rows_read_apart(_streamed_rows, path)
    else:
        if kind is FileKind.ODS:
            _check_ods_size(path)
        else:
            _check_xls_size(path)
        rows = _calamine_rows(path, kind)
    return _numbered(rows, errors)


def row_count_hint(path: Path) -> int | None:
    """How many rows the sheet says it has (for progress and choosing a reader), when cheap to know."""
    kind = sniff(path)
    if kind is FileKind.CSV:
        with path.open("rb") as file:
            return sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b""))
    if kind is FileKind.XLSX:
        try:
            with zipfile.ZipFile(path) as archive, archive.open(first_sheet(archive)) as sheet:
                head = sheet.read(2048).decode("utf-8", errors="ignore")
        except _ARCHIVE_ERRORS:  # the reader says what is wrong with the file
            return None
        marker = head.find('<dimension ref="')
        if marker >= 0:
            reference = head[marker + 16 : head.find('"', marker + 16)]
            last = reference.split(":")[-1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            return int(last) if last.isdigit() else None
    return None


__all__ = ["CellError", "FileKind", "SpreadsheetError", "read_rows", "row_count_hint", "sniff"]
