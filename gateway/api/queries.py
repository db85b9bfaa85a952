"""The gateway's own query fields: the provinces' state, the caller, member location's first step and
verification (核查) against the national identity index."""

from __future__ import annotations

import strawberry

from gateway.api.context import Context
from gateway.api.permissions import allowed
from gateway.api.types import (
    ArgumentError,
    LocatedMember,
    MemberLocation,
    MembershipVerification,
    MembershipVerificationResult,
    MissingProvince,
    NationalIdentity,
    NotAMember,
    ProvinceStatus,
)
from gateway.domain.arguments import ArgumentsRefused
from gateway.domain.national_roles import NationalPermission
from gateway.identity_lookup import locate_member, verify_membership
from gateway.nodes.client import province_name
from gateway.province_health import province_health

Info = strawberry.Info[Context, None]


@strawberry.type
class GatewayQueries:
    @strawberry.field(description="The national caller, or null when not signed in.")
    def me(self, info: Info) -> NationalIdentity | None:
        caller = info.context.caller
        if caller is None:
            return None
        return NationalIdentity(subject=caller.subject, role=caller.role.value, issuer=caller.issuer)

    @strawberry.field(
        description="Every province node: health, version, lag towards the exchange, current members.",
        extensions=allowed(NationalPermission.READ_STATISTICS),
    )
    async def provinces(self, info: Info) -> list[ProvinceStatus]:
        caller = info.context.require(NationalPermission.READ_STATISTICS)
        return [
            ProvinceStatus(
                province=health.province,
                name=province_name(health.province),
                status=health.status,
                version=health.version,
                lag_seconds=health.lag_seconds,
                unsent_events=health.unsent_events,
                member_count=health.member_count,
                problem=MissingProvince.of(health.problem) if health.problem else None,
            )
            for health in await province_health(info.context.federation, caller)
        ]

    @strawberry.field(
        description="Where the holder of an ID is a member: the identity token is computed here, the exchange "
        "gives the home province (and logs the question), and `member` is that province's record as its node "
        "shows it to a national caller (masked). `NotAMember` when no province holds the person; `ArgumentError` "
        "for an ID number the national standard refuses. Counted with `verifyMembership` against the caller's "
        "allowance an hour (TOO_MANY_LOOKUPS past it).",
        extensions=allowed(NationalPermission.READ_PROVINCE_RECORDS),
    )
    async def locate_member(self, info: Info, id_number: str, id_type: str = "01") -> MemberLocation:
        caller = info.context.require(NationalPermission.READ_PROVINCE_RECORDS)
        found = await locate_member(info.context.federation, caller, id_type, id_number)
        if isinstance(found, ArgumentsRefused):
            return ArgumentError.of(found)
        if found.province is None:
            return NotAMember()
        return LocatedMember(
            province=found.province,
            province_name=province_name(found.province),
            id_number=found.checked.normalized,
            id_type=found.checked.id_type,
        )

    @strawberry.field(
        description="核查: whether the holder of an ID is a current member, and the home province — nothing else "
        "about the person. The identity token is computed here; the exchange logs the question with `purpose` "
        "(1 to 120 characters) and the caller. Counted with `locateMember` against the caller's allowance an hour "
        "(TOO_MANY_LOOKUPS past it).",
        extensions=allowed(NationalPermission.VERIFY_MEMBERSHIP),
    )
    async def verify_membership(
        self, info: Info, id_number: str, purpose: str, id_type: str = "01"
    ) -> MembershipVerificationResult:
        caller = info.context.require(NationalPermission.VERIFY_MEMBERSHIP)
        answer = await verify_membership(info.context.federation, caller, id_type, id_number, purpose)
        if isinstance(answer, ArgumentsRefused):
            return ArgumentError.of(answer)
        return MembershipVerification.of(answer)
