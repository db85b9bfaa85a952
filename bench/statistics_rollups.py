"""Statistics rollups: what keeping them costs and what counting from them saves, at growing province sizes.

For each size, Hunan (43) is loaded by the synthetic loader (the bulk import path, national profile) into its
own database of an embedded PostgreSQL (``.data/bench-rollups``, kept between runs), then, in this process:

- the rollups built from nothing (every current member folded in once), seconds and µs per member;
- a fold after one member was written (a registration), and after 4,000 (an import chunk), median ms: the
  members' old values taken out and the new ones put in (the same values here, so the same work as a change);
- a count of the whole province as the node answers it after a write (the kept answer missed, so read from
  the rollups) against the same count by scanning the members (what every count did before the rollups),
  median and p95 ms, by one dimension and by two;
- the rollups' size beside the member table's.

    .venv/bin/python bench/statistics_rollups.py [--sizes 10000,100000] [--counts 30]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import random
import secrets
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from province_node.db import migrate
from province_node.domain.access import Caller, Role
from province_node.domain.statistics import Dimension
from province_node.services.bootstrap import root_organisation
from province_node.services.members import MemberFilter
from province_node.services.statistics import count_by, count_from_tables
from province_node.services.statistics_rollup import bring_rollups_up_to_date
from province_node.services.unit_of_work import Database, UnitOfWork
from province_node.settings import node_settings
from province_node.synthetic.hierarchy import plan_province
from province_node.synthetic.loading import load_hierarchy, load_members
from province_node.tenant import Tenant, open_tenant
from unionfed.postgres import EmbeddedPostgres, with_database

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".data" / "bench-rollups"
AS_OF = datetime.date(2026, 11, 1)
TODAY = datetime.date(2026, 11, 23)
QUESTIONS = ([Dimension.GENDER], [Dimension.EDUCATION, Dimension.AGE_BAND])
CHUNK = 4_000


async def execute(tenant: Tenant, sql: str, **params: object) -> None:
    async with tenant.engine.begin() as connection:
        await connection.execute(text(sql), params)


async def rows(tenant: Tenant, sql: str) -> list[Any]:
    async with tenant.engine.connect() as connection:
        return list(await connection.execute(text(sql)))


async def fold(tenant: Tenant, marked: list[int]) -> float:
    """Milliseconds to fold ``marked`` members (marked first, as their writers' triggers would)."""
    await execute(tenant, "INSERT INTO statistics_dirty SELECT unnest(CAST(:ids AS bigint[]))", ids=marked)
    started = time.perf_counter()
    await bring_rollups_up_to_date(tenant.rollup_engine, TODAY)
    return (time.perf_counter() - started) * 1000


async def scalar(tenant: Tenant, sql: str) -> int:
    async with tenant.engine.connect() as connection:
        return int((await connection.execute(text(sql))).scalar_one())


async def timed(action: Callable[[], Awaitable[object]], times: int) -> list[float]:
    """Milliseconds of ``times`` runs of ``action``."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        await action()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


async def load(tenant: Tenant, members: int) -> None:
    """Hunan with ``members`` members, unless the database already holds them."""
    async with tenant.sessions() as session:
        root = await root_organisation(UnitOfWork(Database(session), tenant, None, AS_OF))
    if root is not None:
        return
    hierarchy = plan_province("43", members, seed=1, as_of=AS_OF)
    loaded = await load_hierarchy(tenant, hierarchy, admin_username="hunan_admin")
    started = time.perf_counter()
    await asyncio.to_thread(load_members, tenant, hierarchy, loaded, seed=1, workers=1)
    print(f"  loaded {members:,} members in {time.perf_counter() - started:.0f} s")


async def measure(tenant: Tenant, counts: int) -> dict[str, float]:
    """The figures of one size (see the module docstring)."""
    figures: dict[str, float] = {}
    await execute(tenant, "TRUNCATE statistics_counted, statistics_rollup, statistics_dirty, statistics_rollup_day")
    await execute(tenant, "INSERT INTO statistics_dirty SELECT member_id FROM membership WHERE status <> 'ended'")
    figures["members"] = await scalar(tenant, "SELECT count(*) FROM statistics_dirty")
    started = time.perf_counter()
    await bring_rollups_up_to_date(tenant.rollup_engine, TODAY)
    figures["build_s"] = time.perf_counter() - started

    members = [row[0] for row in await rows(tenant, "SELECT member_id FROM statistics_counted")]
    figures["fold_one_ms"] = statistics.median([await fold(tenant, random.sample(members, 1)) for _ in range(20)])
    figures["fold_chunk_ms"] = statistics.median([await fold(tenant, random.sample(members, CHUNK)) for _ in range(5)])
    async with tenant.sessions() as session:
        root = await root_organisation(UnitOfWork(Database(session), tenant, None, TODAY))
        assert root is not None
        caller = Caller(1, "hunan_admin", Role.ADMIN, root.id, root.path, tenant.province)
        uow = UnitOfWork(Database(session), tenant, caller, TODAY)
        for index, dimensions in enumerate(QUESTIONS):

            async def after_a_write(dimensions: list[Dimension] = dimensions) -> None:
                await execute(tenant, "INSERT INTO statistics_change DEFAULT VALUES")  # the kept answer misses
                await count_by(uow, dimensions, MemberFilter())

            async def scanned(dimensions: list[Dimension] = dimensions) -> None:
                await count_from_tables(uow, dimensions, root.path, MemberFilter())

            answered = await timed(after_a_write, counts)
            scans = await timed(scanned, max(5, counts // 3))
            figures[f"q{index}_rollup_p50"] = statistics.median(answered)
            figures[f"q{index}_rollup_p95"] = statistics.quantiles(answered, n=20)[-1]
            figures[f"q{index}_scan_p50"] = statistics.median(scans)
            figures[f"q{index}_scan_p95"] = statistics.quantiles(scans, n=20)[-1]
    figures["rollup_rows"] = await scalar(tenant, "SELECT count(*) FROM statistics_rollup")
    for table in ("statistics_rollup", "statistics_counted", "member"):
        figures[f"{table}_mb"] = await scalar(tenant, f"SELECT pg_total_relation_size('{table}')") / 2**20
    return figures


async def run_size(server_url: str, members: int, counts: int) -> dict[str, float]:
    database = f"bench_rollups_m{members}"
    environment = {
        **os.environ,
        "UNIONFED_TENANTS": "43:national",
        "UNIONFED_DATABASE_URL_43": with_database(server_url, database),
        "UNIONFED_NATIONAL_KEY": secrets.token_hex(32),
        "UNIONFED_NODE_SECRET": secrets.token_hex(32),
    }
    settings = node_settings(environment)
    url = settings.tenants[0].database_url
    migrate.create_database_if_missing(url)
    migrate.upgrade(url)
    tenant = open_tenant(settings.tenants[0], settings)
    try:
        await load(tenant, members)
        return await measure(tenant, counts)
    finally:
        await tenant.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="province sizes (members), comma-separated")
    parser.add_argument("--counts", type=int, default=30, help="counts timed per question and size")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    started = datetime.datetime.now().astimezone()
    print(f"statistics rollups, {platform.python_version()}, {os.cpu_count()} CPUs, {started:%Y-%m-%d %H:%M}")
    with EmbeddedPostgres(DATA) as server:
        results = {size: asyncio.run(run_size(server.url(), size, args.counts)) for size in sizes}
    for size, figures in results.items():
        members = figures["members"]
        print(f"\n{size:,} planned, {members:,.0f} current members; rollups {figures['rollup_rows']:,.0f} rows, "
              f"{figures['statistics_rollup_mb']:.1f} MB (+ {figures['statistics_counted_mb']:.1f} MB counted values; "
              f"members {figures['member_mb']:.1f} MB)")  # fmt: skip
        print(f"  build from nothing   {figures['build_s']:.2f} s, {figures['build_s'] * 1e6 / members:.0f} µs/member")
        print(f"  fold 1 member        {figures['fold_one_ms']:.1f} ms")
        print(f"  fold {CHUNK:,} members  {figures['fold_chunk_ms']:.0f} ms, "
              f"{figures['fold_chunk_ms'] * 1000 / CHUNK:.0f} µs/member")  # fmt: skip
        for index, dimensions in enumerate(QUESTIONS):
            name = " x ".join(dimension.name for dimension in dimensions)
            print(f"  count by {name:<22} rollups p50 {figures[f'q{index}_rollup_p50']:6.1f} / p95 "
                  f"{figures[f'q{index}_rollup_p95']:6.1f} ms   scan p50 {figures[f'q{index}_scan_p50']:7.1f} / p95 "
                  f"{figures[f'q{index}_scan_p95']:7.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
