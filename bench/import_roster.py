"""Importing a member roster end to end: rows/s and peak memory of ``unionfed import``, and the ORM path beside it.

Starts an embedded PostgreSQL (``.data/bench-postgres``, durable default settings). For each size (``--rows``,
then 1,000,000 unless ``--skip-million``):

- a fresh tenant database for Hunan (hunan profile), migrated, holding 湖南省总工会 > 长沙市总工会 > one
  grassroots union covering one unit, made through the use cases;
- a clean member roster .xlsx of that many members of the union, unique IDs, in the hunan profile's layout
  (``province_node.synthetic.rosters``), written once into ``.data/bench/`` and reused for the same size and
  seed (a million rows take xlsxwriter minutes);
- with ``--dirty``, a roster whose every row is refused instead, as clerks' files are: ``unit`` imports the
  clean roster into a tenant whose union covers another unit (every row ``UNIT_NOT_FOUND``, one reason
  repeated: the roster uploaded before its units); ``labels`` gives every row a label no code list has (学历
  "家里蹲", a handful of reasons repeated); ``ids`` gives every row an ID number Excel kept as a number (a
  reason of its own per row, naming the number). All-or-nothing, so nothing is written, and the error report
  of every row is written (into a temporary folder) as ``unionfed import`` does by default;
- ``unionfed import`` of the file into the union as a subprocess, all-or-nothing: its wall time gives rows/s
  end to end (start-up, reading, checking, writing, commit); its peak memory is the import process's
  high-water mark (``VmHWM``, sampled), the largest single process of its tree (``wait4``), and the whole
  tree, import plus worker processes (``VmRSS`` summed, sampled every 0.1 s); the CPU it used, per row, in the
  import's processes (``wait4``: the import and its reaped workers) and in PostgreSQL (the server's processes,
  the backends that ended included), which says what the two cores could do at best.

Then the row-by-row ORM path for comparison: ``--orm-rows`` members of the same kind registered one at a
time through ``register_member`` (one transaction each, as the API does), in a fresh tenant.

Targets of issue 4, printed beside the figures: >= 20,000 rows/s end to end for 100,000 rows; peak memory
< 500 MB for a 1,000,000-row file. The tenant databases are dropped at the end.

    .venv/bin/python bench/import_roster.py [--rows 100000] [--skip-million] [--orm-rows 2000] [--seed 2026]
                                            [--dirty {unit,labels,ids}]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import select

from exchange.standard import china_today, profile
from province_node.db import migrate, tables
from province_node.services.membership import register_member
from province_node.services.unit_of_work import Database, UnitOfWork
from province_node.settings import node_settings
from province_node.synthetic.credit_codes import ENTERPRISE, GRASSROOTS_UNION, OTHER_UNION, numbered_uscc
from province_node.synthetic.hierarchy import Organisation, ProvinceHierarchy, Unit
from province_node.synthetic.loading import LoadedHierarchy, load_hierarchy
from province_node.synthetic.mistakes import Mistake
from province_node.synthetic.rosters import roster_entries, write_member_roster
from province_node.tenant import Tenant, open_tenant
from unionfed.postgres import EmbeddedPostgres, with_database

REPO = Path(__file__).resolve().parents[1]
FILES = REPO / ".data" / "bench"
AS_OF = datetime.date(2026, 11, 22)  # fixed, so a file written once stays valid (joined dates <= today)
MILLION = 1_000_000
TARGET_ROWS_PER_SECOND = 20_000
TARGET_PEAK_MB = 500
UNION_NAME = "湖南湘江基准精密制造有限公司工会"
UNIT_NAME = "湖南湘江基准精密制造有限公司"
# --dirty: how every row of the roster is spoilt (None: the clean roster, imported where its unit is unknown).
DIRTY: dict[str, Mistake | None] = {"unit": None, "labels": Mistake.UNKNOWN_LABEL, "ids": Mistake.EXCEL_NUMBER}


def bench_hierarchy(rows: int, seed: int, *, unit_registered: bool = True) -> ProvinceHierarchy:
    """Root, city, and one grassroots union whose one unit employs all ``rows`` members (fixed names and codes,
    so a roster file written for one database fits every fresh one); without ``unit_registered`` the union
    covers another unit instead, so the roster's unit is found nowhere."""

    def union(name: str, level: str, union_type: str, region: str, kind: str, number: int) -> Organisation:
        return Organisation(
            name=name,
            level=level,
            union_type=union_type,
            region=region,
            credit_code=numbered_uscc(kind, region, number),
            founded_on=datetime.date(1998, 5, 1),
            term_start=datetime.date(2024, 3, 1),
            term_end=datetime.date(2029, 3, 1),
            leader="李建国",
            phone="0731-84561234",
        )

    unit = Unit(
        name=UNIT_NAME if unit_registered else "湖南湘江基准物流有限公司",
        nature="05",
        region="430102",
        credit_code=numbered_uscc(ENTERPRISE, "430102", 7_000_001 if unit_registered else 7_000_005),
        address="湖南省长沙市芙蓉区五一大道 88 号",
        employee_count=rows + rows // 10,
        members=rows,
    )
    grassroots = union(UNION_NAME, "6", "1", "430102", GRASSROOTS_UNION, 7_000_002)
    grassroots.members, grassroots.units = rows, [unit]
    city = union("长沙市总工会", "2", "4", "430100", OTHER_UNION, 7_000_003)
    city.children.append(grassroots)
    root = union("湖南省总工会", "1", "4", "430000", OTHER_UNION, 7_000_004)
    root.children.append(city)
    return ProvinceHierarchy(province="43", seed=seed, as_of=AS_OF, members=rows, root=root)


