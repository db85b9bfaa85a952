"""Union organisations: reading within the caller's subtree, creating, changing, moving, dissolving.

Structural changes (create, move, dissolve) take a per-tenant advisory lock, so a subtree being moved
and a child being added under it can never interleave and leave a stale path behind.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, func, select, text, update

from exchange.standard import temporary_code, validate_union_record
from province_node.db.tables import Account, Membership, Organisation, is_within
from province_node.domain.access import Permission
from province_node.domain.errors import ErrorCode, InvalidInput, NotFound, RuleViolation
from province_node.domain.hierarchy import check_dissolve, check_move, child_path
from province_node.domain.lifecycle import MembershipStatus
from province_node.services import audit
from province_node.services.pages import Page, contains_pattern, decode_cursor, page_of, page_size, search_text
from province_node.services.unit_of_work import UniqueViolation, UnitOfWork

# Union types that may hold members directly (not a 地方总工会 or 产业工会 federation).
MEMBER_HOLDING_UNION_TYPES = frozenset({"1", "2", "3"})
HIERARCHY_LOCK = 4242_0001  # the advisory lock key; bulk imports take it shared too (``rosters.member_writer``)
_FIELDS = ("name", "unionType", "orgLevel", "creditCode", "foundedOn", "termStart", "termEnd", "leader", "phone")
_COLUMNS = {
    "name": "name",
    "unionType": "union_type",
    "orgLevel": "org_level",
    "creditCode": "credit_code",
    "foundedOn": "founded_on",
    "termStart": "term_start",
    "termEnd": "term_end",
    "leader": "leader",
    "phone": "phone",
}


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


async def _lock_hierarchy(uow: UnitOfWork) -> None:
    await uow.db.execute(select(func.pg_advisory_xact_lock(HIERARCHY_LOCK)))


async def share_hierarchy(uow: UnitOfWork) -> None:
    """Hold the hierarchy lock shared until the transaction ends: member writes go on side by side, but
    never while an organisation is being dissolved, moved or created (those hold it exclusively)."""
    await uow.db.execute(select(func.pg_advisory_xact_lock_shared(HIERARCHY_LOCK)))


async def organisation_in_scope(uow: UnitOfWork, organisation_id: int, *, lock: bool = False) -> Organisation:
    """The organisation if it is in the caller's subtree; ``NotFound`` otherwise (also if it exists elsewhere)."""
    statement = select(Organisation).where(Organisation.id == organisation_id)
    organisation: Organisation | None = await uow.db.scalar(statement.with_for_update() if lock else statement)
    if organisation is None or not uow.caller.governs(organisation.path):
        raise NotFound("工会组织")
    return organisation


def _credit_code_is(credit_code: str) -> ColumnElement[bool]:
    """The condition of the organisation with this credit code, as typed in any case and with blanks around it."""
    return Organisation.credit_code == search_text(credit_code, what="统一社会信用代码").upper()


async def organisation_by_credit_code(uow: UnitOfWork, credit_code: str) -> Organisation | None:
    """The organisation with this credit code, if it is in the caller's subtree."""
    organisation: Organisation | None = await uow.db.scalar(select(Organisation).where(_credit_code_is(credit_code)))
    return organisation if organisation is not None and uow.caller.governs(organisation.path) else None


async def organisation_id_named(uow: UnitOfWork, organisation_id: int | None, credit_code: str) -> int:
    """The id of the organisation named by ``organisation_id``, or else by ``credit_code``: in the caller's subtree,
    or anywhere in the tenant when the unit of work has no caller yet (the import command chooses who acts from
    the organisation); ``NotFound`` otherwise, the same for one elsewhere as for none."""
    named = Organisation.id == organisation_id if organisation_id is not None else _credit_code_is(credit_code)
    organisation: Organisation | None = await uow.db.scalar(select(Organisation).where(named))
    if organisation is None or (uow.has_caller and not uow.caller.governs(organisation.path)):
        raise NotFound("工会组织")
    return organisation.id


async def organisations_by_ids(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, Organisation]:
    """The organisations among ``ids`` that are in the caller's subtree, by id."""
    rows = await uow.db.scalars(
        select(Organisation).where(Organisation.id.in_(ids), is_within(Organisation.path, uow.caller.scope_path))
    )
    return {row.id: row for row in rows}


