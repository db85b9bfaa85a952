"""GraphQL types of the gateway's own fields (the node contract's types are reused, not declared here)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.domain.arguments import ArgumentsRefused
from gateway.domain.errors import ErrorCode, ProvinceUnavailable
from gateway.domain.statistics_merge import AGE, AGED, MergedRow, average_of
from gateway.exchange_link import ConflictPage, ConflictRecord, Verification
from gateway.nodes.client import province_name
from gateway.statistics import NationalCounts


@strawberry.type(description="One value of one dimension; `code` is null for members with the value not recorded.")
class NationalStatisticsKey:
    dimension: str = strawberry.field(description="The dimension, as the node's `StatisticsDimension` names it.")
    code: str | None
    label: str


@strawberry.type(description="The number of members with one combination of values, added over the provinces.")
class NationalStatisticsRow:
    keys: list[NationalStatisticsKey]
    count: int
    average_age: float | None = strawberry.field(
        description="Mean age of the members whose birth date is recorded: the provinces' sums of ages over their "
        "counts, each added first (never an average of the provinces' averages)."
    )

    @classmethod
    def of(cls, row: MergedRow) -> NationalStatisticsRow:
        """The GraphQL row of a merged row."""
        keys = [NationalStatisticsKey(dimension=k.dimension, code=k.code, label=k.label) for k in row.keys]
        return cls(keys=keys, count=row.count, average_age=row.average(AGE, over=AGED))


@strawberry.type(description="A province whose answer is not in the figures, and why.")
class MissingProvince:
    province: str
    name: str
    code: str = strawberry.field(description="NODE_TIMEOUT, NODE_UNREACHABLE, NODE_CIRCUIT_OPEN, NODE_ERROR, ...")
    message: str

    @classmethod
    def of(cls, failure: ProvinceUnavailable) -> MissingProvince:
        """The GraphQL form of a province's failure."""
        return cls(
            province=failure.province,
            name=province_name(failure.province),
            code=failure.code.value,
            message=failure.message,
        )


@strawberry.type(description="When a province's counts were taken; `stale` when its last good answer stands in.")
class ProvinceAsOf:
    province: str
    name: str
    as_of: str
    stale: bool


@strawberry.type(description="Members counted over the provinces asked, with what is missing said.")
class NationalStatistics:
    dimensions: list[str]
    rows: list[NationalStatisticsRow]
    total: int
    average_age: float | None = strawberry.field(description="Mean age over every row, merged as sum / count.")
    complete: bool = strawberry.field(description="Every province asked answered now (none missing, none stale).")
    missing: list[MissingProvince]
    provinces: list[ProvinceAsOf]
    distinct_persons: int | None = strawberry.field(
        description="Distinct persons from the national identity index (unfiltered questions only; never a "
        "sum of the provinces' counts, which may hold one person twice during a transfer or a conflict)."
    )

    @classmethod
    def of(cls, counts: NationalCounts) -> NationalStatistics:
        """The GraphQL form of merged national counts."""
        merged = counts.merged
        return cls(
            dimensions=list(merged.dimensions),
            rows=[NationalStatisticsRow.of(row) for row in merged.rows],
            total=merged.total,
            average_age=average_of(merged.sums, merged.total, AGE, over=AGED),
            complete=counts.complete,
            missing=[MissingProvince.of(failure) for failure in counts.missing],
            provinces=[
                ProvinceAsOf(province=a.province, name=province_name(a.province), as_of=a.as_of, stale=a.stale)
                for a in counts.answered
            ],
            distinct_persons=counts.distinct_persons,
        )


@strawberry.type(description="A province node now.")
class ProvinceStatus:
    province: str
    name: str
    status: str = strawberry.field(description="ok, degraded (its database is unavailable) or unavailable.")
    version: str | None
    lag_seconds: float | None = strawberry.field(description="Age of the oldest event not yet at the exchange.")
    unsent_events: int | None
    member_count: int | None = strawberry.field(description="Current members.")
    problem: MissingProvince | None


@strawberry.type(description="Where a person is a member: the home province from the national identity index.")
class LocatedMember:
    province: str
    province_name: str
    id_number: strawberry.Private[str]  # normalised; sent to the home province only, to find the record
    id_type: strawberry.Private[str]


