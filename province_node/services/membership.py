"""Changing members: registering, correcting, changing status, moving to another union of the province.

Every change is one transaction holding the change itself, an append-only history event (who, when,
why, what changed; personal numbers only masked) and an outbox event for the exchange. "One ID, one
member" within the province is the unique identity token: when two clerks register the same person at
the same moment, the database lets exactly one through and the other is told where the person is.

Changes to one member wait for each other: a change reads the member and membership locked, so the second
of two simultaneous changes sees the first one's outcome and is judged by the lifecycle rules on it.
Writes into a union hold the hierarchy lock shared, which dissolving takes exclusively, so a member is
never registered or moved into a union while it is being dissolved. A constraint still broken by a race
is refused as ``CONCURRENT_CHANGE``, never an internal error.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert

from exchange.standard import MemberVerdict, identity_token, region_name, validate_member
from exchange.standard.events import MemberDimensions, MemberEvent, MemberEventType, batch_payload
from province_node.db.tables import (
    IdentityCheck,
    Member,
    Membership,
    MembershipEvent,
    Organisation,
    OrganisationUnit,
    OutboxEvent,
    Unit,
)
from province_node.domain.access import Permission
from province_node.domain.errors import DomainError, ErrorCode, InvalidInput, NotFound, RuleViolation
from province_node.domain.lifecycle import EndReason, MembershipStatus, StatusChange, end_reason_of, next_status
from province_node.domain.masking import shown_in_history
from province_node.exchange_link.client import ClaimOutcome, ExchangeRefused, ExchangeUnavailable
from province_node.services import audit
from province_node.services.members import MemberRow, member_in_scope, open_id_number, open_phone
from province_node.services.organisations import (
    MEMBER_HOLDING_UNION_TYPES,
    organisation_in_scope,
    share_hierarchy,
)
from province_node.services.unit_of_work import UniqueViolation, UnitOfWork
from province_node.services.units import kept_in_scope

_log = logging.getLogger(__name__)

# Record fields (camelCase, as in STANDARD.md) and the member columns they are stored in.
PERSON_COLUMNS = {
    "name": "name",
    "idType": "id_type",
    "gender": "gender",
    "birthDate": "birth_date",
    "ethnicity": "ethnicity",
    "politicalStatus": "political_status",
    "education": "education",
    "householdType": "household_type",
    "nationality": "nationality",
    "employmentStatus": "employment_status",
    "newEmploymentForm": "new_employment_form",
    "unionPosition": "union_position",
    "positionKind": "position_kind",
    "cardStatus": "card_status",
}
USER_STATUS_CHANGES = frozenset(
    {StatusChange.RETIRE, StatusChange.RESERVE, StatusChange.REACTIVATE, StatusChange.END, StatusChange.REJOIN}
)


class DuplicateMember(DomainError):
    """The person is already a member, here or (``province``) in another province; ``where`` says where, as
    far as the caller may know."""

    def __init__(self, where: str, member_id: int | None, *, province: str | None = None) -> None:
        code = ErrorCode.DUPLICATE_IN_OTHER_PROVINCE if province else ErrorCode.DUPLICATE_IN_PROVINCE
        advice = "；如本人已调动，请办理跨省会籍接转" if province else ""
        super().__init__(code, f"该证件号码已登记为会员，所在：{where}（一证一会员）{advice}")
        self.where = where
        self.member_id = member_id
        self.province = province


async def _claimed_nationally(uow: UnitOfWork, token: str) -> bool:
    """Claim the person at the exchange before making them a current member here (registering, rejoining,
    correcting their ID): False when granted (or the node runs alone), True when the exchange could not
    answer (the member is kept as active-pending-check and claimed again by the relay); ``DuplicateMember``
    when another province holds them."""
    client = uow.tenant.exchange
    if client is None:
        return False
    try:
        answer = (await client.claim(uow.tenant.province, [token]))[token]
    except (ExchangeUnavailable, ExchangeRefused) as exc:
        _log.warning("tenant %s: claim not answered, member kept pending check: %s", uow.tenant.province, exc)
        return True
    if answer.outcome is ClaimOutcome.CONFLICT and answer.province:
        raise DuplicateMember(region_name(answer.province + "0000") or answer.province, None, province=answer.province)
    return False


async def _keep_pending_check(uow: UnitOfWork, member_id: int) -> None:
    """Mark the member active-pending-check: the relay claims them again once the exchange answers. A
    check left from before (a conflict of an earlier membership or ID) gives way to it."""
    await uow.db.execute(
        insert(IdentityCheck)
        .values(member_id=member_id, state="pending", province=None)
        .on_conflict_do_update(
            index_elements=[IdentityCheck.member_id],
            set_={"state": "pending", "province": None, "since": func.now(), "checked_at": None},
        )
    )


async def _claim_again(uow: UnitOfWork, member_id: int, token: str) -> None:
    """Claim a member of this province at the exchange before they are current here again (a rejoin, a
    corrected ID number): ``DuplicateMember`` when another province holds them, kept pending check when the
    exchange could not answer."""
    if await _claimed_nationally(uow, token):
        await _keep_pending_check(uow, member_id)


class ConcurrentChange(RuleViolation):
    """Another request changed the same member at the same moment and the database refused this change."""

    def __init__(self) -> None:
        super().__init__(ErrorCode.CONCURRENT_CHANGE, "该会员信息刚被他人修改，本次修改未保存；请刷新后重试")


async def _member_union(uow: UnitOfWork, union_id: int) -> Organisation:
    """The union a member is written into, read under the shared hierarchy lock: a dissolution of it either
    ended before (and is seen here) or waits for this transaction to end (and then counts the member)."""
    await share_hierarchy(uow)
    union = await organisation_in_scope(uow, union_id)
    if union.dissolved_at is not None:
        raise RuleViolation(ErrorCode.ORG_DISSOLVED, f"“{union.name}”已撤销，不能再登记会员")
    if union.union_type not in MEMBER_HOLDING_UNION_TYPES:
        raise RuleViolation(
            ErrorCode.ORG_NOT_GRASSROOTS, f"“{union.name}”不是基层工会；会员须登记在单建、联合基层工会或工会联合会"
        )
    return union


async def _member_unit(uow: UnitOfWork, unit_id: int, union_id: int) -> Unit:
    """A unit kept in the caller's subtree, or covered by the member's union."""
    covered = exists().where(OrganisationUnit.unit_id == Unit.id, OrganisationUnit.organisation_id == union_id)
    unit: Unit | None = await uow.db.scalar(select(Unit).where(Unit.id == unit_id, or_(kept_in_scope(uow), covered)))
    if unit is None:
        raise NotFound("单位")
    return unit


def _dimensions(member: Member, union: Organisation, unit: Unit) -> MemberDimensions:
    return MemberDimensions(
        gender=member.gender,
        birth_year=member.birth_date.year if member.birth_date else None,
        education=member.education,
        political_status=member.political_status,
        household_type=member.household_type,
        new_employment_form=member.new_employment_form,
        org_level=union.org_level,
        union_type=union.union_type,
        unit_nature=unit.nature,
    )


async def _record_change(
    uow: UnitOfWork,
    row: MemberRow,
    *,
    kind: MemberEventType,
    occurred_on: datetime.date,
    changes: dict[str, Any],
    reason: str | None = None,
    previous_token: str | None = None,
) -> None:
    """Stage the history event and the outbox event of a change (same transaction as the change)."""
    member, membership = row.member, row.membership
    uow.db.add(
        MembershipEvent(
            member_id=member.id,
            kind=kind.value.removeprefix("member."),
            occurred_on=occurred_on,
            actor_id=uow.caller.account_id,
            reason=reason,
            changes=changes,
        )
    )
    union = await uow.db.get(Organisation, membership.union_id)
    unit = await uow.db.get(Unit, membership.unit_id)
    if union is None or unit is None:
        raise RuntimeError("a membership refers to a missing union or unit")
    event = MemberEvent(
        type=kind,
        token=member.token,
        province=uow.tenant.province,
        status=membership.status,
        occurred_on=occurred_on,
        dimensions=_dimensions(member, union, unit),
        previous_token=previous_token,
    )
    uow.db.add(OutboxEvent(event_type=kind.value, event_count=1, payload=batch_payload([event])))


async def _where_is(uow: UnitOfWork, token: str) -> DuplicateMember:
    """Where the holder of ``token`` is a member: the union if in the caller's subtree, else only the
    highest organisation under the province root above it (a region, not a name the caller may not see)."""
    row = (
        await uow.db.execute(
            select(Member.id, Organisation.path, Organisation.name)
            .join(Membership, Membership.member_id == Member.id)
            .join(Organisation, Organisation.id == Membership.union_id)
            .where(Member.token == token)
        )
    ).first()
    if row is None:
        return DuplicateMember("本省", None)
    if uow.caller.governs(row.path):
        return DuplicateMember(row.name, row.id)
    labels = row.path.split(".")
    region_id = int(labels[1]) if len(labels) > 1 else int(labels[0])
    region = await uow.db.scalar(select(Organisation.name).where(Organisation.id == region_id))
    return DuplicateMember(f"{region}辖区内的其他工会", None)


async def _commit_change(uow: UnitOfWork) -> None:
    """Commit a change of an existing member; a constraint a race still broke is ``ConcurrentChange``."""
    try:
        await uow.commit()
    except UniqueViolation as violation:
        _log.info("member change refused by %s after a concurrent change", violation.constraint)
        raise ConcurrentChange from None


async def _token_taken(uow: UnitOfWork, token: str) -> bool:
    """Whether a member of the province holds the identity ``token``."""
    return await uow.db.scalar(select(Member.id).where(Member.token == token)) is not None


def _checked(uow: UnitOfWork, record: Mapping[str, object]) -> MemberVerdict:
    verdict = validate_member(record, uow.tenant.profile, today=uow.today)
    if not verdict.valid:
        raise InvalidInput(verdict.errors)
    return verdict


async def register_member(uow: UnitOfWork, record: Mapping[str, object]) -> MemberRow:
    """Register a member from a record of raw fields; ``union`` and ``unit`` are ids in the caller's scope."""
    uow.caller.require(Permission.WRITE_MEMBERS)
    verdict = _checked(uow, record)
    union = await _member_union(uow, int(str(verdict.values["union"])))
    unit = await _member_unit(uow, int(str(verdict.values["unit"])), union.id)
    if verdict.document is None:
        raise RuntimeError("a valid member record always has an identity document")
    token = identity_token(uow.tenant.national_key, verdict.document)
    if await uow.db.scalar(select(Member.id).where(Member.token == token)) is not None:
        raise await _where_is(uow, token)
    pending_check = await _claimed_nationally(uow, token)
    cipher = uow.tenant.cipher
    member = Member(
        token=token,
        id_number=cipher.seal(verdict.document.number, field="idNumber", token=token),
        phone=cipher.seal(str(verdict.values["phone"]), field="phone", token=token),
        **{column: verdict.values.get(field) for field, column in PERSON_COLUMNS.items()},
    )
    member.card_status = str(verdict.values.get("cardStatus") or "0")
    uow.db.add(member)
    try:
        await uow.db.flush()
    except UniqueViolation:  # the same person registered by someone else a moment ago
        raise await _where_is(uow, token) from None
    joined = verdict.values.get("joinedOn")
    membership = Membership(
        member_id=member.id,
        union_id=union.id,
        unit_id=unit.id,
        status=MembershipStatus.ACTIVE.value,
        joined_on=joined if isinstance(joined, datetime.date) else None,
    )
    uow.db.add(membership)
    if pending_check:
        await _keep_pending_check(uow, member.id)
    row = MemberRow(member, membership)
    await _record_change(
        uow,
        row,
        kind=MemberEventType.REGISTERED,
        occurred_on=membership.joined_on or uow.today,
        changes={"union": union.id, "unit": unit.id, "status": membership.status},
    )
    audit.record(uow, audit.AuditAction.MEMBER_REGISTERED, target_type="member", target_ids=[member.id])
    await uow.commit()
    return row


