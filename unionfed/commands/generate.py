"""``unionfed generate roster|organisations|province``: synthetic provinces, for tests, demos and benchmarks.

Each plans the province's organisation tree for ``--members`` members (``province_node.synthetic.hierarchy``).
``roster`` and ``organisations`` write a file a clerk could have sent: the member roster (花名册) of all of
them, with ``--dirty`` a share of rows with the mistakes of ``province_node.synthetic.mistakes``; or the
organisation summary (汇总表) of every grassroots union and its units. The same ``--seed`` and ``--as-of``
give the same file. ``province`` loads the plan straight into the tenant's database of a node configured
in the environment, like ``unionfed node`` (``province_node.synthetic.loading``): the organisations and
units through the use cases, the members (the people ``roster`` would write) through the bulk import.

Every action that plans a province takes the arguments of ``add_plan_arguments`` and builds its tree with
``plan_from``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from exchange.standard import china_today, profile_names, region_name

if TYPE_CHECKING:
    from province_node.synthetic.hierarchy import ProvinceHierarchy
    from province_node.synthetic.loading import LoadedHierarchy, LoadedMembers
    from province_node.synthetic.mistakes import DirtyRow
    from province_node.tenant import Tenant

_log = logging.getLogger(__name__)


def _share(text: str) -> float:
    try:
        share = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= share <= 1.0:
        raise argparse.ArgumentTypeError(f"a share is between 0 and 1, not {text}")
    return share


def _members(text: str) -> int:
    try:
        members = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if members < 0:
        raise argparse.ArgumentTypeError(f"members must be 0 or more, not {text}")
    return members


def _positive(text: str) -> int:
    number = _members(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {text}")
    return number


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2026-11-22: {text!r}") from None


def _province(text: str) -> str:
    if not (len(text) == 2 and text.isdigit() and region_name(f"{text}0000")):
        raise argparse.ArgumentTypeError(f"not a province code (two digits, e.g. 43): {text!r}")
    return text


def add_plan_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments that decide a planned province: which, how many members, seed and date."""
    parser.add_argument("--province", required=True, type=_province, help="province code, e.g. 43")
    parser.add_argument("--members", required=True, type=_members, metavar="N", help="members in all")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument(
        "--as-of", type=_date, metavar="DATE", help="the day the data is as of (default: today in China)"
    )


