"""The membership lifecycle (会籍管理) as a state machine.

    active ──retire──► retired ──end──► ended ──rejoin──► active
      │ ▲                 │
      │ └──reactivate─────┤
      ├──reserve──► reserved ──reactivate──► active
      ├──transfer──► transferring_out ──complete──► ended (调出)
      │                    └──cancel──► active
      └──end──► ended (离职 / 退会 / 除名 / 死亡 / 其他)

Ending always needs a reason; ``transferred_out`` is reserved for completed inter-province transfers.
One function, ``next_status``, decides every move and raises ``IllegalStatusChange`` otherwise.
"""

from __future__ import annotations

from enum import StrEnum

from province_node.domain.errors import ErrorCode, RuleViolation


class MembershipStatus(StrEnum):
    """Where a membership stands (codes of the ``member_status`` code list)."""

    ACTIVE = "active"  # 在册
    RETIRED = "retired"  # 退休, still a member
    RESERVED = "reserved"  # 保留会籍, e.g. unemployed, kept at a regional union
    TRANSFERRING_OUT = "transferring_out"  # 转出中: an inter-province transfer is under way
    ENDED = "ended"  # 终止会籍, with a reason


class EndReason(StrEnum):
    """Why a membership ended (codes of the ``end_reason`` code list)."""

    TRANSFERRED_OUT = "transferred_out"  # 调出
    LEFT_JOB = "left_job"  # 离职
    RESIGNED = "resigned"  # 退会
    EXPELLED = "expelled"  # 除名
    DECEASED = "deceased"  # 死亡
    OTHER = "other"  # 其他


class StatusChange(StrEnum):
    """What a user (or the transfer protocol) asks to happen to a membership."""

    RETIRE = "retire"
    RESERVE = "reserve"
    REACTIVATE = "reactivate"
    END = "end"
    REJOIN = "rejoin"
    START_TRANSFER = "start_transfer"
    CANCEL_TRANSFER = "cancel_transfer"
    COMPLETE_TRANSFER = "complete_transfer"


_STATUS_LABELS = {
    MembershipStatus.ACTIVE: "在册",
    MembershipStatus.RETIRED: "退休",
    MembershipStatus.RESERVED: "保留会籍",
    MembershipStatus.TRANSFERRING_OUT: "转出中",
    MembershipStatus.ENDED: "已终止会籍",
}
_CHANGE_LABELS = {
    StatusChange.RETIRE: "办理退休",
    StatusChange.RESERVE: "保留会籍",
    StatusChange.REACTIVATE: "恢复在册",
    StatusChange.END: "终止会籍",
    StatusChange.REJOIN: "重新入会",
    StatusChange.START_TRANSFER: "办理转出",
    StatusChange.CANCEL_TRANSFER: "撤销转出",
    StatusChange.COMPLETE_TRANSFER: "完成转出",
}

_MOVES: dict[tuple[MembershipStatus, StatusChange], MembershipStatus] = {
    (MembershipStatus.ACTIVE, StatusChange.RETIRE): MembershipStatus.RETIRED,
    (MembershipStatus.ACTIVE, StatusChange.RESERVE): MembershipStatus.RESERVED,
    (MembershipStatus.ACTIVE, StatusChange.END): MembershipStatus.ENDED,
    (MembershipStatus.ACTIVE, StatusChange.START_TRANSFER): MembershipStatus.TRANSFERRING_OUT,
    (MembershipStatus.RETIRED, StatusChange.REACTIVATE): MembershipStatus.ACTIVE,
    (MembershipStatus.RETIRED, StatusChange.END): MembershipStatus.ENDED,
    (MembershipStatus.RESERVED, StatusChange.REACTIVATE): MembershipStatus.ACTIVE,
    (MembershipStatus.RESERVED, StatusChange.END): MembershipStatus.ENDED,
    (MembershipStatus.TRANSFERRING_OUT, StatusChange.CANCEL_TRANSFER): MembershipStatus.ACTIVE,
    (MembershipStatus.TRANSFERRING_OUT, StatusChange.COMPLETE_TRANSFER): MembershipStatus.ENDED,
    (MembershipStatus.ENDED, StatusChange.REJOIN): MembershipStatus.ACTIVE,
}
# Statuses in which a person is a current member: counted, and holding the national identity.
CURRENT_STATUSES = frozenset(
    {
        MembershipStatus.ACTIVE,
        MembershipStatus.RETIRED,
        MembershipStatus.RESERVED,
        MembershipStatus.TRANSFERRING_OUT,
    }
)


class IllegalStatusChange(RuleViolation):
    """The requested change is not a move of the lifecycle from the current status."""

    def __init__(self, status: MembershipStatus, change: StatusChange) -> None:
        super().__init__(
            ErrorCode.ILLEGAL_STATUS_CHANGE,
            f"会籍状态为“{_STATUS_LABELS[status]}”的会员不能{_CHANGE_LABELS[change]}",
        )


class EndReasonRequired(RuleViolation):
    """Ending a membership needs a reason; 调出 only comes from a completed transfer."""

    def __init__(self) -> None:
        super().__init__(
            ErrorCode.END_REASON_REQUIRED,
            "终止会籍须注明原因（离职、退会、除名、死亡或其他）；调出只能通过会籍转接办理",
        )


def next_status(
    status: MembershipStatus, change: StatusChange, end_reason: EndReason | None = None
) -> MembershipStatus:
    """The status after ``change``; raises ``IllegalStatusChange`` or ``EndReasonRequired``."""
    target = _MOVES.get((status, change))
    if target is None:
        raise IllegalStatusChange(status, change)
    if change is StatusChange.END and (end_reason is None or end_reason is EndReason.TRANSFERRED_OUT):
        raise EndReasonRequired
    return target


def end_reason_of(change: StatusChange, end_reason: EndReason | None) -> EndReason | None:
    """The end reason recorded with a change: the given one for ``END``, 调出 for a completed transfer."""
    if change is StatusChange.COMPLETE_TRANSFER:
        return EndReason.TRANSFERRED_OUT
    return end_reason if change is StatusChange.END else None