async def children_of(uow: UnitOfWork, parent_ids: Sequence[int]) -> dict[int, list[Organisation]]:
    """The organisations directly under each parent (not dissolved), by parent id, ordered by id."""
    rows = await uow.db.scalars(
        select(Organisation)
        .where(Organisation.parent_id.in_(parent_ids), Organisation.dissolved_at.is_(None))
        .order_by(Organisation.id)
    )
    found: dict[int, list[Organisation]] = {parent: [] for parent in parent_ids}
    for row in rows:
        if row.parent_id is not None and uow.caller.governs(row.path):
            found[row.parent_id].append(row)
    return found


async def names_by_ids(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, str]:
    """Names of organisations, in or out of scope (ancestors' names form a breadcrumb; nothing else shows)."""
    rows = await uow.db.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))
    return {row.id: row.name for row in rows}


async def search_organisations(
    uow: UnitOfWork,
    *,
    under: int | None,
    name: str | None,
    union_type: str | None,
    org_level: str | None,
    include_dissolved: bool,
    first: int | None,
    after: str | None,
) -> Page[Organisation]:
    """Organisations of a subtree (the caller's by default) matching name (trigram), type and level."""
    root = (await organisation_in_scope(uow, under)).path if under is not None else uow.caller.scope_path
    size = page_size(first, uow.tenant.node.limits.max_page_size)
    conditions: list[ColumnElement[bool]] = [is_within(Organisation.path, root)]
    if name:
        conditions.append(Organisation.name.ilike(contains_pattern(name, what="工会名称")))
    if union_type:
        conditions.append(Organisation.union_type == union_type)
    if org_level:
        conditions.append(Organisation.org_level == org_level)
    if not include_dissolved:
        conditions.append(Organisation.dissolved_at.is_(None))
    start = decode_cursor("organisation", after)
    if start is not None:
        conditions.append(Organisation.id > start)
    rows = await uow.db.scalars(select(Organisation).where(*conditions).order_by(Organisation.id).limit(size + 1))
    return page_of("organisation", rows, [row.id for row in rows], size, after=start)


def _check_record(uow: UnitOfWork, record: Mapping[str, object]) -> dict[str, object]:
    verdict = validate_union_record(record, uow.tenant.profile, today=uow.today)
    if not verdict.valid:
        raise InvalidInput(verdict.errors)
    return verdict.values


def _code_taken(code: object) -> RuleViolation:
    return RuleViolation(ErrorCode.DUPLICATE_CREDIT_CODE, f"统一社会信用代码 {code} 已被另一个工会组织使用")


async def _credit_code_free(uow: UnitOfWork, code: object, own_id: int | None = None) -> None:
    if not isinstance(code, str):
        return
    other = await uow.db.scalar(select(Organisation.id).where(Organisation.credit_code == code))
    if other is not None and other != own_id:
        raise _code_taken(code)


async def issue_temporary_code(uow: UnitOfWork) -> str:
    """A new temporary code of this province (临时赋码) for a unit or union without a credit code."""
    sequence = await uow.db.scalar(text("SELECT nextval('temporary_code_sequence')"))
    return temporary_code(uow.tenant.province, int(sequence))


def _apply(organisation: Organisation, values: Mapping[str, object]) -> dict[str, list[object]]:
    changes: dict[str, list[object]] = {}
    for field, column in _COLUMNS.items():
        if field in values and getattr(organisation, column) != values[field]:
            changes[field] = [_jsonable(getattr(organisation, column)), _jsonable(values[field])]
            setattr(organisation, column, values[field])
    return changes


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime.date) else value


async def create_organisation(
    uow: UnitOfWork, *, parent_id: int, record: Mapping[str, object], issue_temporary: bool = False
) -> Organisation:
    """Create an organisation under ``parent_id`` (in the caller's subtree) from a record of raw fields."""
    uow.caller.require(Permission.WRITE_ORGANISATIONS)
    await _lock_hierarchy(uow)
    parent = await organisation_in_scope(uow, parent_id)
    if parent.dissolved_at is not None:
        raise RuleViolation(ErrorCode.ORG_DISSOLVED, "上级工会已撤销，不能在其下新建组织")
    record = dict(record)
    if issue_temporary:
        record["creditCode"] = await issue_temporary_code(uow)
    values = _check_record(uow, record)
    await _credit_code_free(uow, values.get("creditCode"))
    new_id = int(await uow.db.scalar(text("SELECT nextval(pg_get_serial_sequence('organisation', 'id'))")))
    organisation = Organisation(id=new_id, parent_id=parent.id, path=child_path(parent.path, new_id))
    _apply(organisation, values)
    uow.db.add(organisation)
    await uow.db.flush()
    audit.record(uow, audit.AuditAction.ORGANISATION_CREATED, target_type="organisation", target_ids=[new_id])
    await uow.commit()
    return organisation


