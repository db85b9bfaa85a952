"""National statistics: the question sent to every province node (or one, for a drill-down), their partial
counts merged, what is missing said, and distinct persons taken from the exchange.

Each province's last good answer to each question, for each national role, is kept with the node's tag for
it (the node tags an answer for the caller's reach, of which the role is part), and the question is sent with
that tag: a node whose counted data has not changed says so (304) instead of answering again, and
the kept answer is used as current. A province that cannot answer now is served from its last good answer,
marked stale, when there is one; otherwise it is missing, with the reason. The answer is ``complete`` only when
every province asked answered now.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from gateway.domain.errors import ErrorCode, ExchangeUnavailable, InvalidArgument, NotAuthorised, ProvinceUnavailable
from gateway.domain.national_roles import NationalCaller, NationalPermission
from gateway.domain.statistics_merge import (
    AGE,
    AGED,
    KeyValue,
    MergedCounts,
    PartialCounts,
    PartialRow,
    merge_partial_counts,
)
from gateway.federation import Federation
from gateway.nodes.client import NodeAnswer, NodeClient, province_name
from gateway.nodes.fan_out import ask_every_node

NODE_STATISTICS: Final = """query GatewayStatistics($groupBy: [StatisticsDimension!]!, $filter: MemberFilterInput) {
  statistics(groupBy: $groupBy, filter: $filter) {
    dimensions rows { keys { dimension code label } count ageSum ageCount } asOf
  }
}"""


@dataclass(frozen=True, slots=True)
class ProvinceAnswer:
    """When a province's counts were taken, and whether they are a last-known answer served stale."""

    province: str
    as_of: str
    stale: bool


@dataclass(frozen=True, slots=True)
class NationalCounts:
    """The merged counts and how they were made."""

    merged: MergedCounts
    answered: tuple[ProvinceAnswer, ...]
    missing: tuple[ProvinceUnavailable, ...]
    distinct_persons: int | None
    exchange_problem: ExchangeUnavailable | None

    @property
    def complete(self) -> bool:
        """Every province asked answered now."""
        return not self.missing and not any(answer.stale for answer in self.answered)


def partial_counts(province: str, answer: NodeAnswer, asked: Sequence[str]) -> PartialCounts:
    """A node's statistics answer to a question grouped by ``asked`` as partial counts; ``ProvinceUnavailable``
    for errors or garbage (an answer grouped otherwise than asked included: it could not be merged)."""
    statistics = (answer.data or {}).get("statistics")
    if statistics is None:
        first = answer.errors[0] if answer.errors else {}
        extensions = first.get("extensions")
        code = extensions.get("code", "NODE_ERROR") if isinstance(extensions, dict) else "NODE_ERROR"
        message = first.get("message", "没有返回统计结果")
        refusal = f"{province_name(province)}节点拒绝了查询：{code} {message}"
        raise ProvinceUnavailable(province, ErrorCode.NODE_ERROR, refusal)
    try:
        rows = tuple(
            PartialRow(
                keys=tuple(
                    KeyValue(dimension=str(k["dimension"]), code=None if k["code"] is None else str(k["code"]),
                             label=str(k["label"]))
                    for k in row["keys"]
                ),
                count=_count(row["count"]),
                sums={AGE: _count(row["ageSum"]), AGED: _count(row["ageCount"])},
            )
            for row in statistics["rows"]
        )  # fmt: skip
        dimensions = tuple(str(d) for d in statistics["dimensions"])
        if dimensions != tuple(asked) or any(tuple(k.dimension for k in row.keys) != dimensions for row in rows):
            raise ValueError(f"grouped by {dimensions}, not {tuple(asked)}")
        return PartialCounts(province, dimensions, rows, as_of=str(statistics["asOf"]), tag=answer.tag)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProvinceUnavailable(
            province, ErrorCode.NODE_BAD_RESPONSE, f"{province_name(province)}节点返回的统计结果无法识别"
        ) from exc