def roster_file(rows: int, seed: int, mistake: Mistake | None = None) -> tuple[Path, float | None]:
    """The roster of ``rows`` members (with ``mistake`` in every row, if given), and the seconds spent writing it
    (``None``: reused)."""
    spoilt = f"-{mistake.value}" if mistake else ""
    path = FILES / f"roster-hunan-{rows}-seed{seed}{spoilt}.xlsx"
    if path.exists():
        return path, None
    FILES.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.writing.xlsx")
    started = time.perf_counter()
    entries = roster_entries(bench_hierarchy(rows, seed), seed=seed)
    kinds = (mistake,) if mistake else ()
    report = write_member_roster(
        partial, entries, profile("hunan"), with_union=False, dirty=1.0 if mistake else 0.0, seed=seed, kinds=kinds
    )
    if report.rows != rows:
        raise RuntimeError(f"wrote {report.rows} rows, not {rows}")
    partial.rename(path)
    return path, time.perf_counter() - started


class Bench:
    """The embedded server, the node's environment, and the tenant databases made for this run."""

    def __init__(self, server: EmbeddedPostgres) -> None:
        self.server = server
        self.databases: list[str] = []
        self.secrets = {
            "UNIONFED_NATIONAL_KEY": secrets.token_hex(32),
            "UNIONFED_NODE_SECRET": secrets.token_hex(32),
        }

    def environment(self, database: str) -> dict[str, str]:
        environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        return (
            environment
            | self.secrets
            | {
                "UNIONFED_TENANTS": "43:hunan",
                "UNIONFED_DATABASE_URL_43": with_database(self.server.url(), database),
            }
        )

    def fresh_tenant(self) -> tuple[str, Tenant]:
        """A new, migrated Hunan tenant database (dropped by ``drop_all``)."""
        database = f"bench_import_{secrets.token_hex(4)}"
        self.databases.append(database)
        settings = node_settings(self.environment(database))
        tenant_settings = settings.tenants[0]
        migrate.create_database_if_missing(tenant_settings.database_url)
        migrate.upgrade(tenant_settings.database_url)
        return database, open_tenant(tenant_settings, settings)

    def drop_all(self) -> None:
        with psycopg.connect(self.server.url(), autocommit=True) as admin:
            for database in self.databases:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


async def prepare(tenant: Tenant, hierarchy: ProvinceHierarchy) -> LoadedHierarchy:
    try:
        return await load_hierarchy(tenant, hierarchy, admin_username="bench_admin")
    finally:
        await tenant.engine.dispose()