@strawberry.type(description="The holder of the ID is not a current member in any province.")
class NotAMember:
    message: str = "全国身份索引中没有该证件持有人的在册会籍"


@strawberry.type(name="ArgumentProblem", description="One problem with one argument.")
class ArgumentProblemType:
    field: str
    code: str = strawberry.field(
        description="The national standard's code (ID_CHECKSUM, ID_LENGTH, CODE_UNKNOWN, ...) or the gateway's "
        "(PURPOSE_LENGTH, INVALID_ARGUMENT, UNKNOWN_PROVINCE)."
    )
    message: str


@strawberry.type(description="Arguments the gateway will not act on; nothing was asked of the exchange or a node.")
class ArgumentError:
    code: str = strawberry.field(description="INVALID_ARGUMENT")
    message: str
    problems: list[ArgumentProblemType]

    @classmethod
    def of(cls, refused: ArgumentsRefused) -> ArgumentError:
        """The GraphQL form of refused arguments."""
        problems = [ArgumentProblemType(field=p.field, code=p.code, message=p.message) for p in refused.problems]
        return cls(code=ErrorCode.INVALID_ARGUMENT.value, message=refused.message, problems=problems)


MemberLocation = Annotated[LocatedMember | NotAMember | ArgumentError, strawberry.union("MemberLocation")]


@strawberry.type(description="The answer of the national identity index: a current member or not, and where.")
class MembershipVerification:
    member: bool
    province: str | None = strawberry.field(description="The home province, when a member.")
    province_name: str | None

    @classmethod
    def of(cls, verification: Verification) -> MembershipVerification:
        """The GraphQL form of the exchange's answer."""
        province = verification.province if verification.member else None
        return cls(
            member=verification.member, province=province, province_name=province_name(province) if province else None
        )


MembershipVerificationResult = Annotated[
    MembershipVerification | ArgumentError, strawberry.union("MembershipVerificationResult")
]


@strawberry.type(
    description="The same person current in two provinces (一证一会员 broken), as the national exchange recorded "
    "it. Who the person is stays with the provinces: ask `province(code) { identityConflicts }` of either."
)
class NationalConflict:
    id: int = strawberry.field(description="The exchange's id; pages follow it.")
    holder: str = strawberry.field(description="The province the national index keeps the person in.")
    holder_name: str
    claimant: str = strawberry.field(description="The province also holding the person as a current member.")
    claimant_name: str
    detected_at: str
    resolved_at: str | None
    resolution: str | None = strawberry.field(description="How it was resolved (ended, corrected, ...), once resolved.")
    resolved_by: str | None

    @classmethod
    def of(cls, record: ConflictRecord) -> NationalConflict:
        """The GraphQL form of a conflict of the exchange."""
        return cls(
            id=record.id,
            holder=record.holder,
            holder_name=province_name(record.holder),
            claimant=record.claimant,
            claimant_name=province_name(record.claimant),
            detected_at=record.detected_at,
            resolved_at=record.resolved_at,
            resolution=record.resolution,
            resolved_by=record.resolved_by,
        )


@strawberry.type(description="A page of identity conflicts, by id.")
class NationalConflicts:
    conflicts: list[NationalConflict]
    next: int | None = strawberry.field(description="`after` for the next page; null on the last.")

    @classmethod
    def of(cls, page: ConflictPage) -> NationalConflicts:
        """The GraphQL form of a page of the exchange's conflicts."""
        return cls(conflicts=[NationalConflict.of(record) for record in page.conflicts], next=page.next)


NationalConflictsResult = Annotated[NationalConflicts | ArgumentError, strawberry.union("NationalConflictsResult")]


@strawberry.type(description="The national caller.")
class NationalIdentity:
    subject: str
    role: str
    issuer: str


@strawberry.type(description="A login to the gateway.")
class NationalLogin:
    token: str
    username: str
    role: str


@strawberry.type(description="A refused login.")
class LoginRefused:
    code: str
    message: str


NationalLoginResult = Annotated[NationalLogin | LoginRefused, strawberry.union("NationalLoginResult")]
