"""The ``unionfed`` command: one entry point for every service and task.

Subcommands import their service lazily, so ``unionfed validate`` starts in a blink and a broken optional
piece cannot stop the others from running.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from unionfed.commands import exchange as exchange_command
from unionfed.commands import export as export_command
from unionfed.commands import gateway as gateway_command
from unionfed.commands import generate as generate_command
from unionfed.commands import import_file as import_command
from unionfed.commands import node as node_command
from unionfed.commands import run as run_command
from unionfed.commands import schema as schema_command
from unionfed.commands import template as template_command
from unionfed.commands import validate as validate_command


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(prog="unionfed", description="National trade-union real-name system.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for command in (
        run_command,
        node_command,
        exchange_command,
        gateway_command,
        import_command,
        export_command,
        template_command,
        generate_command,
        validate_command,
        schema_command,
    ):
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request between services is noise
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