@dataclass(frozen=True, slots=True)
class ImportRun:
    """One ``unionfed import`` subprocess, measured."""

    summary: dict[str, Any]
    wall_seconds: float
    import_hwm_mb: float  # the import process's own high-water mark (last sample of VmHWM)
    largest_process_mb: float  # ru_maxrss from wait4: the largest single process of the tree
    tree_peak_mb: float  # import + workers, VmRSS summed, sampled
    import_cpu_seconds: float  # the import and its workers (reaped, so counted by wait4)
    postgres_cpu_seconds: float  # the server's processes over the import


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        # Children are listed per thread: the worker processes are started from the import's worker thread.
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                stack.extend(int(child) for child in (task / "children").read_text().split())
            except (OSError, ValueError):
                continue
    return found


class MemorySampler(threading.Thread):
    """Samples the memory of a process and its descendants until told to stop."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.hwm_kb = 0
        self.tree_peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.hwm_kb = max(self.hwm_kb, _status_kb(self.pid, "VmHWM"))
            self.tree_peak_kb = max(self.tree_peak_kb, sum(_status_kb(pid, "VmRSS") for pid in _descendants(self.pid)))
            self.done.wait(0.1)


def run_import(bench: Bench, database: str, path: Path, union_code: str, *, refused: bool = False) -> ImportRun:
    """``unionfed import --json`` of ``path`` into the union, all-or-nothing, as a measured subprocess; ``refused``:
    rows are to be refused (exit status 1), and the error report goes to a temporary folder."""
    named = f"{path.stem}{'.refused' if refused else ''}"
    out, err = path.with_name(f"{named}.import.json"), path.with_name(f"{named}.import.log")
    command = [sys.executable, "-m", "unionfed", "import", "--province", "43", "--org", union_code, str(path), "--json"]
    with tempfile.TemporaryDirectory() as reports, out.open("w") as stdout, err.open("w") as stderr:
        command += ["--report", str(Path(reports) / "error-report.xlsx")]
        server_before = bench.server.cpu_seconds()
        started = time.perf_counter()
        process = subprocess.Popen(command, env=bench.environment(database), stdout=stdout, stderr=stderr)
        sampler = MemorySampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        sampler.join()
        time.sleep(0.2)  # the postmaster reaps the import's backends
        server_seconds = bench.server.cpu_seconds() - server_before
    if process.returncode != (1 if refused else 0):
        raise RuntimeError(f"unionfed import exited with {process.returncode}; see {out} and {err}")
    summary: dict[str, Any] = json.loads(out.read_text())
    import_seconds = usage.ru_utime + usage.ru_stime
    peaks = (sampler.hwm_kb / 1024, usage.ru_maxrss / 1024, sampler.tree_peak_kb / 1024)
    return ImportRun(summary, wall, *peaks, import_seconds, server_seconds)


async def register_one_by_one(tenant: Tenant, hierarchy: ProvinceHierarchy, loaded: LoadedHierarchy) -> float:
    """Seconds to register every member of ``hierarchy`` through ``register_member``, one transaction each."""
    union = hierarchy.root.children[0].children[0]
    try:
        async with tenant.sessions() as session:
            union_id = await session.scalar(
                select(tables.Organisation.id).where(tables.Organisation.credit_code == union.credit_code)
            )
            unit_id = await session.scalar(
                select(tables.Unit.id).where(tables.Unit.credit_code == union.units[0].credit_code)
            )
        started = time.perf_counter()
        for entry in roster_entries(hierarchy, seed=hierarchy.seed):
            async with tenant.sessions() as session:
                uow = UnitOfWork(Database(session), tenant, loaded.caller, AS_OF)
                async with uow:
                    record = {**entry.person.record(), "union": str(union_id), "unit": str(unit_id)}
                    await register_member(uow, record)
        return time.perf_counter() - started
    finally:
        await tenant.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the first roster (default 100000)")
    parser.add_argument("--skip-million", action="store_true", help="do not import the 1,000,000-row roster")
    parser.add_argument("--orm-rows", type=int, default=2_000, help="members registered one by one (0: skip)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dirty", choices=sorted(DIRTY), help="a roster whose every row is refused (see above)")
    args = parser.parse_args()

    sizes = [args.rows] if args.skip_million or args.rows == MILLION else [args.rows, MILLION]
    server = EmbeddedPostgres(REPO / ".data" / "bench-postgres")
    server.start()
    bench = Bench(server)
    print(f"member roster import, {platform.python_version()}, {os.cpu_count()} CPUs, {china_today()}")
    bulk_rates: dict[int, float] = {}
    try:
        for rows in sizes:
            path, written = roster_file(rows, args.seed, DIRTY[args.dirty] if args.dirty else None)
            made = "reused" if written is None else f"written in {written:.0f} s"
            print(f"roster of {rows:,} rows: {path.relative_to(REPO)} ({path.stat().st_size / 2**20:.0f} MB, {made})")
            hierarchy = bench_hierarchy(rows, args.seed, unit_registered=args.dirty != "unit")
            database, tenant = bench.fresh_tenant()
            asyncio.run(prepare(tenant, hierarchy))
            union_code = str(hierarchy.root.children[0].children[0].credit_code)
            run = run_import(bench, database, path, union_code, refused=args.dirty is not None)
            summary = run.summary
            if args.dirty:
                if summary["rejectedRows"] != rows or summary["written"]:
                    raise RuntimeError(f"the import did not refuse every row: {summary}")
                codes = sorted({reason["code"] for row in summary["rejections"] for reason in row["reasons"]})
                print(f"  every row refused ({', '.join(codes)}), nothing written; error report of every row")
            elif summary["created"] != rows or not summary["written"]:
                raise RuntimeError(f"the import did not create every row: {summary}")
            else:
                bulk_rates[rows] = rows / run.wall_seconds
            target = "refused rows: no target" if args.dirty else "no target"
            target = f"target >= {TARGET_ROWS_PER_SECOND:,}" if rows <= 100_000 and not args.dirty else target
            print(f"  end to end (unionfed import, all-or-nothing): {run.wall_seconds:7.1f} s  "
                  f"{rows / run.wall_seconds:8,.0f} rows/s   ({target})")  # fmt: skip
            print(f"  inside the import (its own timer):            {summary['seconds']:7.1f} s  "
                  f"{rows / summary['seconds']:8,.0f} rows/s")  # fmt: skip
            print(f"  peak memory: import process {run.import_hwm_mb:6.0f} MB (target < {TARGET_PEAK_MB} MB "
                  f"at 1,000,000 rows); largest single process {run.largest_process_mb:.0f} MB; "
                  f"import + workers {run.tree_peak_mb:.0f} MB")  # fmt: skip
            per_row = [1e6 * seconds / rows for seconds in (run.import_cpu_seconds, run.postgres_cpu_seconds)]
            cores = (run.import_cpu_seconds + run.postgres_cpu_seconds) / run.wall_seconds
            ceiling = 1e6 * (os.cpu_count() or 1) / sum(per_row)
            print(f"  CPU per row: import + workers {per_row[0]:.0f} µs, PostgreSQL {per_row[1]:.0f} µs "
                  f"({cores:.2f} cores busy on average); every core busy with this work alone: "
                  f"{ceiling:,.0f} rows/s at most")  # fmt: skip
        if args.orm_rows:
            hierarchy = bench_hierarchy(args.orm_rows, args.seed)
            _, tenant = bench.fresh_tenant()
            loaded = asyncio.run(prepare(tenant, hierarchy))
            seconds = asyncio.run(register_one_by_one(tenant, hierarchy, loaded))
            rate = args.orm_rows / seconds
            print(f"row by row through register_member (ORM, one transaction per row): {args.orm_rows:,} rows in "
                  f"{seconds:.1f} s, {rate:,.0f} rows/s")  # fmt: skip
            for rows, bulk in bulk_rates.items():
                print(f"  bulk path at {rows:,} rows is {bulk / rate:.0f}x the ORM path")
    finally:
        bench.drop_all()
        if server.started_here:  # a server that was already running is left as it was found
            server.stop()


if __name__ == "__main__":
    main()
