"""Statistics queries: counts of members of a subtree by one or two dimensions."""

from __future__ import annotations

import datetime

import strawberry

from exchange.standard import code_list
from province_node.api.context import Context
from province_node.api.members.inputs import MemberFilterInput, member_filter
from province_node.api.permissions import allowed
from province_node.api.statistics.types import DimensionType, Statistics, StatisticsKey, StatisticsRow
from province_node.domain.access import Permission
from province_node.domain.statistics import Dimension
from province_node.services import statistics

Info = strawberry.Info[Context, None]
NOT_RECORDED = "未填写"


def _key(dimension: Dimension, code: str | None) -> StatisticsKey:
    label = code_list(dimension.value).label(code) if code is not None else NOT_RECORDED
    return StatisticsKey(dimension=dimension, code=code, label=label)


@strawberry.type
class StatisticsQueries:
    @strawberry.field(
        description="Members of your subtree (or of `filter.union`'s) counted by one or two dimensions.",
        extensions=allowed(Permission.READ_STATISTICS),
    )
    async def statistics(
        self,
        info: Info,
        group_by: list[DimensionType],  # type: ignore[valid-type]
        filter: MemberFilterInput | None = None,
    ) -> Statistics:
        dimensions = [Dimension(value) for value in group_by]
        context = info.context
        counted = await statistics.count_by(
            context.uow, dimensions, member_filter(filter), version=context.statistics_version_read
        )
        if info.path.prev is None:  # a root field: its answer may be tagged (``api.answer_tags``)
            context.statistics_versions.append(counted.version)
        rows = counted.rows
        return Statistics(
            dimensions=dimensions,
            rows=[
                StatisticsRow(
                    keys=[_key(dimension, key) for dimension, key in zip(dimensions, row.keys, strict=True)],
                    count=row.count,
                    age_sum=float(row.age_sum),
                    age_count=row.aged,
                )
                for row in rows
            ],
            total=sum(row.count for row in rows),
            as_of=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        )
