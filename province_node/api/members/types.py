"""GraphQL types of members: personal numbers masked unless the caller's role may see them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar, cast

import strawberry
from strawberry.scalars import JSON

from province_node.api.codes import Code, coded, required_code
from province_node.api.context import Context
from province_node.api.ids import global_id
from province_node.api.pagination import PageInfo
from province_node.db.tables import MembershipEvent
from province_node.domain.access import Permission
from province_node.domain.masking import mask_id_number, mask_phone, shown_in_history
from province_node.domain.statistics import age_on
from province_node.services import members
from province_node.services.members import MemberFilter, MemberRow

if TYPE_CHECKING:
    from province_node.api.organisations.types import OrganisationType
    from province_node.api.units.types import UnitType

Info = strawberry.Info[Context, None]
Shown = TypeVar("Shown")
Masked = TypeVar("Masked")


def _withheld(_: object) -> None:
    """What a caller who may not see personal data gets instead of a field no mask makes safe: nothing."""


@strawberry.type(description="A member's card (会员卡 / 服务卡).")
class MemberCard:
    status: Code
    issued_on: datetime.date | None
    activated_on: datetime.date | None


@strawberry.type(description="One change in a member's history (never changed once written).")
class MemberEvent:
    row: strawberry.Private[MembershipEvent]

    @strawberry.field(description="registered, updated, status_changed or moved.")
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field(description="The day the change took effect.")
    def occurred_on(self) -> datetime.date:
        return self.row.occurred_on

    @strawberry.field(description="When it was recorded.")
    def recorded_at(self) -> datetime.datetime:
        return self.row.recorded_at

    @strawberry.field(description="Username of the account that made the change.")
    async def actor(self, info: Info) -> str | None:
        if self.row.actor_id is None:
            return None
        return await info.context.loaders.username_by_account.load(self.row.actor_id)

    @strawberry.field
    def reason(self) -> str | None:
        return self.row.reason

    @strawberry.field(
        description="What changed: field -> [before, after]; personal numbers and birth dates masked. A changed "
        "name read by a national caller is audited, as `Member.name` is."
    )
    def changes(self, info: Info) -> JSON:
        caller = info.context.caller
        if "name" in self.row.changes and caller is not None and caller.is_national:
            info.context.personal_reads.add(self.row.member_id, "name")
        # Masked again on the way out: history written before birth dates were masked holds them in full.
        shown = {
            field: [shown_in_history(field, value) for value in values]
            if isinstance(values, list)
            else shown_in_history(field, values)
            for field, values in self.row.changes.items()
        }
        return cast(JSON, shown)


@strawberry.type(name="Member", description="A member (会员) of a union in this province.")
class MemberType:
    row: strawberry.Private[MemberRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("Member", self.row.member.id)

    @strawberry.field(description="Name; each read by a national caller (through the gateway) is audited.")
    def name(self, info: Info) -> str:
        caller = info.context.caller
        if caller is not None and caller.is_national:
            info.context.personal_reads.add(self.row.member.id, "name")
        return self.row.member.name

    @strawberry.field(description="ID type (code list `id_type`).")
    def id_type(self) -> Code:
        return required_code("id_type", self.row.member.id_type)

    @strawberry.field(
        description="ID number: in clear for roles that may see personal data (each read is audited), masked otherwise."
    )
    def id_number(self, info: Info) -> str:
        number = members.open_id_number(info.context.uow, self.row.member)
        return self._reveal(info, "idNumber", number, mask_id_number)

    @strawberry.field(description="Mobile phone: in clear for roles that may see personal data (audited), else masked.")
    def phone(self, info: Info) -> str:
        phone = members.open_phone(info.context.uow, self.row.member)
        return self._reveal(info, "phone", phone, mask_phone)

    def _reveal(self, info: Info, field: str, value: Shown, mask: Callable[[Shown], Masked]) -> Shown | Masked:
        """``value`` for a caller who may see personal data (noted for the audit), ``mask(value)`` otherwise."""
        caller = info.context.caller
        if caller is not None and caller.can(Permission.READ_PERSONAL_DATA):
            info.context.personal_reads.add(self.row.member.id, field)
            return value
        return mask(value)

    @strawberry.field
    def gender(self) -> Code:
        return required_code("gender", self.row.member.gender)

    @strawberry.field(
        description="Birth date: for roles that may see personal data (audited), null otherwise (with the masked ID "
        "number it would give the whole number away); `age` is for everyone."
    )
    def birth_date(self, info: Info) -> datetime.date | None:
        birth = self.row.member.birth_date
        return None if birth is None else self._reveal(info, "birthDate", birth, _withheld)

    @strawberry.field(description="Age in whole years today.")
    def age(self, info: Info) -> int | None:
        birth = self.row.member.birth_date
        return age_on(birth, info.context.uow.today) if birth else None

    @strawberry.field
    def ethnicity(self) -> Code | None:
        return coded("ethnicity", self.row.member.ethnicity)

    @strawberry.field
    def political_status(self) -> Code | None:
        return coded("political_status", self.row.member.political_status)

    @strawberry.field
    def education(self) -> Code | None:
        return coded("education", self.row.member.education)

    @strawberry.field
    def household_type(self) -> Code | None:
        return coded("household_type", self.row.member.household_type)

    @strawberry.field
    def nationality(self) -> Code | None:
        return coded("country", self.row.member.nationality)

    @strawberry.field
    def employment_status(self) -> Code | None:
        return coded("employment_status", self.row.member.employment_status)

    @strawberry.field(description="New-employment-form worker category, or 否 (code list `new_employment_form`).")
    def new_employment_form(self) -> Code | None:
        return coded("new_employment_form", self.row.member.new_employment_form)

    @strawberry.field
    def union_position(self) -> Code | None:
        return coded("union_position", self.row.member.union_position)

    @strawberry.field
    def position_kind(self) -> Code | None:
        return coded("position_kind", self.row.member.position_kind)

    @strawberry.field
    def card(self) -> MemberCard:
        member = self.row.member
        return MemberCard(
            status=required_code("card_status", member.card_status),
            issued_on=member.card_issued_on,
            activated_on=member.card_activated_on,
        )

    @strawberry.field(description="Membership status (code list `member_status`).")
    def status(self) -> Code:
        return required_code("member_status", self.row.membership.status)

    @strawberry.field
    def joined_on(self) -> datetime.date | None:
        return self.row.membership.joined_on

    @strawberry.field
    def ended_on(self) -> datetime.date | None:
        return self.row.membership.ended_on

    @strawberry.field(description="Why the membership ended (code list `end_reason`).")
    def end_reason(self) -> Code | None:
        return coded("end_reason", self.row.membership.end_reason)

    @strawberry.field(description="The member's grassroots union.")
    async def union(
        self, info: Info
    ) -> Annotated[OrganisationType, strawberry.lazy("province_node.api.organisations.types")]:
        from province_node.api.organisations.types import OrganisationType

        row = await info.context.loaders.organisation_by_id.load(self.row.membership.union_id)
        if row is None:
            raise RuntimeError("a member in scope has a union out of scope")
        return OrganisationType(row=row)

    @strawberry.field(description="The member's unit (employer).")
    async def unit(self, info: Info) -> Annotated[UnitType, strawberry.lazy("province_node.api.units.types")]:
        from province_node.api.units.types import UnitType

        row = await info.context.loaders.unit_by_id.load(self.row.membership.unit_id)
        if row is None:
            raise RuntimeError("a membership refers to a missing unit")
        return UnitType(row=row)

    @strawberry.field(description="Every change of this member, oldest first.")
    async def history(self, info: Info) -> list[MemberEvent]:
        rows = await info.context.loaders.history_by_member.load(self.row.member.id)
        return [MemberEvent(row=row) for row in rows]


@strawberry.type(name="MemberEdge")
class MemberEdge:
    cursor: str
    node: MemberType


@strawberry.type(name="MemberConnection", description="A page of members.")
class MemberConnection:
    edges: list[MemberEdge]
    page_info: PageInfo
    where: strawberry.Private[MemberFilter]

    @strawberry.field(description="How many members match the filter in all (an extra count query).")
    async def total_count(self, info: Info) -> int:
        return await members.count_members(info.context.uow, self.where)
