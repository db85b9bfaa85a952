"""Importing a spreadsheet: recognise what it is, check its columns, hand it to the right importer.

A member roster goes through the bulk path (in a thread: it is CPU-bound and synchronous); an
organisation summary through the use cases. Either way the caller gets an ``ImportSummary`` and, when
rows were refused, an error report next to the upload.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from exchange.standard import china_today
from exchange.standard.member_record import ALWAYS_REQUIRED
from province_node.domain.access import Caller
from province_node.rosters.error_report import write_error_report
from province_node.rosters.headers import ColumnMap, find_header
from province_node.rosters.layouts import MEMBER_ROSTER, ORGANISATION_SUMMARY
from province_node.rosters.member_import import MemberImport, import_members
from province_node.rosters.organisation_import import OrganisationImport, import_organisations
from province_node.rosters.outcome import ImportMode, ImportSummary
from province_node.rosters.reading import SpreadsheetError, read_rows
from province_node.services.organisations import MEMBER_HOLDING_UNION_TYPES, organisation_in_scope
from province_node.services.unit_of_work import BatchUnitOfWork, Database
from province_node.tenant import Tenant

# Fields a resident ID gives when their column is missing; every other required field needs a column.
DERIVABLE = frozenset({"gender", "birthDate", "idType", "nationality"})


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """A spreadsheet to import into the subtree of ``organisation_id``."""

    path: Path
    file_name: str
    organisation_id: int
    mode: ImportMode = ImportMode.ALL_OR_NOTHING
    report_path: Path | None = None
    issue_temporary_codes: bool = False
    workers: int | None = None
    today: datetime.date = field(default_factory=china_today)


def missing_member_columns(columns: ColumnMap, required: frozenset[str], union_given: bool) -> list[str]:
    """Chinese headers of required member columns the sheet lacks."""
    present = columns.fields()
    missing = [name for name in sorted(required - DERIVABLE - {"unit", "union"}) if name not in present]
    headers = {column.field: column.header for column in MEMBER_ROSTER.all_columns}
    names = [headers.get(name, name) for name in missing]
    if not present & {"unit", "unitCreditCode"}:
        names.append("所属单位（或单位统一社会信用代码）")
    if not union_given and not present & {"union", "unionCreditCode"}:
        names.append("所在工会（或所在工会统一社会信用代码）")
    return names


async def import_file(
    tenant: Tenant, caller: Caller, request: ImportRequest, *, progress: Callable[[int], None] | None = None
) -> ImportSummary:
    """Import a member roster or an organisation summary; ``SpreadsheetError`` when the file is unusable."""
    columns, rows = await asyncio.to_thread(find_header, read_rows(request.path), (MEMBER_ROSTER, ORGANISATION_SUMMARY))
    async with tenant.sessions() as session:
        uow = BatchUnitOfWork(Database(session), tenant, caller, request.today)
        chosen = await organisation_in_scope(uow, request.organisation_id)
        if columns.layout is MEMBER_ROSTER:
            union_given = chosen.union_type in MEMBER_HOLDING_UNION_TYPES or columns.title_union is not None
            missing = missing_member_columns(columns, ALWAYS_REQUIRED | tenant.profile.member, union_given)
            if missing:
                raise SpreadsheetError("COLUMNS_MISSING", f"表头缺少必填列：{'、'.join(missing)}")
            member_request = MemberImport(
                path=request.path,
                file_name=request.file_name,
                organisation_id=chosen.id,
                mode=request.mode,
                report_path=request.report_path,
                today=request.today,
                **({"workers": request.workers} if request.workers else {}),
            )
            await uow.db.rollback()
            return await asyncio.to_thread(
                import_members, tenant, caller, member_request, columns, rows, progress=progress
            )
        summary = await import_organisations(
            uow,
            OrganisationImport(request.file_name, chosen.id, request.mode, request.issue_temporary_codes),
            columns,
            _reporting(rows, progress),
        )
    if summary.rejected and request.report_path is not None:
        await asyncio.to_thread(write_error_report, request.path, columns, summary.rejected, request.report_path)
        summary.report = str(request.report_path)
    return summary


def _reporting(
    rows: Iterator[tuple[int, list[object]]], progress: Callable[[int], None] | None
) -> Iterator[tuple[int, list[object]]]:
    for row in rows:
        yield row
        if progress:
            progress(1)
