"""Where the parts of an ``.xlsx`` package are: its first sheet, its shared strings and its styles.

They are found as Excel finds them, through the workbook's relationships (``xl/_rels/workbook.xml.rels``),
not by the names the parts usually have; the usual names are the fallback when the relationships say nothing.
The workbook and its relationships are small files: at most their first megabyte is looked at.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from typing import Final

_HEAD_BYTES: Final = 1 << 20
_SHEET: Final = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=[\"']([^\"']+)[\"']")
_RELATIONSHIP: Final = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE: Final = re.compile(rb"\b(Id|Type|Target)=[\"']([^\"']+)[\"']")
_DATE_1904: Final = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*?\bdate1904=[\"'](?:1|true)[\"']")


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as part:
            return part.read(_HEAD_BYTES)
    except KeyError:
        return b""


def _relationships(archive: zipfile.ZipFile) -> list[dict[bytes, bytes]]:
    """The workbook's relationships, each as its ``Id``, ``Type`` and ``Target``."""
    tags = _RELATIONSHIP.findall(_head(archive, "xl/_rels/workbook.xml.rels"))
    return [dict(_ATTRIBUTE.findall(tag)) for tag in tags]


def _part(archive: zipfile.ZipFile, relationship: dict[bytes, bytes]) -> str | None:
    """The part a relationship points at, when the package holds it."""
    target = relationship.get(b"Target", b"").decode("utf-8", errors="replace")
    if not target:
        return None
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    return part if part in archive.NameToInfo else None


def first_sheet(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet (``xl/worksheets/sheet1.xml`` when nothing says otherwise):
    the first ``<sheet>`` of ``xl/workbook.xml``, which calamine and openpyxl read as sheet 0."""
    sheet = _SHEET.search(_head(archive, "xl/workbook.xml"))
    if sheet is not None:
        for relationship in _relationships(archive):
            if relationship.get(b"Id") == sheet[1] and (part := _part(archive, relationship)) is not None:
                return part
    sheets = sorted(name for name in archive.namelist() if name.startswith("xl/worksheets/sheet"))
    return sheets[0] if sheets else "xl/worksheets/sheet1.xml"


def related_part(archive: zipfile.ZipFile, kind: str, usual: str) -> str | None:
    """The workbook's part of relationship ``kind`` (``sharedStrings``, ``styles``), else ``usual`` if the
    package holds it; ``None`` when the workbook has none (a sheet of numbers needs no shared strings)."""
    for relationship in _relationships(archive):
        if relationship.get(b"Type", b"").rsplit(b"/", 1)[-1] == kind.encode():
            part = _part(archive, relationship)
            if part is not None:
                return part
    return usual if usual in archive.NameToInfo else None


def counts_from_1904(archive: zipfile.ZipFile) -> bool:
    """Whether the workbook counts its dates from 1904 (old Mac Excel) rather than from 1900."""
    return _DATE_1904.search(_head(archive, "xl/workbook.xml")) is not None
