"""Mutations of members: register, correct, change status, move within the province."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry

from province_node.api.context import Context
from province_node.api.errors import Error, InvalidInputError, NotFoundError, RuleViolationError, typed_result
from province_node.api.ids import decode_id
from province_node.api.members.inputs import EndReasonKind, MemberChangesInput, MemberInput, StatusChangeKind
from province_node.api.members.types import MemberType
from province_node.api.permissions import allowed
from province_node.domain.access import Permission
from province_node.domain.lifecycle import EndReason, StatusChange
from province_node.services import members, membership
from province_node.services.members import MemberRow

Info = strawberry.Info[Context, None]


@strawberry.type(description="The member as saved.")
class MemberSaved:
    member: MemberType


@strawberry.type(description="The person is already a member, in this province or another (一证一会员).")
class DuplicateMemberError(Error):
    where: str = strawberry.field(description="Where the person is a member, as far as you may know.")
    existing: MemberType | None = strawberry.field(description="The existing member, when in your scope.")
    province: str | None = strawberry.field(
        description="Code of the other province holding the person, when not this one (from the exchange)."
    )


MemberResult = Annotated[
    MemberSaved | InvalidInputError | NotFoundError | RuleViolationError | DuplicateMemberError,
    strawberry.union("MemberResult"),
]


async def _member_result(info: Info, start: Callable[[], Awaitable[MemberRow]]) -> MemberResult:
    """Run a member use case; a duplicate is answered with where the person already is."""
    uow = info.context.uow
    try:
        return await typed_result(
            uow, start, lambda row: MemberSaved(member=MemberType(row=row)), raise_=(membership.DuplicateMember,)
        )
    except membership.DuplicateMember as duplicate:
        existing = await members.member_in_scope(uow, duplicate.member_id) if duplicate.member_id else None
        return DuplicateMemberError(
            code=duplicate.code,
            message=duplicate.message,
            where=duplicate.where,
            existing=MemberType(row=existing) if existing else None,
            province=duplicate.province,
        )


def _member_id(value: strawberry.ID) -> int:
    return decode_id("Member", value, what="会员")


@strawberry.type
class MemberMutations:
    @strawberry.mutation(
        description="Register a member, checked against the province's profile.",
        extensions=allowed(Permission.WRITE_MEMBERS),
    )
    async def register_member(self, info: Info, input: MemberInput) -> MemberResult:
        uow = info.context.uow
        return await _member_result(info, lambda: membership.register_member(uow, input.record()))

    @strawberry.mutation(
        description="Correct or complete a member's fields; recorded in history.",
        extensions=allowed(Permission.WRITE_MEMBERS),
    )
    async def update_member(
        self,
        info: Info,
        id: strawberry.ID,
        input: MemberChangesInput,
    ) -> MemberResult:
        uow = info.context.uow
        return await _member_result(info, lambda: membership.update_member(uow, _member_id(id), input.changes()))

    @strawberry.mutation(
        description="Retire, reserve, reactivate, end (with a reason) or rejoin a membership; recorded in history.",
        extensions=allowed(Permission.WRITE_MEMBERS),
    )
    async def change_member_status(
        self,
        info: Info,
        id: strawberry.ID,
        change: StatusChangeKind,
        end_reason: EndReasonKind | None = None,
        on: datetime.date | None = None,
        reason: str | None = None,
    ) -> MemberResult:
        uow = info.context.uow
        return await _member_result(
            info,
            lambda: membership.change_status(
                uow,
                _member_id(id),
                StatusChange(change.value),
                end_reason=EndReason(end_reason.value) if end_reason else None,
                on=on,
                reason=reason,
            ),
        )

    @strawberry.mutation(
        description="Move a member to another union (and unit) of the province (会籍接转); recorded in history.",
        extensions=allowed(Permission.WRITE_MEMBERS),
    )
    async def move_member(
        self,
        info: Info,
        id: strawberry.ID,
        union: strawberry.ID,
        unit: strawberry.ID,
        on: datetime.date | None = None,
        reason: str | None = None,
    ) -> MemberResult:
        uow = info.context.uow
        return await _member_result(
            info,
            lambda: membership.move_member(
                uow,
                _member_id(id),
                union_id=decode_id("Organisation", union, what="工会组织"),
                unit_id=decode_id("Unit", unit, what="单位"),
                on=on,
                reason=reason,
            ),
        )
