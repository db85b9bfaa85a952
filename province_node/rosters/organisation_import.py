"""Importing an organisation summary (汇总表, seed 003 附件1): one unit and its grassroots union per row.

Rows are few (a county has hundreds or thousands of unions), so each goes through the organisation and
unit use cases (the same checks, history and audit as the API), in one transaction with a savepoint per
row: a refused row undoes only itself; the mode decides whether the others are kept.

A row's union is found by its credit code or, without one, by name under the organisation chosen for
the import; its unit by its credit code or, without one, by name among the units the union covers. Found
ones are updated where the row differs, others are created there. Units and unions without a credit code
get a temporary code only when asked to (and keep it: importing the same summary again finds them).
A created union is a grassroots one (level 6) unless the row says otherwise; a found one keeps its level.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from exchange.standard.text import clean_text, compact_identifier
from province_node.db.tables import Organisation, OrganisationUnit, Unit
from province_node.domain.errors import DomainError, InvalidInput
from province_node.rosters.headers import ColumnMap
from province_node.rosters.outcome import ImportMode, ImportSummary, RowReason
from province_node.services import organisations, units
from province_node.services.unit_of_work import BatchUnitOfWork

_PARTS = {"unit.": "单位", "union.": "工会"}
_NEW_UNION_LEVEL = "6"  # 基层工会: the summary has no level column, and a row's union is a grassroots one


@dataclass(frozen=True, slots=True)
class OrganisationImport:
    """One organisation summary to import under ``organisation_id``."""

    file_name: str
    organisation_id: int
    mode: ImportMode = ImportMode.ALL_OR_NOTHING
    issue_temporary_codes: bool = False


def _part(record: Mapping[str, object], prefix: str) -> dict[str, object]:
    return {name.removeprefix(prefix): value for name, value in record.items() if name.startswith(prefix)}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _name(record: Mapping[str, object]) -> str:
    """The name of a record as stored (cleaned like the validators clean it)."""
    name = record.get("name")
    return clean_text(name) if isinstance(name, str) else ""


def _reasons(error: DomainError, prefix: str) -> list[RowReason]:
    if isinstance(error, InvalidInput):
        return [
            RowReason(field=prefix + item.field, code=item.code.value, message=f"{_PARTS[prefix]}：{item.message}")
            for item in error.problems
        ]
    return [RowReason(field=prefix.rstrip("."), code=error.code.value, message=f"{_PARTS[prefix]}：{error.message}")]


async def _union(
    uow: BatchUnitOfWork, parent: Organisation, record: dict[str, object], temporary: bool
) -> tuple[Organisation, str]:
    code = record.get("creditCode")
    statement = select(Organisation).where(Organisation.dissolved_at.is_(None))
    if not _blank(code):
        found = await uow.db.scalar(statement.where(Organisation.credit_code == compact_identifier(str(code))))
    else:
        found = await uow.db.scalar(
            statement.where(Organisation.parent_id == parent.id, Organisation.name == _name(record))
        )
    if found is None:
        record.setdefault("orgLevel", _NEW_UNION_LEVEL)
        created = await organisations.create_organisation(
            uow, parent_id=parent.id, record=record, issue_temporary=temporary and _blank(code)
        )
        return created, "created"
    before = found.updated_at
    updated = await organisations.update_organisation(uow, found.id, {k: v for k, v in record.items() if not _blank(v)})
    return updated, "updated" if updated.updated_at != before else "unchanged"


async def _unit(
    uow: BatchUnitOfWork, union: Organisation, record: dict[str, object], temporary: bool
) -> tuple[Unit, str]:
    code = record.get("creditCode")
    if not _blank(code):
        found = await uow.db.scalar(select(Unit).where(Unit.credit_code == compact_identifier(str(code))))
    else:  # without a code: the unit of that name the union covers already (a summary imported again)
        found = await uow.db.scalar(
            select(Unit)
            .join(OrganisationUnit, OrganisationUnit.unit_id == Unit.id)
            .where(OrganisationUnit.organisation_id == union.id, Unit.name == _name(record))
        )
    if found is None:
        created = await units.create_unit(
            uow, organisation_id=union.id, record=record, issue_temporary=temporary and _blank(code),
            covered_by=[union.id],
        )  # fmt: skip
        return created, "created"
    before = found.updated_at
    updated = await units.update_unit(uow, found.id, {k: v for k, v in record.items() if not _blank(v)})
    linked = await units.cover(uow, union.id, updated.id)
    return updated, "updated" if updated.updated_at != before or linked else "unchanged"


async def import_organisations(
    uow: BatchUnitOfWork, request: OrganisationImport, columns: ColumnMap, rows: Iterator[tuple[int, list[object]]]
) -> ImportSummary:
    """Import an organisation summary's data ``rows`` (header ``columns``) under the chosen organisation."""
    started = time.perf_counter()
    summary = ImportSummary(mode=request.mode, layout=columns.layout.name, ignored_columns=list(columns.ignored))
    parent = await organisations.organisation_in_scope(uow, request.organisation_id)
    outcomes: dict[str, int] = {"created": 0, "updated": 0, "unchanged": 0}
    for number, cells in rows:
        summary.rows += 1
        if errors := columns.formula_errors(cells):
            summary.reject(number, errors)
            continue
        record: dict[str, Any] = columns.record(cells)
        prefix = "union."
        try:
            async with uow.db.savepoint():
                union, union_outcome = await _union(uow, parent, _part(record, "union."), request.issue_temporary_codes)
                prefix = "unit."
                _, unit_outcome = await _unit(uow, union, _part(record, "unit."), request.issue_temporary_codes)
        except DomainError as error:
            summary.reject(number, _reasons(error, prefix))
            continue
        outcome = (
            "created"
            if "created" in (union_outcome, unit_outcome)
            else ("updated" if "updated" in (union_outcome, unit_outcome) else "unchanged")
        )
        outcomes[outcome] += 1
    summary.created, summary.updated, summary.unchanged = (
        outcomes["created"],
        outcomes["updated"],
        outcomes["unchanged"],
    )
    write = request.mode is ImportMode.ACCEPT_VALID or (
        request.mode is ImportMode.ALL_OR_NOTHING and not summary.rejected
    )
    if write:
        await uow.commit_batch()
        summary.written = True
    else:
        await uow.db.rollback()
    summary.seconds = time.perf_counter() - started
    return summary
