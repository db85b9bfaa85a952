"""``unionfed generate roster|organisations``: synthetic files of a province, for tests, demos and benchmarks.

Both plan the province's organisation tree for ``--members`` members (``province_node.synthetic.hierarchy``)
and write a file a clerk could have sent: the member roster (花名册) of all of them, with ``--dirty`` a share
of rows with the mistakes of ``province_node.synthetic.mistakes``; or the organisation summary (汇总表) of
every grassroots union and its units. The same ``--seed`` and ``--as-of`` give the same file.

Every action that plans a province takes the arguments of ``add_plan_arguments`` and builds its tree with
``plan_from``; an action loading a planned province straight into a node's database belongs beside these.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import time
from pathlib import Path
from typing import TYPE_CHECKING

from exchange.standard import china_today, profile_names, region_name

if TYPE_CHECKING:
    from province_node.synthetic.hierarchy import ProvinceHierarchy
    from province_node.synthetic.mistakes import DirtyRow


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


def _write_mistakes(path: Path, rows: tuple[DirtyRow, ...]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(("row", "mistake", "field", "error", "warning", "original_row"))
        for row in rows:
            writer.writerow(
                (row.row, row.mistake, row.field, row.error or "", row.warning or "", row.original_row or "")
            )