def plan_from(args: argparse.Namespace) -> ProvinceHierarchy:
    """The province tree the plan arguments describe."""
    from province_node.synthetic.hierarchy import plan_province

    return plan_province(args.province, args.members, seed=args.seed, as_of=args.as_of or china_today())


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``generate``."""
    parser = commands.add_parser(
        "generate",
        help="write a synthetic member roster or organisation summary of a province",
        description="Plan a province's unions for N members and write what its clerks would send.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="WHAT")

    roster = actions.add_parser(
        "roster",
        help="a member roster (花名册) of N members, optionally with mistakes",
        description="Write every member as a roster row, in the profile's columns, as .xlsx or .csv.",
    )
    add_plan_arguments(roster)
    roster.add_argument("--out", required=True, type=Path, metavar="FILE", help="FILE.xlsx or FILE.csv")
    roster.add_argument("--profile", choices=profile_names(), default="national", help="required-field profile")
    roster.add_argument("--dirty", type=_share, default=0.0, metavar="SHARE", help="share of rows with mistakes")
    roster.add_argument(
        "--encoding", choices=("utf-8", "gb18030"), help="of a .csv file (default utf-8, with a byte-order mark)"
    )
    roster.add_argument(
        "--mistakes", type=Path, metavar="FILE", help="also write the rows given mistakes, and what, to FILE (CSV)"
    )
    roster.set_defaults(run=run_roster, parser=roster)

    organisations = actions.add_parser(
        "organisations",
        help="an organisation summary (汇总表) of the grassroots unions of N members",
        description="Write every grassroots union and its units as summary rows, as .xlsx or .csv.",
    )
    add_plan_arguments(organisations)
    organisations.add_argument("--out", required=True, type=Path, metavar="FILE", help="FILE.xlsx or FILE.csv")
    organisations.add_argument("--profile", choices=profile_names(), default="national", help="required-field profile")
    organisations.set_defaults(run=run_organisations, parser=organisations)

    province = actions.add_parser(
        "province",
        help="load a province of N members straight into the configured tenant's database",
        description="Plan a province's unions for N members and load them into the tenant of the node configured "
        "in the environment (as for `unionfed node`): the root bootstrapped if the tenant is empty, organisations "
        "and units through the use cases, members through the bulk import. The tenant must be empty or hold "
        "only its root.",
    )
    add_plan_arguments(province)
    province.add_argument(
        "--admin",
        default="province_admin",
        metavar="USERNAME",
        help="the root's administrator: created with an initial password if the tenant is empty, else the "
        "existing account the load acts as (default province_admin)",
    )
    province.add_argument(
        "--batch-rows", type=_positive, metavar="N", help="members per import, one transaction each (default 1000000)"
    )
    province.add_argument("--workers", type=_positive, help="worker processes checking rows (default: CPU count)")
    province.set_defaults(run=run_province, parser=province)


def _check_out(args: argparse.Namespace) -> None:
    if args.out.suffix.lower() not in (".xlsx", ".csv"):
        args.parser.error(f"--out must end in .xlsx or .csv: {args.out}")
    if args.out.suffix.lower() == ".xlsx" and getattr(args, "encoding", None):
        args.parser.error("--encoding applies to .csv files only")


def run_roster(args: argparse.Namespace) -> int:
    """Plan the province, write its roster, print one line about it."""
    from exchange.standard import profile
    from province_node.synthetic.rosters import roster_entries, write_member_roster

    _check_out(args)
    started = time.perf_counter()
    hierarchy = plan_from(args)
    unions = sum(1 for _ in hierarchy.grassroots_unions())
    report = write_member_roster(
        args.out,
        roster_entries(hierarchy, seed=args.seed),
        profile(args.profile),
        with_union=unions > 1,
        dirty=args.dirty,
        seed=args.seed,
        encoding=args.encoding or "utf-8",
    )
    if args.mistakes:
        _write_mistakes(args.mistakes, report.dirty)
    elapsed = time.perf_counter() - started
    print(
        f"{report.path}: {report.rows} members of {unions} grassroots unions in {region_name(args.province + '0000')}"
        f", {len(report.dirty)} rows with mistakes, {elapsed:.1f} s"
    )
    return 0


def run_organisations(args: argparse.Namespace) -> int:
    """Plan the province, write its organisation summary, print one line about it."""
    from exchange.standard import profile
    from province_node.synthetic.rosters import write_organisation_summary

    _check_out(args)
    started = time.perf_counter()
    hierarchy = plan_from(args)
    report = write_organisation_summary(args.out, hierarchy, profile(args.profile))
    organisations = sum(1 for _ in hierarchy.organisations())
    elapsed = time.perf_counter() - started
    print(
        f"{report.path}: {report.unions} grassroots unions ({report.rows} units) of {organisations} organisations"
        f" in {region_name(args.province + '0000')}, {hierarchy.members} members, {elapsed:.1f} s"
    )
    return 0


def run_province(args: argparse.Namespace) -> int:
    """Plan the province, load it into the tenant's database, print what was loaded and how fast."""
    from province_node.db import migrate
    from province_node.domain.errors import DomainError
    from province_node.synthetic.loading import load_members
    from province_node.tenant import open_tenant
    from unionfed.commands.node_environment import configured_tenant

    configured = configured_tenant(args.province)
    if configured is None:
        return 2
    settings, tenant_settings = configured
    started = time.perf_counter()
    migrate.create_database_if_missing(tenant_settings.database_url)
    migrate.upgrade(tenant_settings.database_url)
    hierarchy = plan_from(args)
    tenant = open_tenant(tenant_settings, settings)
    try:
        loaded = asyncio.run(_load_hierarchy(tenant, hierarchy, args.admin))
    except DomainError as error:
        print(f"无法载入：{error.message}（{error.code}）", file=sys.stderr)
        return 2
    if loaded.admin_password is not None:
        print(f"{tenant_settings.name}: root organisation bootstrapped (id {loaded.root_id}); administrator "
              f"{args.admin}, initial password {loaded.admin_password} (to be changed at first login)")  # fmt: skip
    with tqdm(total=hierarchy.members, unit="行", desc="会员", file=sys.stderr) as bar:
        members = load_members(
            tenant, hierarchy, loaded, seed=args.seed, batch_rows=args.batch_rows or 1_000_000,
            workers=args.workers, progress=_advancing(bar),
        )  # fmt: skip
    _print_loaded(tenant_settings.name, hierarchy, loaded, members, time.perf_counter() - started)
    return 0 if members.written and not members.rejected else 1


def _advancing(bar: tqdm[Any]) -> Callable[[int], None]:
    def advance(count: int) -> None:
        bar.update(count)

    return advance


async def _load_hierarchy(tenant: Tenant, hierarchy: ProvinceHierarchy, admin: str) -> LoadedHierarchy:
    from province_node.synthetic.loading import load_hierarchy

    planned = sum(1 for _ in hierarchy.organisations()) - 1  # the root is bootstrapped, or there already
    try:
        with tqdm(total=planned, unit="个", desc="工会组织", file=sys.stderr) as bar:
            return await load_hierarchy(tenant, hierarchy, admin_username=admin, progress=_advancing(bar))
    finally:
        await tenant.engine.dispose()


def _print_loaded(
    name: str, hierarchy: ProvinceHierarchy, loaded: LoadedHierarchy, members: LoadedMembers, elapsed: float
) -> None:
    unions = sum(1 for _ in hierarchy.grassroots_unions())
    rate = members.rows / members.seconds if members.seconds else 0.0
    outcome = "" if members.written else f", NOT written ({members.rejected} rows refused)"
    print(
        f"{name}: {loaded.organisations} organisations ({unions} grassroots unions) and {loaded.units} units "
        f"in {loaded.seconds:.1f} s; {members.created} members of {members.rows} rows in "
        f"{len(members.imports)} import(s) in {members.seconds:.1f} s, {rate:,.0f} rows/s{outcome}; "
        f"{elapsed:.1f} s in all"
    )
    for summary in members.imports:
        for row in sorted(summary.rejected)[:10]:
            print(f"  row {row}: " + "; ".join(reason.message for reason in summary.rejected[row]), file=sys.stderr)


def _write_mistakes(path: Path, rows: tuple[DirtyRow, ...]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(("row", "mistake", "field", "error", "warning", "original_row"))
        for row in rows:
            writer.writerow(
                (row.row, row.mistake, row.field, row.error or "", row.warning or "", row.original_row or "")
            )
