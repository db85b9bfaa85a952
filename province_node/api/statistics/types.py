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


@strawberry.type(description="The number of members with one combination of values, and the sum of their ages.")
class StatisticsRow:
    keys: list[StatisticsKey]
    count: int
    age_sum: float = strawberry.field(
        description="Sum of the ages (whole years, today) of the row's members whose birth date is recorded: a whole "
        "number, a Float only because a large province's sum passes GraphQL's 32-bit Int. Sums add across "
        "provinces; an average is merged as sum / `ageCount`, never as an average of averages."
    )
    age_count: int = strawberry.field(description="Members of the row whose birth date is recorded.")

    @strawberry.field(description="Mean age of the row's members whose birth date is recorded (null when none).")
    def average_age(self) -> float | None:
        return self.age_sum / self.age_count if self.age_count else None


@strawberry.type(description="Counts of members of a subtree by one or two dimensions.")
class Statistics:
    dimensions: list[DimensionType]  # type: ignore[valid-type]
    rows: list[StatisticsRow]
    total: int
    as_of: str = strawberry.field(description="When the counts were taken (ISO 8601).")
