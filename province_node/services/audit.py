"""The audit log: who did or saw what, and when. Written in the same transaction as what it records."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select

from province_node.db.tables import AuditEntry
from province_node.services.unit_of_work import UnitOfWork


class AuditAction(StrEnum):
    """What an audit entry records."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an action name
    PASSWORD_CHANGE_FAILED = "password_change_failed"  # noqa: S105 - an action name; counted as a failed login
    ACCOUNT_CREATED = "account_created"
    ACCOUNT_DISABLED = "account_disabled"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - an action name
    PERSONAL_DATA_READ = "personal_data_read"
    ID_NUMBER_LOOKUP = "id_number_lookup"  # a member looked up by ID number, found or not (details: found, masked)
    MEMBER_REGISTERED = "member_registered"
    MEMBER_UPDATED = "member_updated"
    MEMBER_STATUS_CHANGED = "member_status_changed"
    MEMBER_MOVED = "member_moved"
    ORGANISATION_CREATED = "organisation_created"
    ORGANISATION_UPDATED = "organisation_updated"
    ORGANISATION_MOVED = "organisation_moved"
    ORGANISATION_DISSOLVED = "organisation_dissolved"
    UNIT_CREATED = "unit_created"
    UNIT_UPDATED = "unit_updated"
    MEMBERS_EXPORTED = "members_exported"  # details: rows, personal data in clear; target_ids: members shown in clear
    ORGANISATIONS_EXPORTED = "organisations_exported"
    ERROR_REPORT_DOWNLOADED = "error_report_downloaded"  # the refused rows of an import, personal data in clear
    IMPORT_REJECTIONS_READ = "import_rejections_read"  # the same rows' reasons, which quote the values, read


def record(
    uow: UnitOfWork,
    action: AuditAction,
    *,
    target_type: str | None = None,
    target_ids: Iterable[int] = (),
    details: dict[str, Any] | None = None,
    account_id: int | None = None,
) -> None:
    """Stage an audit entry in the current transaction (by the caller unless ``account_id`` is given; a
    national caller, who has no account here, is named in ``details["by"]``)."""
    details = dict(details or {})
    actor = account_id
    if actor is None and uow.has_caller:
        if uow.caller.is_national:
            details["by"] = uow.caller.username
        else:
            actor = uow.caller.account_id
    uow.db.add(
        AuditEntry(
            account_id=actor,
            action=action.value,
            target_type=target_type,
            target_ids=sorted(set(target_ids)),
            details=details,
        )
    )


async def recent_count(uow: UnitOfWork, action: AuditAction, within: datetime.timedelta) -> int:
    """How many times the caller did ``action`` in the last ``within`` (as the audit log recorded it).

    The count is taken under a transaction-level lock on the caller and the action, so two requests of one
    caller count one after the other: take it, record the action, commit.
    """
    caller = uow.caller
    who = f"national:{caller.username}" if caller.is_national else f"account:{caller.account_id}"
    await uow.db.hold_lock(f"{action.value}/{who}")
    by_caller = (
        AuditEntry.account_id.is_(None) & (AuditEntry.details["by"].astext == caller.username)
        if caller.is_national
        else AuditEntry.account_id == caller.account_id
    )
    statement = select(func.count()).where(
        by_caller, AuditEntry.action == action.value, AuditEntry.at > func.now() - within
    )
    return int((await uow.db.execute(statement)).scalar_one())
