"""Exports of a subtree to .xlsx in the roster layouts: its members (花名册) or its grassroots unions (汇总表).

An export is a filled template (``templates.template_columns``): the same headers, drop-downs and text
formats, coded values written as their labels, dates as date cells, ID numbers and phones as text. So an
export re-imports unchanged — when its personal numbers are in clear: roles that may not read personal
data (``Permission.READ_PERSONAL_DATA``) get them masked, and a masked number cannot be imported.

The database is read in batches by keyset over ids and written with xlsxwriter in constant-memory mode,
so a county of 40,000 members or a province's unions never sit in memory at once; formatting a batch
(decrypting numbers, writing cells) runs in a worker thread so the event loop keeps serving. Each export
writes one audit entry, in the same transaction, after the file is complete: how many rows, whether
personal data was in clear and, when it was, which members. Callers write to a temporary file and hand
it on (stream it, or move it into place) only after the export returned, i.e. after the audit entry is
committed; on any failure they discard it.

Only current members are exported (active, retired, reserved, transferring out): an ended membership
re-imported would come back to life. The membership status itself has no column in the layout.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import Row, Select, func, or_, select

from exchange.standard.organisation_record import GRASSROOTS_LEVEL, GRASSROOTS_UNION_TYPES
from province_node.db.tables import Member, Membership, Organisation, Unit, is_within
from province_node.domain.access import Permission
from province_node.domain.lifecycle import CURRENT_STATUSES
from province_node.domain.masking import mask_id_number, mask_phone
from province_node.rosters.layouts import MEMBER_ROSTER, ORGANISATION_SUMMARY, Layout
from province_node.rosters.templates import required_fields, template_columns
from province_node.rosters.workbook import RosterWorkbook, Target
from province_node.services import audit
from province_node.services.members import MemberFilter, filter_conditions, open_id_number, open_phone
from province_node.services.membership import PERSON_COLUMNS
from province_node.services.organisations import organisation_in_scope
from province_node.services.unit_of_work import UnitOfWork
from province_node.services.units import units_covered_by

BATCH_SIZE: Final = 1_000


class ExportKind(StrEnum):
    """What an export holds."""

    MEMBERS = "members"  # the member roster (花名册), one row per current member
    ORGANISATIONS = "organisations"  # the organisation summary (汇总表), one row per grassroots union and unit


LAYOUTS: Final[dict[ExportKind, Layout]] = {
    ExportKind.MEMBERS: MEMBER_ROSTER,
    ExportKind.ORGANISATIONS: ORGANISATION_SUMMARY,
}


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote: its kind, the subtree's root organisation, the data rows, clear or masked."""

    kind: ExportKind
    organisation_id: int
    organisation_name: str
    rows: int
    personal_data_in_clear: bool


async def export_roster(
    uow: UnitOfWork,
    kind: ExportKind,
    target: Target,
    *,
    under: int | None = None,
    via: str = "http",
    batch_size: int = BATCH_SIZE,
) -> ExportSummary:
    """Write the members or organisations of the subtree under ``under`` (the caller's own organisation by
    default; ``NotFound`` outside the caller's scope) to ``target`` and commit the audit entry.

    ``via`` says in the audit entry how the export was asked for (``http``, ``cli``).
    """
    uow.caller.require(Permission.READ)
    root = await organisation_in_scope(uow, under if under is not None else uow.caller.organisation_id)
    layout = LAYOUTS[kind]
    profile = uow.tenant.profile
    columns = template_columns(layout, profile)
    clear = kind is ExportKind.MEMBERS and uow.caller.can(Permission.READ_PERSONAL_DATA)
    book = await asyncio.to_thread(
        RosterWorkbook, target, layout, profile, columns, required_fields(layout, profile), constant_memory=True
    )
    summary = ExportSummary(kind, root.id, root.name, 0, clear)
    details: dict[str, object] = {"organisation": root.id, "profile": profile.name, "via": via}
    with book:
        if kind is ExportKind.MEMBERS:
            shown = await _write_members(uow, book, root.id, clear=clear, batch_size=batch_size)
            await asyncio.to_thread(book.close)
            details |= {"rows": book.rows_written, "personalDataInClear": clear}
            audit.record(
                uow, audit.AuditAction.MEMBERS_EXPORTED, target_type="member", target_ids=shown if clear else (),
                details=details,
            )  # fmt: skip
        else:
            unions = await _write_organisations(uow, book, root.path, batch_size=batch_size)
            await asyncio.to_thread(book.close)
            details |= {"rows": book.rows_written, "unions": unions}
            audit.record(
                uow, audit.AuditAction.ORGANISATIONS_EXPORTED, target_type="organisation", target_ids=[root.id],
                details=details,
            )  # fmt: skip
    await uow.commit()
    return dataclasses.replace(summary, rows=book.rows_written)


# --- members -----------------------------------------------------------------------------------------------


def _member_rows() -> Select[Member, datetime.date | None, str, str | None, str, str]:
    return (
        select(
            Member,
            Membership.joined_on,
            Organisation.name.label("union_name"),
            Organisation.credit_code.label("union_code"),
            Unit.name.label("unit_name"),
            Unit.credit_code.label("unit_code"),
        )
        .join(Membership, Membership.member_id == Member.id)
        .join(Organisation, Organisation.id == Membership.union_id)
        .join(Unit, Unit.id == Membership.unit_id)
    )