def _current_record(uow: UnitOfWork, row: MemberRow) -> dict[str, object]:
    member = row.member
    return {
        **{field: getattr(member, column) for field, column in PERSON_COLUMNS.items()},
        "idNumber": open_id_number(uow, member),
        "phone": open_phone(uow, member),
        "joinedOn": row.membership.joined_on,
        "unit": str(row.membership.unit_id),
        "union": str(row.membership.union_id),
    }


async def update_member(uow: UnitOfWork, member_id: int, changes: Mapping[str, object]) -> MemberRow:
    """Correct or complete a member's personal fields; the whole record must still pass the profile."""
    uow.caller.require(Permission.WRITE_MEMBERS)
    row = await member_in_scope(uow, member_id, lock=True)
    current = _current_record(uow, row)
    editable = {*PERSON_COLUMNS, "idNumber", "phone", "joinedOn"}
    merged = {**current, **{key: value for key, value in changes.items() if key in editable}}
    verdict = _checked(uow, merged)
    if verdict.document is None:
        raise RuntimeError("a valid member record always has an identity document")
    member = row.member
    new_values = {**verdict.values, "idNumber": verdict.document.number}
    changed = {
        field: [shown_in_history(field, current.get(field)), shown_in_history(field, new_values.get(field))]
        for field in editable
        if current.get(field) != new_values.get(field)
    }
    if not changed:
        await uow.commit()  # nothing to write; a rollback would expire the row the caller shows
        return row
    previous_token = None
    token = identity_token(uow.tenant.national_key, verdict.document)
    if token != member.token:
        if await _token_taken(uow, token):
            raise await _where_is(uow, token)
        await _claim_again(uow, member.id, token)
        previous_token, member.token = member.token, token
    for field, column in PERSON_COLUMNS.items():
        setattr(member, column, verdict.values.get(field))
    member.card_status = str(verdict.values.get("cardStatus") or "0")
    member.id_number = uow.tenant.cipher.seal(verdict.document.number, field="idNumber", token=member.token)
    member.phone = uow.tenant.cipher.seal(str(verdict.values["phone"]), field="phone", token=member.token)
    member.updated_at = datetime.datetime.now(datetime.UTC)
    joined = verdict.values.get("joinedOn")
    row.membership.joined_on = joined if isinstance(joined, datetime.date) else None
    await _record_change(
        uow, row, kind=MemberEventType.UPDATED, occurred_on=uow.today, changes=changed, previous_token=previous_token
    )
    audit.record(uow, audit.AuditAction.MEMBER_UPDATED, target_type="member", target_ids=[member.id],
                 details={"fields": sorted(changed)})  # fmt: skip
    try:
        await _commit_change(uow)
    except ConcurrentChange:
        if previous_token is not None and await _token_taken(uow, token):  # registered by someone a moment ago
            raise await _where_is(uow, token) from None
        raise
    return row


