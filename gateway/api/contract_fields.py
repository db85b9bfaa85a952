"""Fields whose arguments or results are the node contract's own types: declared in SDL against that
contract (``EXTENSION``), resolved here.

- ``nationalStatistics(groupBy, filter, province)`` takes the node's ``StatisticsDimension`` and
  ``MemberFilterInput`` and passes them on unchanged to every node (or the one ``province``; with
  ``filter.union``, an organisation of it): national → province → organisation, one shape.
- ``province(code)`` is the node's whole query type: the selection under it goes to that node as it is.
- ``LocatedMember.member`` is the node's ``Member``, asked of the home province by ID number.
- ``conflicts(state, province, after, limit)`` takes the node's ``ConflictState`` and passes the exchange's
  identity conflicts through, for national administrators.
"""

from __future__ import annotations

from typing import Any, Final

from graphql import GraphQLResolveInfo

from gateway.api.context import Context
from gateway.api.delegation import RootField, delegated_query, node_errors_at
from gateway.api.permissions import guarded
from gateway.api.types import ArgumentError, LocatedMember, NationalConflicts, NationalStatistics
from gateway.domain.arguments import ArgumentProblem, ArgumentsRefused, check_page
from gateway.domain.errors import ExchangeUnavailable, InvalidArgument
from gateway.domain.national_roles import NationalPermission
from gateway.statistics import national_counts

EXTENSION: Final = '''
extend type Query {
  """
  Members counted over every province (or `province` only; with `filter.union`, an organisation of it), by the
  node's own dimensions and filter. Provinces that do not answer in time are listed in `missing` and as errors.
  """
  nationalStatistics(
    groupBy: [StatisticsDimension!]!
    filter: MemberFilterInput = null
    province: String = null
  ): NationalStatistics!

  """
  One province's own API: the selection is sent unchanged to its node, which answers for the national caller
  (scoped to the province, personal numbers masked).
  """
  province(code: String!): ProvinceQuery

  """
  Identity conflicts of the national index (one person current in two provinces), of every province or of
  `province` only, by id, `limit` (1 to 1,000) at a time after `after`: passed through from the exchange.
  """
  conflicts(
    state: ConflictState! = OPEN
    province: String = null
    after: Int = null
    limit: Int! = 100
  ): NationalConflictsResult!
}

extend type LocatedMember {
  """The member as the home province's node shows them to a national caller (personal numbers masked)."""
  member: Member
}
'''
Info = GraphQLResolveInfo[Context]


def _path(info: Info) -> list[str | int]:
    return list(info.path.as_list())


@guarded(NationalPermission.READ_STATISTICS)
async def resolve_national_statistics(
    _: object,
    info: Info,
    groupBy: list[str],  # noqa: N803 - GraphQL's argument names
    filter: dict[str, Any] | None = None,
    province: str | None = None,
) -> NationalStatistics:
    """Fan out, merge, report the missing provinces as errors at this field."""
    context = info.context
    caller = context.require(NationalPermission.READ_STATISTICS)
    counts = await national_counts(context.federation, caller, groupBy, filter, province)
    for failure in counts.missing:
        context.add_error(failure, _path(info))
    if counts.exchange_problem is not None:
        context.add_error(counts.exchange_problem, [*_path(info), "distinctPersons"])
    return NationalStatistics.of(counts)


@guarded(NationalPermission.READ_PROVINCE_RECORDS)
async def resolve_province(_: object, info: Info, code: str) -> dict[str, Any] | None:
    """The node's answer to the selection, its errors placed under this field."""
    context = info.context
    caller = context.require(NationalPermission.READ_PROVINCE_RECORDS)
    client = context.federation.node(code)
    query = delegated_query(info)
    identity = context.federation.forwarded_identity(caller, code)
    answer = await client.execute(query.document, query.variables, identity=identity)
    context.added_errors += node_errors_at(answer.errors, _path(info), drop=0, province=code)
    return answer.data


@guarded(NationalPermission.READ_PROVINCE_RECORDS)
async def resolve_located_member(located: LocatedMember, info: Info) -> dict[str, Any] | None:
    """The home node's record of the located member."""
    context = info.context
    caller = context.require(NationalPermission.READ_PROVINCE_RECORDS)
    client = context.federation.node(located.province)
    root = RootField(
        "memberByIdNumber",
        {
            "idNumber": ("gatewayIdNumber", "String!", located.id_number),
            "idType": ("gatewayIdType", "String!", located.id_type),
        },
    )
    query = delegated_query(info, root)
    identity = context.federation.forwarded_identity(caller, located.province)
    answer = await client.execute(query.document, query.variables, identity=identity)
    context.added_errors += node_errors_at(answer.errors, _path(info), drop=1, province=located.province)
    member = (answer.data or {}).get("memberByIdNumber")
    return member if isinstance(member, dict) else None


@guarded(NationalPermission.READ_CONFLICTS)
async def resolve_conflicts(
    _: object, info: Info, state: str, limit: int, province: str | None = None, after: int | None = None
) -> NationalConflicts | ArgumentError:
    """A page of the exchange's conflicts; arguments it would refuse are answered as ``ArgumentError``."""
    federation = info.context.federation
    problems = check_page(after, limit)
    if province is not None:
        try:
            federation.node(province)
        except InvalidArgument as unknown:
            problems += (ArgumentProblem("province", unknown.code.value, unknown.message),)
    if problems:
        return ArgumentError.of(ArgumentsRefused(problems))
    if federation.exchange is None:
        raise ExchangeUnavailable("全国网关未配置交换平台，无法查询身份冲突")
    page = await federation.exchange.conflicts(province=province, state=state.lower(), after=after, limit=limit)
    return NationalConflicts.of(page)


def by_response_key(source: Any, info: GraphQLResolveInfo[Any], **_: Any) -> Any:
    """A node type's field: the node answered it under the key the client asked (alias or name)."""
    return source.get(info.path.key) if isinstance(source, dict) else None
