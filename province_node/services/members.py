"""Reading members: by id, by ID number (through the identity token), and lists with filters.

A member is in the caller's scope when their union is in the caller's subtree. Lists are paged by keyset
over member ids; every condition is a plain column comparison the database can index.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select

from exchange.standard import identity_token, validate_id_number
from province_node.db.tables import Member, Membership, MembershipEvent, Organisation, is_within
from province_node.domain.errors import ErrorCode, InvalidInput, NotFound, RuleViolation
from province_node.domain.lifecycle import CURRENT_STATUSES
from province_node.domain.masking import mask_id_number
from province_node.domain.statistics import age_band_birth_ranges, years_before
from province_node.services import audit
from province_node.services.organisations import organisation_in_scope
from province_node.services.pages import Page, contains_pattern, decode_cursor, page_of, page_size
from province_node.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A member with their membership in this province."""

    member: Member
    membership: Membership


@dataclass(frozen=True, slots=True)
class MemberFilter:
    """Which members a list or a statistic covers; ``None`` means "any"."""

    statuses: Sequence[str] | None = None
    union_id: int | None = None
    unit_id: int | None = None
    genders: Sequence[str] | None = None
    educations: Sequence[str] | None = None
    political_statuses: Sequence[str] | None = None
    household_types: Sequence[str] | None = None
    new_employment_forms: Sequence[str] | None = None
    card_statuses: Sequence[str] | None = None
    age_bands: Sequence[str] | None = None
    min_age: int | None = None
    max_age: int | None = None
    name: str | None = None


async def filter_conditions(uow: UnitOfWork, where: MemberFilter) -> list[ColumnElement[bool]]:
    """SQL conditions over ``Member``, ``Membership`` and the union (``Organisation``) for a filter."""
    return conditions_within(await filter_scope(uow, where), where, uow.today)


async def filter_scope(uow: UnitOfWork, where: MemberFilter) -> str:
    """The path of the subtree a filter covers: the caller's, narrowed to ``union_id``'s when given (which
    must be in scope)."""
    return (await organisation_in_scope(uow, where.union_id)).path if where.union_id else uow.caller.scope_path


def conditions_within(root: str, where: MemberFilter, today: datetime.date) -> list[ColumnElement[bool]]:
    """SQL conditions for the members matching ``where`` in the subtree at ``root``, ages as on ``today``."""
    statuses = where.statuses if where.statuses is not None else sorted(CURRENT_STATUSES)
    conditions: list[ColumnElement[bool]] = [is_within(Organisation.path, root), Membership.status.in_(statuses)]
    for column, values in (
        (Member.gender, where.genders),
        (Member.education, where.educations),
        (Member.political_status, where.political_statuses),
        (Member.household_type, where.household_types),
        (Member.new_employment_form, where.new_employment_forms),
        (Member.card_status, where.card_statuses),
    ):
        if values is not None:
            conditions.append(column.in_(values))
    if where.unit_id is not None:
        conditions.append(Membership.unit_id == where.unit_id)
    if where.min_age is not None:
        conditions.append(Member.birth_date <= years_before(today, where.min_age))
    if where.max_age is not None:
        conditions.append(Member.birth_date > years_before(today, where.max_age + 1))
    if where.age_bands is not None:
        conditions.append(or_(false(), *_age_band_conditions(today, where.age_bands)))
    if where.name:
        conditions.append(Member.name.ilike(contains_pattern(where.name, what="姓名")))
    return conditions


def _age_band_conditions(today: datetime.date, codes: Sequence[str]) -> list[ColumnElement[bool]]:
    bands: list[ColumnElement[bool]] = []
    for code, earliest, latest in age_band_birth_ranges(today):
        if code in codes:
            bounds: list[ColumnElement[bool]] = [Member.birth_date.is_not(None)]
            if earliest is not None:
                bounds.append(Member.birth_date >= earliest)
            if latest is not None:
                bounds.append(Member.birth_date <= latest)
            bands.append(and_(*bounds))
    return bands


def _rows() -> Select[Member, Membership]:
    return (
        select(Member, Membership)
        .join(Membership, Membership.member_id == Member.id)
        .join(Organisation, Organisation.id == Membership.union_id)
    )