def _effective_date(uow: UnitOfWork, on: datetime.date | None, joined: datetime.date | None) -> datetime.date:
    day = on or uow.today
    if day > uow.today:
        raise RuleViolation(ErrorCode.INVALID_ARGUMENT, f"办理日期 {day} 晚于今天")
    if joined is not None and day < joined:
        raise RuleViolation(ErrorCode.INVALID_ARGUMENT, f"办理日期 {day} 早于入会时间 {joined}")
    return day


async def change_status(
    uow: UnitOfWork,
    member_id: int,
    change: StatusChange,
    *,
    end_reason: EndReason | None = None,
    on: datetime.date | None = None,
    reason: str | None = None,
) -> MemberRow:
    """Retire, reserve, reactivate, end (with a reason) or rejoin a membership, recorded in history."""
    uow.caller.require(Permission.WRITE_MEMBERS)
    if change not in USER_STATUS_CHANGES:
        raise RuleViolation(ErrorCode.ILLEGAL_STATUS_CHANGE, "会籍转出只能通过会籍转接办理")
    row = await member_in_scope(uow, member_id, lock=True)
    membership = row.membership
    day = _effective_date(uow, on, membership.joined_on)
    before = MembershipStatus(membership.status)
    after = next_status(before, change, end_reason)
    if change is StatusChange.REJOIN:
        await _member_union(uow, membership.union_id)  # the union must still take members
        await _claim_again(uow, row.member.id, row.member.token)  # they may have joined elsewhere since
    membership.status = after.value
    recorded_reason = end_reason_of(change, end_reason)
    membership.end_reason = recorded_reason.value if recorded_reason else None
    membership.ended_on = day if after is MembershipStatus.ENDED else None
    if change is StatusChange.REJOIN:
        membership.joined_on = day
    membership.updated_at = datetime.datetime.now(datetime.UTC)
    changes: dict[str, Any] = {"status": [before.value, after.value]}
    if recorded_reason:
        changes["endReason"] = recorded_reason.value
    await _record_change(uow, row, kind=MemberEventType.STATUS_CHANGED, occurred_on=day, changes=changes, reason=reason)
    audit.record(uow, audit.AuditAction.MEMBER_STATUS_CHANGED, target_type="member", target_ids=[row.member.id],
                 details=changes)  # fmt: skip
    await _commit_change(uow)
    return row