async def _member_batches(uow: UnitOfWork, root_id: int, batch_size: int) -> AsyncIterator[Sequence[Row[Any]]]:
    """Current members of the subtree, ``batch_size`` at a time in id order (keyset, never an offset)."""
    conditions = await filter_conditions(uow, MemberFilter(union_id=root_id))
    after = 0
    while True:
        statement = _member_rows().where(*conditions, Member.id > after).order_by(Member.id).limit(batch_size)
        rows = (await uow.db.execute(statement)).all()
        if rows:
            yield rows
        if len(rows) < batch_size:
            return
        after = rows[-1].Member.id


def member_values(uow: UnitOfWork, row: Row[Any], *, clear: bool) -> dict[str, object]:
    """A member's cells by column field (codes for coded fields); personal numbers masked and the birth date
    left out unless ``clear``."""
    member: Member = row.Member
    id_number, phone = open_id_number(uow, member), open_phone(uow, member)
    values: dict[str, object] = {field: getattr(member, column) for field, column in PERSON_COLUMNS.items()}
    values.update(
        idNumber=id_number if clear else mask_id_number(id_number),
        phone=phone if clear else mask_phone(phone),
        birthDate=member.birth_date if clear else None,  # with the masked ID number it would give it away
        joinedOn=row.joined_on,
        unit=row.unit_name,
        unitCreditCode=row.unit_code,
        union=row.union_name,
        unionCreditCode=row.union_code,
    )
    return values


def _write_member_batch(uow: UnitOfWork, book: RosterWorkbook, rows: Sequence[Row[Any]], *, clear: bool) -> None:
    for row in rows:
        book.write_row({"sequence": book.rows_written + 1, **member_values(uow, row, clear=clear)})


async def _write_members(
    uow: UnitOfWork, book: RosterWorkbook, root_id: int, *, clear: bool, batch_size: int
) -> list[int]:
    """Write the subtree's current members; the ids of those written."""
    written: list[int] = []
    async for rows in _member_batches(uow, root_id, batch_size):
        await asyncio.to_thread(_write_member_batch, uow, book, rows, clear=clear)
        written.extend(row.Member.id for row in rows)
    return written


# --- organisations -----------------------------------------------------------------------------------------


async def _union_batches(uow: UnitOfWork, root_path: str, batch_size: int) -> AsyncIterator[Sequence[Organisation]]:
    """Grassroots unions of the subtree (not dissolved), ``batch_size`` at a time in id order."""
    grassroots = or_(Organisation.org_level == GRASSROOTS_LEVEL, Organisation.union_type.in_(GRASSROOTS_UNION_TYPES))
    after = 0
    while True:
        statement = (
            select(Organisation)
            .where(
                is_within(Organisation.path, root_path),
                Organisation.dissolved_at.is_(None),
                grassroots,
                Organisation.id > after,
            )
            .order_by(Organisation.id)
            .limit(batch_size)
        )
        unions = await uow.db.scalars(statement)
        if unions:
            yield unions
        if len(unions) < batch_size:
            return
        after = unions[-1].id


async def _member_counts(uow: UnitOfWork, union_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """Current members of each union by unit: union id -> unit id -> members."""
    rows = await uow.db.execute(
        select(Membership.union_id, Membership.unit_id, func.count().label("members"))
        .where(Membership.union_id.in_(union_ids), Membership.status.in_(sorted(CURRENT_STATUSES)))
        .group_by(Membership.union_id, Membership.unit_id)
    )
    counts: dict[int, dict[int, int]] = {union_id: {} for union_id in union_ids}
    for row in rows:
        counts[row.union_id][row.unit_id] = row.members
    return counts


def organisation_rows(union: Organisation, units: Sequence[Unit], counts: Mapping[int, int]) -> list[dict[str, object]]:
    """A union's rows by column field: one per unit it covers (one without a unit when it covers none).

    ``counts`` are the union's current members by unit id; each row shows its unit's, and the first row
    also those in units the union does not cover, so the rows of a union add up to its members.
    """
    union_values: dict[str, object] = {
        "union.name": union.name,
        "union.creditCode": union.credit_code,
        "union.foundedOn": union.founded_on,
        "union.unionType": union.union_type,
        "union.leader": union.leader,
        "union.phone": union.phone,
        "union.termStart": union.term_start,
        "union.termEnd": union.term_end,
    }
    uncovered = sum(counts.values()) - sum(counts.get(unit.id, 0) for unit in units)
    if not units:
        return [{**union_values, "union.memberCount": uncovered}]
    rows = []
    for index, unit in enumerate(units):
        members = counts.get(unit.id, 0) + (uncovered if index == 0 else 0)
        rows.append(
            {
                **union_values,
                "union.memberCount": members,
                "unit.name": unit.name,
                "unit.creditCode": unit.credit_code,
                "unit.nature": unit.nature,
                "unit.address": unit.address,
                "unit.employeeCount": unit.employee_count,
            }
        )
    return rows


def _write_organisation_batch(book: RosterWorkbook, rows: Sequence[Mapping[str, object]]) -> None:
    for values in rows:
        book.write_row({"sequence": book.rows_written + 1, **values})


async def _write_organisations(uow: UnitOfWork, book: RosterWorkbook, root_path: str, *, batch_size: int) -> int:
    """Write the subtree's grassroots unions with the units they cover; how many unions were written."""
    written = 0
    async for unions in _union_batches(uow, root_path, batch_size):
        ids = [union.id for union in unions]
        covered = await units_covered_by(uow, ids)
        counts = await _member_counts(uow, ids)
        rows = [row for union in unions for row in organisation_rows(union, covered[union.id], counts[union.id])]
        await asyncio.to_thread(_write_organisation_batch, book, rows)
        written += len(unions)
    return written
