"""``unionfed template``: write an empty roster import template (.xlsx) for a layout and a profile."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

_log = logging.getLogger(__name__)
LAYOUT_NAMES = ("member_roster", "organisation_summary")
PROFILE_NAMES = ("hubei", "hunan", "national")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``template``."""
    parser = commands.add_parser(
        "template",
        help="write an empty roster import template (.xlsx)",
        description="Headers of the layout for the profile, drop-downs of every code list, ID columns as text "
        "and an instructions sheet in Chinese.",
    )
    parser.add_argument("--layout", required=True, choices=LAYOUT_NAMES, help="which roster")
    parser.add_argument("--profile", required=True, choices=PROFILE_NAMES, help="the province's required fields")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx", help="where to write the template")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the template."""
    from exchange.standard import profile
    from province_node.rosters.layouts import LAYOUTS
    from province_node.rosters.templates import write_template
    from province_node.rosters.workbook import RosterWriteError

    try:
        write_template(LAYOUTS[args.layout], profile(args.profile), str(args.out))
    except RosterWriteError as error:
        _log.error("%s", error)
        return 1
    _log.info("template %s (%s profile) written to %s", args.layout, args.profile, args.out)
    return 0
