"""Statistics rollups (migration 0005): each organisation's subtree counted by every pair of dimensions, so
a count of a whole province reads a few hundred rollup rows instead of scanning its members.

Writers only mark the members they touch (triggers append to ``statistics_dirty``). Before counting,
``bring_rollups_up_to_date`` folds the marked members in, in one transaction at a time per tenant: each
member's old values (``statistics_counted``) are taken out of the rollups of the organisations above their
old union and the new ones added above the new union. Ages are counted as on one day; when the day
changes, the members whose birthday has passed in between are marked too.

A count then reads the rollup of the subtree's root (members below it) and adds the root's own members,
counted from the tables (a grassroots union is small), in one statement. Questions the rollups do not hold
(filters other than status, ended members) are counted from the tables.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from typing import LiteralString

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from province_node.domain.statistics import (
    AGE_BAND_LIMITS,
    PAIRED_DIMENSIONS,
    ROLLUP_PAIRS,
    CountRow,
    Dimension,
    birthdays_between,
    merge_count_rows,
    rollup_reading,
)
from province_node.services.request_reads import rows_as_seen
from province_node.services.unit_of_work import UnitOfWork

# One fold at a time per tenant database (advisory locks are per database); the key is arbitrary.
FOLD_LOCK = text("SELECT pg_advisory_xact_lock(5005)")
READ_DAY = text("SELECT day FROM statistics_rollup_day")
# Whether members are marked, or the rollups' ages are of another day (driver placeholders: it is also read
# outside a session, ``request_reads``).
BEHIND = """SELECT EXISTS (SELECT 1 FROM statistics_dirty)
                   OR NOT EXISTS (SELECT 1 FROM statistics_rollup_day WHERE day = %(day)s)"""
FORGET_DAY = text("DELETE FROM statistics_rollup_day")
SET_DAY = text("INSERT INTO statistics_rollup_day (day) VALUES (:day)")
MARK_EVERYONE = text("INSERT INTO statistics_dirty SELECT member_id FROM statistics_counted")
MARK_BIRTHDAYS = text(
    """INSERT INTO statistics_dirty
       SELECT member_id FROM statistics_counted WHERE birthday > :after AND birthday <= :up_to"""
)


def _age_band() -> str:
    bands = " ".join(f"WHEN age < {limit} THEN '{band}'" for band, limit in enumerate(AGE_BAND_LIMITS, start=1))
    return f"CASE WHEN age IS NULL THEN NULL {bands} ELSE '{len(AGE_BAND_LIMITS) + 1}' END"


def _grouping_sets() -> str:
    return ", ".join(f"({first.value}, {second.value})" for first, second in ROLLUP_PAIRS)


def _pair_of_grouping() -> str:
    """``VALUES`` rows (GROUPING() mask, pair, position of its first and second dimension in the key array):
    GROUPING sets a bit, most significant first, for each dimension the row is *not* grouped by."""
    width = len(PAIRED_DIMENSIONS)
    rows = []
    for index, (first, second) in enumerate(ROLLUP_PAIRS):
        grouped = {PAIRED_DIMENSIONS.index(first), PAIRED_DIMENSIONS.index(second)}
        mask = sum(1 << (width - 1 - position) for position in range(width) if position not in grouped)
        rows.append(f"({mask}, {index}, {min(grouped) + 1}, {max(grouped) + 1})")
    return ", ".join(rows)


_DIMENSIONS = ", ".join(dimension.value for dimension in PAIRED_DIMENSIONS)


def _member_values(day: str) -> str:
    """What a member is counted by (status, the paired dimensions but the age band, and the age on ``day``,
    an SQL placeholder), over ``membership ms``, ``member m``, ``organisation o`` and ``unit u``: the rollups and
    the root's own members of a recount take them from here, so the two always agree."""
    return f"""ms.status, o.org_level, o.union_type, u.nature AS unit_nature, m.gender, m.education,
           m.political_status, m.household_type, m.new_employment_form,
           date_part('year', age(CAST({day} AS date), m.birth_date))::int AS age"""