async def move_member(
    uow: UnitOfWork,
    member_id: int,
    *,
    union_id: int,
    unit_id: int,
    on: datetime.date | None = None,
    reason: str | None = None,
) -> MemberRow:
    """Move a current member to another union (and unit) of the province (会籍接转 within the province)."""
    uow.caller.require(Permission.WRITE_MEMBERS)
    row = await member_in_scope(uow, member_id, lock=True)
    membership = row.membership
    status = MembershipStatus(membership.status)
    if status in {MembershipStatus.ENDED, MembershipStatus.TRANSFERRING_OUT}:
        raise RuleViolation(ErrorCode.MEMBERSHIP_ENDED, "已终止会籍或正在转出的会员不能调整所在工会")
    day = _effective_date(uow, on, membership.joined_on)
    union = await _member_union(uow, union_id)
    unit = await _member_unit(uow, unit_id, union.id)
    if (membership.union_id, membership.unit_id) == (union.id, unit.id):
        await uow.commit()  # nothing to write; a rollback would expire the row the caller shows
        return row
    changes = {"union": [membership.union_id, union.id], "unit": [membership.unit_id, unit.id]}
    membership.union_id, membership.unit_id = union.id, unit.id
    membership.updated_at = datetime.datetime.now(datetime.UTC)
    await _record_change(uow, row, kind=MemberEventType.MOVED, occurred_on=day, changes=changes, reason=reason)
    audit.record(uow, audit.AuditAction.MEMBER_MOVED, target_type="member", target_ids=[row.member.id],
                 details=changes)  # fmt: skip
    await _commit_change(uow)
    return row