async def update_organisation(uow: UnitOfWork, organisation_id: int, changes: Mapping[str, object]) -> Organisation:
    """Change fields of an organisation in the caller's subtree; the result must still satisfy the profile."""
    uow.caller.require(Permission.WRITE_ORGANISATIONS)
    organisation = await organisation_in_scope(uow, organisation_id, lock=True)
    if organisation.dissolved_at is not None:
        raise RuleViolation(ErrorCode.ORG_DISSOLVED, "该工会已撤销，不能再修改")
    current = {field: getattr(organisation, column) for field, column in _COLUMNS.items()}
    merged = {**current, **{key: value for key, value in changes.items() if key in _FIELDS}}
    values = _check_record(uow, merged)
    values.update({field: None for field in changes if field in _FIELDS and field not in values})  # cleared
    await _credit_code_free(uow, values.get("creditCode"), organisation.id)
    changed = _apply(organisation, values)
    if changed:
        organisation.updated_at = _now()
        audit.record(uow, audit.AuditAction.ORGANISATION_UPDATED, target_type="organisation",
                     target_ids=[organisation.id], details={"changes": changed})  # fmt: skip
    try:
        await uow.commit()  # also when nothing changed: a rollback would expire the row the caller shows
    except UniqueViolation:  # the same code given to another organisation a moment ago
        raise _code_taken(values.get("creditCode")) from None
    return organisation


async def move_organisation(uow: UnitOfWork, organisation_id: int, new_parent_id: int) -> Organisation:
    """Move an organisation and its whole subtree under a new parent (隶属关系变更)."""
    uow.caller.require(Permission.WRITE_ORGANISATIONS)
    await _lock_hierarchy(uow)
    organisation = await organisation_in_scope(uow, organisation_id)
    new_parent = await organisation_in_scope(uow, new_parent_id)
    if new_parent.dissolved_at is not None:
        raise RuleViolation(ErrorCode.ORG_DISSOLVED, "目标上级工会已撤销")
    check_move(uow.caller, organisation.path, new_parent.path)
    if organisation.parent_id == new_parent.id:
        await uow.commit()  # nothing to write; a rollback would expire the row the caller shows
        return organisation
    old_path, old_parent = organisation.path, organisation.parent_id
    # One set-based statement rewrites the prefix of every path in the subtree (GiST-indexed <@).
    await uow.db.execute(
        update(Organisation)
        .where(is_within(Organisation.path, old_path))
        .values(
            path=func.text2ltree(new_parent.path).op("||")(
                func.subpath(Organisation.path, func.nlevel(func.text2ltree(old_path)) - 1)
            ),
            updated_at=func.now(),
        )
        .execution_options(synchronize_session=False)
    )
    await uow.db.execute(update(Organisation).where(Organisation.id == organisation.id).values(parent_id=new_parent.id))
    audit.record(uow, audit.AuditAction.ORGANISATION_MOVED, target_type="organisation", target_ids=[organisation.id],
                 details={"fromParent": old_parent, "toParent": new_parent.id})  # fmt: skip
    await uow.commit()
    await uow.db.session.refresh(organisation)
    return organisation


async def dissolve_organisation(uow: UnitOfWork, organisation_id: int) -> Organisation:
    """Dissolve (撤销) an organisation of the caller's subtree; only an empty one may go (no current members,
    no organisations below, no enabled accounts). The units it keeps or covers stay registered: the employer
    exists whether or not its union does."""
    uow.caller.require(Permission.WRITE_ORGANISATIONS)
    await _lock_hierarchy(uow)
    organisation = await organisation_in_scope(uow, organisation_id)
    if organisation.dissolved_at is not None:
        await uow.commit()  # nothing to write; a rollback would expire the row the caller shows
        return organisation
    children = await uow.db.scalar(
        select(func.count())
        .select_from(Organisation)
        .where(Organisation.parent_id == organisation.id, Organisation.dissolved_at.is_(None))
    )
    members = await uow.db.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.union_id == organisation.id, Membership.status != MembershipStatus.ENDED.value)
    )
    accounts = await uow.db.scalar(
        select(func.count())
        .select_from(Account)
        .where(Account.organisation_id == organisation.id, Account.disabled_at.is_(None))
    )
    check_dissolve(uow.caller, organisation.path, children=children, current_members=members, active_accounts=accounts)
    organisation.dissolved_at = _now()
    audit.record(uow, audit.AuditAction.ORGANISATION_DISSOLVED, target_type="organisation",
                 target_ids=[organisation.id])  # fmt: skip
    await uow.commit()
    return organisation
