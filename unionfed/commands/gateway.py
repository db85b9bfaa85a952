"""``unionfed gateway [serve|schema|account]``: run the national gateway, print its schema, make a demo account.

Configuration comes from the environment (see ``gateway.settings``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from pathlib import Path

from unionfed.serving import serve_app

_log = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``gateway``."""
    parser = commands.add_parser("gateway", help="run the national gateway (serve, schema, account)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    serve = actions.add_parser("serve", help="serve the national GraphQL endpoint (the default)")
    for target in (parser, serve):
        target.add_argument("--host", default="127.0.0.1")
        target.add_argument("--port", type=int, default=8000)
    schema = actions.add_parser("schema", help="print the gateway's GraphQL schema (SDL)")
    schema.add_argument("--write", type=Path, metavar="FILE", help="write it to FILE (e.g. gateway/schema.graphql)")
    account = actions.add_parser(
        "account", help="print a national demo account for UNIONFED_GATEWAY_ACCOUNTS (password from standard input)"
    )
    account.add_argument("--username", required=True)
    account.add_argument("--role", required=True, choices=["national_admin", "national_viewer"])
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the action."""
    if args.action == "schema":
        from gateway.api.schema import schema_sdl

        sdl = schema_sdl()
        if args.write:
            args.write.write_text(sdl, encoding="utf-8")
        else:
            sys.stdout.write(sdl)
        return 0
    if args.action == "account":
        from gateway.security.accounts import hash_password

        password = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
        entry = {"username": args.username, "role": args.role, "passwordHash": hash_password(password)}
        print(json.dumps(entry, ensure_ascii=False))
        return 0
    from gateway.app import create_app
    from gateway.settings import SettingsError, gateway_settings

    try:
        settings = gateway_settings(os.environ)
    except SettingsError as error:
        _log.error("configuration: %s", error)
        return 2
    serve_app(create_app(settings), host=args.host, port=args.port)
    return 0