async def member_in_scope(uow: UnitOfWork, member_id: int, *, lock: bool = False) -> MemberRow:
    """The member if their union is in the caller's subtree; ``NotFound`` otherwise. With ``lock``, read afresh
    with member and membership locked until the transaction ends: a simultaneous change of the same member
    waits for this one and then sees its outcome."""
    statement = _rows().where(Member.id == member_id, is_within(Organisation.path, uow.caller.scope_path))
    if lock:
        statement = statement.with_for_update(of=(Member, Membership), key_share=True).execution_options(
            populate_existing=True
        )
    row = (await uow.db.execute(statement)).first()
    if row is None:
        raise NotFound("会员")
    return MemberRow(row.Member, row.Membership)


async def members_by_ids(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, MemberRow]:
    """Members among ``ids`` in the caller's scope, by id."""
    rows = await uow.db.execute(_rows().where(Member.id.in_(ids), is_within(Organisation.path, uow.caller.scope_path)))
    return {row.Member.id: MemberRow(row.Member, row.Membership) for row in rows}


ID_NUMBER_LOOKUP_WINDOW = datetime.timedelta(hours=1)


async def member_by_id_number(uow: UnitOfWork, id_type: str, id_number: str) -> MemberRow | None:
    """The member holding this ID, looked up through the identity token; ``None`` if not in scope.

    Every lookup, found or not, is audited and counted against the caller's allowance an hour
    (``QueryLimits.id_number_lookups_per_hour``): the answer tells whether a number belongs to a member, so
    without a bound the hidden digits of a masked number could be tried out one candidate at a time.
    """
    verdict = validate_id_number(id_type, id_number, today=uow.today)
    if verdict.document is None:
        raise InvalidInput(verdict.errors)
    allowance = uow.tenant.node.limits.id_number_lookups_per_hour
    if await audit.recent_count(uow, audit.AuditAction.ID_NUMBER_LOOKUP, ID_NUMBER_LOOKUP_WINDOW) >= allowance:
        raise RuleViolation(
            ErrorCode.TOO_MANY_LOOKUPS, f"一小时内按证件号码查找会员最多 {allowance} 次，已达上限，请稍后再试"
        )
    token = identity_token(uow.tenant.national_key, verdict.document)
    row = (
        await uow.db.execute(_rows().where(Member.token == token, is_within(Organisation.path, uow.caller.scope_path)))
    ).first()
    audit.record(
        uow,
        audit.AuditAction.ID_NUMBER_LOOKUP,
        target_type="member",
        target_ids=[row.Member.id] if row else [],
        details={"found": row is not None, "idNumber": mask_id_number(verdict.document.number)},
    )
    await uow.commit()
    return MemberRow(row.Member, row.Membership) if row else None


async def list_members(uow: UnitOfWork, where: MemberFilter, first: int | None, after: str | None) -> Page[MemberRow]:
    """A page of members matching ``where``, in id order."""
    size = page_size(first, uow.tenant.node.limits.max_page_size)
    conditions = await filter_conditions(uow, where)
    start = decode_cursor("member", after)
    if start is not None:
        conditions.append(Member.id > start)
    rows = (await uow.db.execute(_rows().where(*conditions).order_by(Member.id).limit(size + 1))).all()
    items = [MemberRow(row.Member, row.Membership) for row in rows]
    return page_of("member", items, [item.member.id for item in items], size, after=start)


async def count_members(uow: UnitOfWork, where: MemberFilter) -> int:
    """How many members match ``where``."""
    conditions = await filter_conditions(uow, where)
    statement = (
        select(func.count())
        .select_from(Member)
        .join(Membership, Membership.member_id == Member.id)
        .join(Organisation, Organisation.id == Membership.union_id)
        .where(*conditions)
    )
    return int(await uow.db.scalar(statement) or 0)


async def histories(uow: UnitOfWork, member_ids: Sequence[int]) -> dict[int, list[MembershipEvent]]:
    """Each member's history, oldest first (callers pass only ids of members in scope)."""
    rows = await uow.db.scalars(
        select(MembershipEvent).where(MembershipEvent.member_id.in_(member_ids)).order_by(MembershipEvent.id)
    )
    found: dict[int, list[MembershipEvent]] = {member_id: [] for member_id in member_ids}
    for row in rows:
        found[row.member_id].append(row)
    return found


def open_id_number(uow: UnitOfWork, member: Member) -> str:
    """The member's ID number in clear (callers decide whether the caller may see it, and audit)."""
    return uow.tenant.cipher.open(member.id_number, field="idNumber", token=member.token)


def open_phone(uow: UnitOfWork, member: Member) -> str:
    """The member's phone number in clear (callers decide whether the caller may see it, and audit)."""
    return uow.tenant.cipher.open(member.phone, field="phone", token=member.token)
