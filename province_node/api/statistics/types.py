"""GraphQL types of member statistics."""

from __future__ import annotations

import strawberry

from province_node.domain.statistics import Dimension

DimensionType = strawberry.enum(Dimension, name="StatisticsDimension", description="What to count members by.")


@strawberry.type(description="One value of one dimension; `code` is null for members with the value not recorded.")
class StatisticsKey:
    dimension: DimensionType  # type: ignore[valid-type]
    code: str | None
    label: str


@strawberry.type(description="The number of members with one combination of values.")
class StatisticsRow:
    keys: list[StatisticsKey]
    count: int


@strawberry.type(description="Counts of members of a subtree by one or two dimensions.")
class Statistics:
    dimensions: list[DimensionType]  # type: ignore[valid-type]
    rows: list[StatisticsRow]
    total: int
    as_of: str = strawberry.field(description="When the counts were taken (ISO 8601).")
