"""Finding the header row of a roster and what each column holds.

Clerks' files put titles above the header ("长兴县基层工会会员花名册", "工会名称：XX工会"), sometimes split
a header over two rows under merged cells, order columns as they like and add their own. The header is
the row (or pair of rows) among the first ones that names the most columns of a layout; unknown columns
are ignored and reported; a title row "工会名称：…" gives the union of a roster without a union column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

from province_node.rosters.layouts import Column, Layout
from province_node.rosters.outcome import RowReason, formula_error
from province_node.rosters.reading import CellError, SpreadsheetError

HEADER_SEARCH_ROWS = 30
_TITLE_UNION = re.compile(r"工会名称\s*[:：]\s*(\S.*?)\s*$")
# A layout is recognised by at least one of these fields among its columns.
KEY_FIELDS = {"member_roster": {"name", "idNumber"}, "organisation_summary": {"unit.name", "union.name"}}


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column of the sheet holds which field, as decided from its header."""

    layout: Layout
    header_row: int
    columns: dict[int, Column]
    headers: list[str]
    ignored: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    title_union: str | None = None

    def fields(self) -> set[str]:
        """The fields present in the sheet."""
        return {column.field for column in self.columns.values()}

    def formula_errors(self, cells: Sequence[object]) -> list[RowReason]:
        """A reason for every cell of a data row that holds a formula's error, named by its header."""
        reasons = []
        for index, cell in enumerate(cells):
            if isinstance(cell, CellError):
                header = self.headers[index] if index < len(self.headers) and self.headers[index] else ""
                column = self.columns.get(index)
                reasons.append(formula_error(column.field if column else header, header or f"第 {index + 1} 列", cell))
        return reasons

    def record(self, cells: Sequence[object]) -> dict[str, object]:
        """The cells of a data row by field name (missing trailing cells are ``None``)."""
        return {column.field: cells[index] if index < len(cells) else None for index, column in self.columns.items()}


def _text(cell: object) -> str:
    return cell.strip() if isinstance(cell, str) else ("" if cell is None else str(cell))


def _mapping(layout: Layout, headers: list[str]) -> tuple[dict[int, Column], list[str], list[str]]:
    columns: dict[int, Column] = {}
    seen: set[str] = set()
    ignored, duplicated = [], []
    for index, header in enumerate(headers):
        if not header:
            continue
        column = layout.column_for(header)
        if column is None:
            ignored.append(header)
        elif not column.imported:
            continue
        elif column.field in seen:
            duplicated.append(header)
        else:
            seen.add(column.field)
            columns[index] = column
    return columns, ignored, duplicated


def _candidates(rows: list[tuple[int, list[object]]]) -> Iterator[tuple[int, list[str]]]:
    for position, (number, cells) in enumerate(rows):
        headers = [_text(cell) for cell in cells]
        yield number, headers
        if position + 1 < len(rows):
            below = [_text(cell) for cell in rows[position + 1][1]]
            width = max(len(headers), len(below))
            merged = [
                (below[index] if index < len(below) and below[index] else "")
                or (headers[index] if index < len(headers) else "")
                for index in range(width)
            ]
            yield rows[position + 1][0], merged


def find_header(
    rows: Iterable[tuple[int, list[object]]], layouts: Sequence[Layout]
) -> tuple[ColumnMap, Iterator[tuple[int, list[object]]]]:
    """The column map of the best header among the first rows, and an iterator over the data rows after it."""
    iterator = iter(rows)
    head = [row for _, row in zip(range(HEADER_SEARCH_ROWS), iterator, strict=False)]
    best: ColumnMap | None = None
    for number, headers in _candidates(head):
        for layout in layouts:
            columns, ignored, duplicated = _mapping(layout, headers)
            if not {column.field for column in columns.values()} & KEY_FIELDS[layout.name]:
                continue
            if best is None or len(columns) > len(best.columns):
                best = ColumnMap(layout, number, columns, headers, ignored, duplicated)
    if best is None or len(best.columns) < 2:
        raise SpreadsheetError(
            "HEADER_NOT_FOUND",
            f"在前 {HEADER_SEARCH_ROWS} 行中找不到表头；表头应包含“姓名”“身份证号码”等列名"
            "（组织信息汇总表应包含“单位名称”“工会名称”）",
        )
    title_union = next(
        (
            match.group(1)
            for number, cells in head
            if number < best.header_row
            for cell in cells
            if isinstance(cell, str) and (match := _TITLE_UNION.search(cell))
        ),
        None,
    )
    best = ColumnMap(
        best.layout, best.header_row, best.columns, best.headers, best.ignored, best.duplicated, title_union
    )
    data = ((number, cells) for number, cells in head if number > best.header_row)
    return best, chain(data, iterator)
