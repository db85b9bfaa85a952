"""Which union and unit a roster row means, within the subtree of the import.

A file names few distinct unions and units, so each distinct reference is looked up once (one small
query) and remembered; a row then costs a dictionary lookup. A union is given by its credit code, or by
a name that is unique in the subtree, or not at all (the union the import was started on, or the one in
the sheet's title). A unit is given by its credit code (kept in the subtree, or covered by the row's
union), or by a name unique among the units the union covers, or among the units kept in the subtree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from exchange.standard import ProblemCode, problem
from exchange.standard.text import clean_text, compact_identifier
from province_node.rosters.outcome import ROW_MESSAGES, RowProblemCode, RowReason

MEMBER_HOLDING_UNION_TYPES = ["1", "2", "3"]


@dataclass(frozen=True, slots=True)
class ReferenceColumns:
    """Where a sheet holds the references (column indexes, ``None`` when absent)."""

    union: int | None
    union_code: int | None
    unit: int | None
    unit_code: int | None


Resolved = tuple[int | None, int | None, list[RowReason]]  # union id, unit id, problems


def _problem(code: RowProblemCode, detail: object, field: str) -> RowReason:
    return RowReason(field=field, code=code.value, message=ROW_MESSAGES[code].format(detail=detail))


def _missing(code: ProblemCode, field: str) -> RowReason:
    """The standard's own reason for a member without a unit or a union (no 空挂会员)."""
    found = problem(code, field)
    return RowReason(field=found.field, code=found.code.value, message=found.message)


def _cell(cells: Sequence[object], index: int | None) -> str | None:
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    if value is None or value == "":
        return None
    text = clean_text(value if isinstance(value, str) else str(value))
    return text or None


class ReferenceResolver:
    """Resolves the union and unit of rows, caching every distinct reference (one connection, read-only)."""

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        scope_path: str,
        columns: ReferenceColumns,
        *,
        chosen_union: int | None,
        title_union: str | None,
    ) -> None:
        self.connection = connection
        self.scope = scope_path
        self.columns = columns
        self.chosen_union = chosen_union
        self.title_union = title_union
        self._unions: dict[tuple[str | None, str | None], int | RowReason] = {}
        self._units: dict[tuple[int, str | None, str | None], int | RowReason] = {}

    def resolve(self, cells: Sequence[object]) -> Resolved:
        """The union id, unit id and problems of one row."""
        problems: list[RowReason] = []
        union_name, union_code = _cell(cells, self.columns.union), _cell(cells, self.columns.union_code)
        union_key = (union_name, compact_identifier(union_code) if union_code else None)
        union = self._unions.get(union_key)
        if union is None:
            self._unions[union_key] = union = self._find_union(*union_key)
        if isinstance(union, RowReason):
            problems.append(union)
            return None, None, problems
        unit_name, unit_code = _cell(cells, self.columns.unit), _cell(cells, self.columns.unit_code)
        if unit_name is None and unit_code is None:
            problems.append(_missing(ProblemCode.MEMBER_WITHOUT_UNIT, "unit"))
            return union, None, problems
        unit_key = (union, unit_name, compact_identifier(unit_code) if unit_code else None)
        unit = self._units.get(unit_key)
        if unit is None:
            self._units[unit_key] = unit = self._find_unit(*unit_key)
        if isinstance(unit, RowReason):
            problems.append(unit)
            return union, None, problems
        return union, unit, problems

    def _unions_where(self, condition: str, value: object) -> list[tuple[int]]:
        return self.connection.execute(
            f"""SELECT id FROM organisation
                WHERE path <@ text2ltree(%(scope)s) AND dissolved_at IS NULL AND union_type = ANY(%(types)s)
                  AND {condition} ORDER BY id LIMIT 2""",  # noqa: S608 - a constant condition; values are parameters
            {"scope": self.scope, "types": MEMBER_HOLDING_UNION_TYPES, "value": value},
        ).fetchall()

    def _find_union(self, name: str | None, code: str | None) -> int | RowReason:
        if code is not None:
            found = self._unions_where("credit_code = %(value)s", code)
            return found[0][0] if found else _problem(RowProblemCode.UNION_NOT_FOUND, code, "union")
        name = name or (self.title_union if self.chosen_union is None else None)
        if name is None:
            if self.chosen_union is not None:
                return self.chosen_union
            return _missing(ProblemCode.MEMBER_WITHOUT_UNION, "union")
        found = self._unions_where("name = %(value)s", name)
        if len(found) > 1:
            return _problem(RowProblemCode.UNION_AMBIGUOUS, name, "union")
        return found[0][0] if found else _problem(RowProblemCode.UNION_NOT_FOUND, name, "union")

    def _find_unit(self, union: int, name: str | None, code: str | None) -> int | RowReason:
        params = {"scope": self.scope, "union": union, "name": name, "code": code}
        if code is not None:
            found = self.connection.execute(
                """SELECT u.id FROM unit u JOIN organisation k ON k.id = u.organisation_id
                   WHERE u.credit_code = %(code)s
                     AND (k.path <@ text2ltree(%(scope)s)
                          OR EXISTS (SELECT 1 FROM organisation_unit c WHERE c.unit_id = u.id
                                     AND c.organisation_id = %(union)s))""",
                params,
            ).fetchall()
            return found[0][0] if found else _problem(RowProblemCode.UNIT_NOT_FOUND, code, "unit")
        for query in (
            """SELECT u.id FROM organisation_unit c JOIN unit u ON u.id = c.unit_id
               WHERE c.organisation_id = %(union)s AND u.name = %(name)s ORDER BY u.id LIMIT 2""",
            """SELECT u.id FROM unit u JOIN organisation k ON k.id = u.organisation_id
               WHERE k.path <@ text2ltree(%(scope)s) AND u.name = %(name)s ORDER BY u.id LIMIT 2""",
        ):
            found = self.connection.execute(query, params).fetchall()
            if len(found) > 1:
                return _problem(RowProblemCode.UNIT_AMBIGUOUS, name, "unit")
            if found:
                return int(found[0][0])
        return _problem(RowProblemCode.UNIT_NOT_FOUND, name, "unit")
