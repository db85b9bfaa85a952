"""Units (单位, the employers): registered by an organisation of the caller's subtree, found by code or name.

A unit without legal-person status gets a temporary code of this province (临时赋码, seed 000). The
credit code is the unit's unique key: "one code, one unit".
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, select

from exchange.standard import validate_unit_record
from province_node.db.tables import Organisation, OrganisationUnit, Unit, is_within
from province_node.domain.access import Permission
from province_node.domain.errors import ErrorCode, InvalidInput, NotFound, RuleViolation
from province_node.services import audit
from province_node.services.organisations import issue_temporary_code, organisation_in_scope
from province_node.services.pages import Page, contains_pattern, decode_cursor, page_of, page_size, search_text
from province_node.services.unit_of_work import UniqueViolation, UnitOfWork

_COLUMNS = {
    "name": "name",
    "creditCode": "credit_code",
    "nature": "nature",
    "address": "address",
    "employeeCount": "employee_count",
}


def kept_in_scope(uow: UnitOfWork) -> ColumnElement[bool]:
    """Units kept by an organisation of the caller's subtree."""
    return Unit.organisation_id.in_(
        select(Organisation.id).where(is_within(Organisation.path, uow.caller.scope_path)).scalar_subquery()
    )


async def unit_in_scope(uow: UnitOfWork, unit_id: int) -> Unit:
    """The unit if it is kept in the caller's subtree; ``NotFound`` otherwise."""
    unit: Unit | None = await uow.db.scalar(select(Unit).where(Unit.id == unit_id, kept_in_scope(uow)))
    if unit is None:
        raise NotFound("单位")
    return unit


async def units_by_ids(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, Unit]:
    """Units among ``ids`` kept in the caller's subtree, by id."""
    rows = await uow.db.scalars(select(Unit).where(Unit.id.in_(ids), kept_in_scope(uow)))
    return {row.id: row for row in rows}


async def units_covered_by(uow: UnitOfWork, organisation_ids: Sequence[int]) -> dict[int, list[Unit]]:
    """Units each union covers, by organisation id."""
    rows = await uow.db.execute(
        select(OrganisationUnit.organisation_id, Unit)
        .join(Unit, Unit.id == OrganisationUnit.unit_id)
        .where(OrganisationUnit.organisation_id.in_(organisation_ids))
        .order_by(Unit.id)
    )
    found: dict[int, list[Unit]] = {organisation_id: [] for organisation_id in organisation_ids}
    for row in rows:
        found[row.organisation_id].append(row.Unit)
    return found


async def find_units(
    uow: UnitOfWork, *, credit_code: str | None, name: str | None, first: int | None, after: str | None
) -> Page[Unit]:
    """Units of the caller's subtree by exact credit code or by part of the name, in id order."""
    size = page_size(first, uow.tenant.node.limits.max_page_size)
    conditions: list[ColumnElement[bool]] = [kept_in_scope(uow)]
    if credit_code:
        conditions.append(Unit.credit_code == search_text(credit_code, what="统一社会信用代码").upper())
    if name:
        conditions.append(Unit.name.ilike(contains_pattern(name, what="单位名称")))
    start = decode_cursor("unit", after)
    if start is not None:
        conditions.append(Unit.id > start)
    rows = await uow.db.scalars(select(Unit).where(*conditions).order_by(Unit.id).limit(size + 1))
    return page_of("unit", rows, [row.id for row in rows], size, after=start)


def _checked(uow: UnitOfWork, record: Mapping[str, object]) -> dict[str, object]:
    verdict = validate_unit_record(record, uow.tenant.profile, today=uow.today)
    if not verdict.valid:
        raise InvalidInput(verdict.errors)
    return verdict.values


def _code_taken(code: object) -> RuleViolation:
    return RuleViolation(ErrorCode.DUPLICATE_CREDIT_CODE, f"统一社会信用代码 {code} 已登记为另一个单位（一码一单位）")


async def _credit_code_free(uow: UnitOfWork, code: object, own_id: int | None = None) -> None:
    other = await uow.db.scalar(select(Unit.id).where(Unit.credit_code == code))
    if other is not None and other != own_id:
        raise _code_taken(code)


async def create_unit(
    uow: UnitOfWork,
    *,
    organisation_id: int,
    record: Mapping[str, object],
    issue_temporary: bool = False,
    covered_by: Sequence[int] = (),
) -> Unit:
    """Register a unit kept by ``organisation_id``, optionally covered by unions of the caller's subtree."""
    uow.caller.require(Permission.WRITE_UNITS)
    keeper = await organisation_in_scope(uow, organisation_id)
    unions = [await organisation_in_scope(uow, union_id) for union_id in covered_by]
    record = dict(record)
    if issue_temporary:
        record["creditCode"] = await issue_temporary_code(uow)
    values = _checked(uow, record)
    await _credit_code_free(uow, values["creditCode"])
    unit = Unit(organisation_id=keeper.id, **{column: values.get(field) for field, column in _COLUMNS.items()})
    uow.db.add(unit)
    try:
        await uow.db.flush()
    except UniqueViolation:  # the same code registered by someone else a moment ago
        raise _code_taken(values["creditCode"]) from None
    for union in unions:
        uow.db.add(OrganisationUnit(organisation_id=union.id, unit_id=unit.id))
    audit.record(uow, audit.AuditAction.UNIT_CREATED, target_type="unit", target_ids=[unit.id])
    await uow.commit()
    return unit


async def update_unit(uow: UnitOfWork, unit_id: int, changes: Mapping[str, object]) -> Unit:
    """Change fields of a unit kept in the caller's subtree."""
    uow.caller.require(Permission.WRITE_UNITS)
    unit = await unit_in_scope(uow, unit_id)
    current = {field: getattr(unit, column) for field, column in _COLUMNS.items()}
    values = _checked(uow, {**current, **{key: value for key, value in changes.items() if key in _COLUMNS}})
    values.update({field: None for field in changes if field in _COLUMNS and field not in values})
    await _credit_code_free(uow, values["creditCode"], unit.id)
    changed = {}
    for field, column in _COLUMNS.items():
        if getattr(unit, column) != values.get(field):
            changed[field] = [getattr(unit, column), values.get(field)]
            setattr(unit, column, values.get(field))
    if changed:
        unit.updated_at = datetime.datetime.now(datetime.UTC)
        audit.record(uow, audit.AuditAction.UNIT_UPDATED, target_type="unit", target_ids=[unit.id],
                     details={"changes": changed})  # fmt: skip
    try:
        await uow.commit()  # also when nothing changed: a rollback would expire the row the caller shows
    except UniqueViolation:  # the same code given to another unit a moment ago
        raise _code_taken(values["creditCode"]) from None
    return unit


async def cover(uow: UnitOfWork, union_id: int, unit_id: int) -> bool:
    """Let a union of the caller's subtree cover a unit (a joint union covers several); True if newly so."""
    uow.caller.require(Permission.WRITE_UNITS)
    union = await organisation_in_scope(uow, union_id)
    unit = await unit_in_scope(uow, unit_id)
    linked = await uow.db.scalar(
        select(OrganisationUnit.unit_id).where(
            OrganisationUnit.organisation_id == union.id, OrganisationUnit.unit_id == unit.id
        )
    )
    if linked is not None:
        return False
    uow.db.add(OrganisationUnit(organisation_id=union.id, unit_id=unit.id))
    await uow.commit()
    return True
