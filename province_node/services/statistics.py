"""Member statistics of a subtree: counts by one or two dimensions, with the sum of the members' ages (so an
average can be merged across provinces as sum / count).

Questions by status and subtree only (what national statistics ask) are read from the rollups
(``statistics_rollup``) plus the subtree root's own members; any other filter is counted from the tables with
one GROUP BY over the same conditions as member lists. An answer is kept per tenant, for the subtree it
counts, and given again while the counted data's version (``statistics_version``) is unchanged: a dashboard
asking every few seconds costs one small read until something is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, cast, func, select
from sqlalchemy.orm import QueryableAttribute

from province_node.db.tables import Member, Membership, Organisation, Unit
from province_node.domain.access import Permission
from province_node.domain.errors import ErrorCode, NotPermitted, RuleViolation
from province_node.domain.lifecycle import CURRENT_STATUSES
from province_node.domain.statistics import (
    MAX_GROUP_DIMENSIONS,
    CountRow,
    Dimension,
    age_band_birth_ranges,
)
from province_node.services.members import MemberFilter, conditions_within, filter_scope
from province_node.services.statistics_rollup import subtree_counts
from province_node.services.statistics_version import statistics_version
from province_node.services.unit_of_work import UnitOfWork


def _age_band(uow: UnitOfWork) -> ColumnElement[Any]:
    whens = []
    for code, earliest, _latest in age_band_birth_ranges(uow.today):
        # Bands are checked from the youngest up, so each needs only its lower birth-date bound.
        whens.append(
            (Member.birth_date >= earliest, code) if earliest is not None else (Member.birth_date.is_not(None), code)
        )
    return case(*whens, else_=None)


def dimension_column(uow: UnitOfWork, dimension: Dimension) -> ColumnElement[Any]:
    """The SQL expression that puts a member into a value of ``dimension``."""
    columns: dict[Dimension, QueryableAttribute[str] | QueryableAttribute[str | None]] = {
        Dimension.ORG_LEVEL: Organisation.org_level,
        Dimension.UNION_TYPE: Organisation.union_type,
        Dimension.UNIT_NATURE: Unit.nature,
        Dimension.GENDER: Member.gender,
        Dimension.EDUCATION: Member.education,
        Dimension.POLITICAL_STATUS: Member.political_status,
        Dimension.HOUSEHOLD_TYPE: Member.household_type,
        Dimension.NEW_EMPLOYMENT_FORM: Member.new_employment_form,
        Dimension.STATUS: Membership.status,
    }
    if dimension is Dimension.AGE_BAND:
        return _age_band(uow)
    return columns[dimension].expression


@dataclasses.dataclass(frozen=True, slots=True)
class Counted:
    """The counts, and the version of the data they hold at least everything of."""

    rows: list[CountRow]
    version: int


async def count_by(
    uow: UnitOfWork, dimensions: Sequence[Dimension], where: MemberFilter, *, version: int | None = None
) -> Counted:
    """Counts of the members matching ``where`` grouped by ``dimensions`` (one or two); ``version``: the data
    version when the request read it already, before anything else."""
    if not 1 <= len(dimensions) <= MAX_GROUP_DIMENSIONS or len(set(dimensions)) != len(dimensions):
        raise RuleViolation(ErrorCode.INVALID_ARGUMENT, f"请选择 1 至 {MAX_GROUP_DIMENSIONS} 个不同的统计维度")
    if where.name and not uow.caller.can(Permission.READ):  # it would tell whether a given person is a member
        raise NotPermitted("按姓名筛选统计")
    if version is None:  # first: before this request's own transaction begins, it is cheap
        version = await statistics_version(uow)
    root = await filter_scope(uow, where)  # a union asked for must be in scope, whether the answer is kept or not
    key = (tuple(dimensions), _filter_key(where), root, uow.today)
    kept = uow.tenant.statistics_answers.get(key, version)
    if kept is not None:
        return Counted(list(kept), version)
    if _rollups_hold(where):
        rows = await _rolled_up(uow, dimensions, root, where.statuses)
    else:
        rows = await count_from_tables(uow, dimensions, root, where)
    uow.tenant.statistics_answers.put(key, version, tuple(rows))
    return Counted(rows, version)


def _rollups_hold(where: MemberFilter) -> bool:
    """Whether the rollups can answer: current members of a subtree, narrowed by status at most."""
    narrowed = (item.name for item in dataclasses.fields(where) if item.name not in {"statuses", "union_id"})
    unfiltered = all(getattr(where, name) in (None, "") for name in narrowed)
    return unfiltered and (where.statuses is None or set(where.statuses) <= CURRENT_STATUSES)


async def _rolled_up(
    uow: UnitOfWork, dimensions: Sequence[Dimension], root: str, statuses: Sequence[str] | None
) -> list[CountRow]:
    counted = [str(status) for status in (sorted(CURRENT_STATUSES) if statuses is None else statuses)]
    root_id = int(root.rsplit(".", 1)[-1])  # paths are chains of organisation ids
    return await subtree_counts(uow, root_id, dimensions, counted)


async def count_from_tables(
    uow: UnitOfWork, dimensions: Sequence[Dimension], root: str, where: MemberFilter
) -> list[CountRow]:
    """Counts of the members matching ``where`` in the subtree at ``root``, by scanning them."""
    return await _counted(uow, dimensions, conditions_within(root, where, uow.today))


def _filter_key(where: MemberFilter) -> tuple[object, ...]:
    values = (getattr(where, item.name) for item in dataclasses.fields(where))
    return tuple(tuple(value) if isinstance(value, list | tuple) else value for value in values)


async def _counted(
    uow: UnitOfWork, dimensions: Sequence[Dimension], conditions: list[ColumnElement[bool]]
) -> list[CountRow]:
    columns = [dimension_column(uow, dimension).label(f"d{index}") for index, dimension in enumerate(dimensions)]
    age = cast(func.date_part("year", func.age(uow.today, Member.birth_date)), Integer)
    statement = (
        select(
            *columns,
            func.count().label("n"),
            func.coalesce(func.sum(age), 0).label("age_sum"),
            func.count(Member.birth_date).label("aged"),
        )
        .select_from(Member)
        .join(Membership, Membership.member_id == Member.id)
        .join(Organisation, Organisation.id == Membership.union_id)
        .join(Unit, Unit.id == Membership.unit_id)
        .where(*conditions)
        .group_by(*columns)
        .order_by(*columns)
    )
    rows = await uow.db.execute(statement)
    return [
        CountRow(keys=tuple(row[: len(columns)]), count=row.n, age_sum=int(row.age_sum), aged=row.aged) for row in rows
    ]
