"""The membership lifecycle as a state machine, every (status, change) pair, no database."""

from __future__ import annotations

import itertools

import pytest

from province_node.domain.errors import ErrorCode, RuleViolation
from province_node.domain.lifecycle import (
    CURRENT_STATUSES,
    EndReason,
    EndReasonRequired,
    IllegalStatusChange,
    MembershipStatus,
    StatusChange,
    end_reason_of,
    next_status,
)

ACTIVE, RETIRED, RESERVED = MembershipStatus.ACTIVE, MembershipStatus.RETIRED, MembershipStatus.RESERVED
TRANSFERRING_OUT, ENDED = MembershipStatus.TRANSFERRING_OUT, MembershipStatus.ENDED

# The moves of the module docstring's diagram, written out independently of the implementation's table.
ALLOWED: dict[tuple[MembershipStatus, StatusChange], MembershipStatus] = {
    (ACTIVE, StatusChange.RETIRE): RETIRED,
    (ACTIVE, StatusChange.RESERVE): RESERVED,
    (ACTIVE, StatusChange.END): ENDED,
    (ACTIVE, StatusChange.START_TRANSFER): TRANSFERRING_OUT,
    (RETIRED, StatusChange.REACTIVATE): ACTIVE,
    (RETIRED, StatusChange.END): ENDED,
    (RESERVED, StatusChange.REACTIVATE): ACTIVE,
    (RESERVED, StatusChange.END): ENDED,
    (TRANSFERRING_OUT, StatusChange.CANCEL_TRANSFER): ACTIVE,
    (TRANSFERRING_OUT, StatusChange.COMPLETE_TRANSFER): ENDED,
    (ENDED, StatusChange.REJOIN): ACTIVE,
}
EVERY_PAIR = list(itertools.product(MembershipStatus, StatusChange))
ILLEGAL = [pair for pair in EVERY_PAIR if pair not in ALLOWED]
USER_END_REASONS = [reason for reason in EndReason if reason is not EndReason.TRANSFERRED_OUT]


def pairs(selected: list[tuple[MembershipStatus, StatusChange]]) -> list[object]:
    """Parameters ``(status, change)`` named like ``active-retire``."""
    return [pytest.param(status, change, id=f"{status.value}-{change.value}") for status, change in selected]


def test_the_table_covers_every_status_and_every_change() -> None:
    assert len(EVERY_PAIR) == len(MembershipStatus) * len(StatusChange) == len(ALLOWED) + len(ILLEGAL)
    assert {status for status, _change in ALLOWED} == set(MembershipStatus)
    assert {change for _status, change in ALLOWED} == set(StatusChange)


@pytest.mark.parametrize(("status", "change"), pairs([pair for pair in ALLOWED if pair[1] is not StatusChange.END]))
def test_an_allowed_change_gives_the_documented_status(status: MembershipStatus, change: StatusChange) -> None:
    assert next_status(status, change) is ALLOWED[status, change]


@pytest.mark.parametrize(("status", "change"), pairs([pair for pair in ALLOWED if pair[1] is StatusChange.END]))
@pytest.mark.parametrize("reason", USER_END_REASONS)
def test_ending_with_a_reason_ends_the_membership(
    status: MembershipStatus, change: StatusChange, reason: EndReason
) -> None:
    assert next_status(status, change, reason) is ENDED


@pytest.mark.parametrize(("status", "change"), pairs(ILLEGAL))
def test_every_other_change_is_illegal(status: MembershipStatus, change: StatusChange) -> None:
    with pytest.raises(IllegalStatusChange) as raised:
        next_status(status, change, EndReason.LEFT_JOB)
    assert raised.value.code is ErrorCode.ILLEGAL_STATUS_CHANGE
    assert isinstance(raised.value, RuleViolation)


@pytest.mark.parametrize(("status", "change"), pairs(ILLEGAL))
def test_an_illegal_change_is_illegal_without_a_reason_too(status: MembershipStatus, change: StatusChange) -> None:
    with pytest.raises(IllegalStatusChange):
        next_status(status, change)


@pytest.mark.parametrize("status", [ACTIVE, RETIRED, RESERVED])
def test_ending_without_a_reason_is_refused(status: MembershipStatus) -> None:
    with pytest.raises(EndReasonRequired) as raised:
        next_status(status, StatusChange.END)
    assert raised.value.code is ErrorCode.END_REASON_REQUIRED


@pytest.mark.parametrize("status", [ACTIVE, RETIRED, RESERVED])
def test_ending_as_transferred_out_is_refused_outside_a_transfer(status: MembershipStatus) -> None:
    with pytest.raises(EndReasonRequired):
        next_status(status, StatusChange.END, EndReason.TRANSFERRED_OUT)


def test_the_message_of_an_illegal_change_names_the_status_and_the_change_in_chinese() -> None:
    with pytest.raises(IllegalStatusChange) as raised:
        next_status(ENDED, StatusChange.RETIRE)
    assert raised.value.message == "会籍状态为“已终止会籍”的会员不能办理退休"


def test_a_completed_transfer_records_transferred_out_as_the_end_reason() -> None:
    assert end_reason_of(StatusChange.COMPLETE_TRANSFER, None) is EndReason.TRANSFERRED_OUT


@pytest.mark.parametrize("reason", USER_END_REASONS)
def test_an_end_records_the_reason_given(reason: EndReason) -> None:
    assert end_reason_of(StatusChange.END, reason) is reason


@pytest.mark.parametrize(
    "change", [change for change in StatusChange if change not in {StatusChange.END, StatusChange.COMPLETE_TRANSFER}]
)
def test_changes_that_do_not_end_a_membership_record_no_end_reason(change: StatusChange) -> None:
    assert end_reason_of(change, EndReason.LEFT_JOB) is None


def test_every_status_but_ended_is_current() -> None:
    assert set(MembershipStatus) - CURRENT_STATUSES == {ENDED}


def test_every_status_can_be_reached_from_active() -> None:
    reached, frontier = {ACTIVE}, [ACTIVE]
    while frontier:
        status = frontier.pop()
        for (source, _change), target in ALLOWED.items():
            if source is status and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(MembershipStatus)