def _count(value: Any) -> int:
    """A count or a sum of whole numbers (a large sum comes as a JSON number with a fraction of 0)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"not a count: {value!r}")
    return value


def _now() -> str:
    """The time now as nodes give ``asOf`` (ISO 8601, UTC, seconds)."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _question(caller: NationalCaller, group_by: Sequence[str], member_filter: Mapping[str, Any] | None) -> Hashable:
    """What a kept answer is kept under: the question and the role asking it. Per role, because the node's tag
    binds the role (two roles asking in turn would each overwrite the other's tag), and because an answer is
    only served stale to the role it was given to."""
    return (caller.role, tuple(group_by), json.dumps(member_filter, sort_keys=True, ensure_ascii=False, default=str))


async def national_counts(
    federation: Federation,
    caller: NationalCaller,
    group_by: Sequence[str],
    member_filter: Mapping[str, Any] | None,
    province: str | None,
) -> NationalCounts:
    """Counts of members by ``group_by`` (node enum names) over every province, or over ``province`` only."""
    if member_filter and member_filter.get("name") and not caller.can(NationalPermission.READ_PROVINCE_RECORDS):
        # Counting by name tells whether a given person is a member, which a national viewer may not learn.
        raise NotAuthorised(ErrorCode.NOT_PERMITTED, "您的全国角色无权按姓名筛选统计")
    if member_filter and member_filter.get("union") is not None and province is None:
        raise InvalidArgument(ErrorCode.INVALID_ARGUMENT, "按组织下钻统计时须同时指定省份（组织编号只在本省内有效）")
    clients = {province: federation.node(province)} if province is not None else dict(federation.nodes)
    variables = {"groupBy": list(group_by), "filter": dict(member_filter) if member_filter else None}
    question = _question(caller, group_by, member_filter)

    async def ask(client: NodeClient) -> PartialCounts:
        identity = federation.forwarded_identity(caller, client.province)
        held = federation.last_known.recall(client.province, question)
        tag = held.tag if held is not None else None
        answer = await client.execute(NODE_STATISTICS, variables, identity=identity, tag=tag)
        if answer.unchanged and held is not None:  # the node confirmed the counts held: they are current
            return dataclasses.replace(held, as_of=_now())
        return partial_counts(client.province, answer, group_by)

    outcomes = await ask_every_node(clients, ask)
    partials: list[PartialCounts] = []
    answered: list[ProvinceAnswer] = []
    missing: list[ProvinceUnavailable] = []
    for code, outcome in outcomes.items():
        if isinstance(outcome, PartialCounts):
            federation.last_known.remember(code, question, outcome)
            partials.append(outcome)
            answered.append(ProvinceAnswer(code, outcome.as_of, stale=False))
            continue
        last = federation.last_known.recall(code, question) if outcome.code is not ErrorCode.NODE_ERROR else None
        if last is not None:
            partials.append(last)
            answered.append(ProvinceAnswer(code, last.as_of, stale=True))
        missing.append(outcome)
    merged = merge_partial_counts(group_by, partials)  # every partial was checked to be grouped as asked
    persons, problem = await _distinct_persons(federation, member_filter, province)
    return NationalCounts(merged, tuple(answered), tuple(missing), persons, problem)


async def _distinct_persons(
    federation: Federation, member_filter: Mapping[str, Any] | None, province: str | None
) -> tuple[int | None, ExchangeUnavailable | None]:
    """Persons of the identity index (unfiltered questions only: the index keeps no member's details)."""
    if federation.exchange is None or (member_filter and any(v is not None for v in member_filter.values())):
        return None, None
    try:
        counts = await federation.exchange.person_counts()
    except ExchangeUnavailable as problem:
        return None, problem
    if province is not None:
        return counts.by_province.get(province, 0), None
    return sum(counts.by_province.get(code, 0) for code in federation.nodes), None