# The marked members' values now, their values as counted, and the difference folded into the rollups of the
# organisations above their union (one statement, so everything it reads is one snapshot). Changes are first
# summed per parent path by every pair at once (GROUPING SETS, one pass), then spread over the path.
FOLD = text(
    f"""
WITH marked AS (DELETE FROM statistics_dirty RETURNING member_id),
members AS (SELECT DISTINCT member_id FROM marked),
aged AS (
    SELECT m.id AS member_id, subpath(o.path, 0, nlevel(o.path) - 1)::text AS parent_path,
           {_member_values(":day")},
           (date_part('month', m.birth_date) * 100 + date_part('day', m.birth_date))::smallint AS birthday
    FROM members JOIN member m ON m.id = members.member_id
    JOIN membership ms ON ms.member_id = m.id AND ms.status <> 'ended'
    JOIN organisation o ON o.id = ms.union_id
    JOIN unit u ON u.id = ms.unit_id
),
now AS (
    SELECT member_id, parent_path, status, org_level, union_type, unit_nature, gender, {_age_band()} AS age_band,
           education, political_status, household_type, new_employment_form, age, birthday
    FROM aged
),
counted AS (SELECT c.* FROM statistics_counted c JOIN members USING (member_id)),
stored AS (
    INSERT INTO statistics_counted SELECT * FROM now
    ON CONFLICT (member_id) DO UPDATE SET
        parent_path = excluded.parent_path, status = excluded.status, org_level = excluded.org_level,
        union_type = excluded.union_type, unit_nature = excluded.unit_nature, gender = excluded.gender,
        age_band = excluded.age_band, education = excluded.education,
        political_status = excluded.political_status, household_type = excluded.household_type,
        new_employment_form = excluded.new_employment_form, age = excluded.age, birthday = excluded.birthday
),
gone AS (
    DELETE FROM statistics_counted c USING members
    WHERE c.member_id = members.member_id AND NOT EXISTS (SELECT 1 FROM now WHERE now.member_id = c.member_id)
),
changes AS (SELECT 1 AS sign, * FROM now UNION ALL SELECT -1 AS sign, * FROM counted),
by_parent AS (
    SELECT parent_path, status, GROUPING({_DIMENSIONS}) AS grouping, ARRAY[{_DIMENSIONS}] AS keys,
           sum(sign) AS members, coalesce(sum(sign * age), 0) AS age_sum,
           coalesce(sum(sign) FILTER (WHERE age IS NOT NULL), 0) AS aged
    FROM changes
    GROUP BY parent_path, status, GROUPING SETS ({_grouping_sets()})
),
by_organisation AS (
    SELECT a.organisation_id, p.pair, keys[p.first] AS key1, keys[p.second] AS key2, status,
           sum(members) AS members, sum(age_sum) AS age_sum, sum(aged) AS aged
    FROM by_parent JOIN (VALUES {_pair_of_grouping()}) AS p (grouping, pair, first, second) USING (grouping)
    CROSS JOIN unnest(string_to_array(parent_path, '.')::bigint[]) AS a (organisation_id)
    GROUP BY a.organisation_id, p.pair, key1, key2, status
)
INSERT INTO statistics_rollup AS r (organisation_id, pair, key1, key2, status, members, age_sum, aged)
SELECT * FROM by_organisation WHERE members <> 0 OR age_sum <> 0 OR aged <> 0
ON CONFLICT (organisation_id, pair, key1, key2, status) DO UPDATE SET
    members = r.members + excluded.members, age_sum = r.age_sum + excluded.age_sum, aged = r.aged + excluded.aged
"""  # noqa: S608 - built from the constant dimension list
)


async def bring_rollups_up_to_date(engine: AsyncEngine, day: datetime.date) -> None:
    """Fold every marked member into the rollups, ages as on ``day``, in a transaction of its own."""
    async with engine.begin() as connection:
        await connection.execute(FOLD_LOCK)
        if not (await connection.exec_driver_sql(BEHIND, {"day": day})).scalar_one():
            return  # nothing marked, same day: the background's usual round costs two small reads
        await _move_to_day(connection, day)
        await connection.execute(FOLD, {"day": day})


async def _move_to_day(connection: AsyncConnection, day: datetime.date) -> None:
    counted_on = (await connection.execute(READ_DAY)).scalar_one_or_none()
    if counted_on == day:
        return
    if counted_on is not None:
        ranges = birthdays_between(counted_on, day)
        if ranges is None:
            await connection.execute(MARK_EVERYONE)
        for after, up_to in ranges or ():
            await connection.execute(MARK_BIRTHDAYS, {"after": after, "up_to": up_to})
    await connection.execute(FORGET_DAY)
    await connection.execute(SET_DAY, {"day": day})


async def subtree_counts(
    uow: UnitOfWork, organisation_id: int, dimensions: Sequence[Dimension], statuses: Sequence[str]
) -> list[CountRow]:
    """Counts of the current members of the subtree at ``organisation_id`` with one of ``statuses``: the
    rollups (brought up to date first) of the members below it and its own members, in one statement read as
    the request sees the database (``request_reads``)."""
    [(behind,)] = await rows_as_seen(uow, BEHIND, {"day": uow.today})
    if behind:
        await bring_rollups_up_to_date(uow.tenant.rollup_engine, uow.today)
    params = {
        "organisation": organisation_id,
        "pair": rollup_reading(dimensions).pair,
        "statuses": list(statuses),
        "day": uow.today,
    }
    rows = await rows_as_seen(uow, _subtree_statement(tuple(dimensions)), params)
    return merge_count_rows(
        [CountRow(keys=tuple(row[:-3]), count=int(row[-3]), age_sum=int(row[-2]), aged=int(row[-1])) for row in rows]
    )


@functools.cache
def _subtree_statement(dimensions: tuple[Dimension, ...]) -> LiteralString:
    """The recount of a subtree by ``dimensions``: rollup rows of the pair holding them, and the root's own
    members counted from the tables, summed by the asked values."""
    below = rollup_reading(dimensions).columns
    own = tuple(
        "status" if dimension is Dimension.STATUS else _age_band() if dimension is Dimension.AGE_BAND else dimension
        for dimension in dimensions
    )
    keys = ", ".join(f"k{index}" for index in range(len(dimensions)))
    return f"""
WITH own AS (
    SELECT {_member_values("%(day)s")}
    FROM membership ms JOIN member m ON m.id = ms.member_id
    JOIN organisation o ON o.id = ms.union_id JOIN unit u ON u.id = ms.unit_id
    WHERE ms.union_id = %(organisation)s AND ms.status = ANY(%(statuses)s)
),
counted AS (
    SELECT {", ".join(f"CAST({column} AS text) AS k{index}" for index, column in enumerate(below))},
           members, age_sum, aged
    FROM statistics_rollup
    WHERE organisation_id = %(organisation)s AND pair = %(pair)s AND status = ANY(%(statuses)s)
    UNION ALL
    SELECT {", ".join(f"CAST({value} AS text)" for value in own)}, 1, coalesce(age, 0), CAST(age IS NOT NULL AS int)
    FROM own
)
SELECT {keys}, sum(members), sum(age_sum), sum(aged) FROM counted GROUP BY {keys} HAVING sum(members) > 0
"""  # noqa: S608 - built from constant column lists
