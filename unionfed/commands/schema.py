"""``unionfed schema``: print or write the GraphQL contract exported from the code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``schema``."""
    parser = commands.add_parser("schema", help="print the province node's GraphQL schema (SDL)")
    parser.add_argument("--write", type=Path, metavar="FILE", help="write it to FILE (e.g. schema.graphql)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print or write the schema."""
    from province_node.api.schema import schema_sdl

    sdl = schema_sdl()
    if args.write:
        args.write.write_text(sdl, encoding="utf-8")
    else:
        sys.stdout.write(sdl)
    return 0
