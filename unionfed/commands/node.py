"""``unionfed node [serve|migrate|bootstrap]``: run a province node, migrate its tenants, create a root.

Configuration comes from the environment (see ``province_node.settings``).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from typing import TYPE_CHECKING

from unionfed.serving import serve_app

if TYPE_CHECKING:
    from province_node.settings import NodeSettings

_log = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``node``."""
    parser = commands.add_parser("node", help="run a province node (serve, migrate, bootstrap)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    serve = actions.add_parser("serve", help="serve GraphQL for the configured tenants (the default)")
    for target in (parser, serve):
        target.add_argument("--host", default="127.0.0.1")
        target.add_argument("--port", type=int, default=8002)
    actions.add_parser("migrate", help="create missing tenant databases and bring them to the current schema")
    bootstrap = actions.add_parser("bootstrap", help="create a tenant's root organisation and first admin account")
    bootstrap.add_argument("--province", required=True, help="province code, e.g. 42")
    bootstrap.add_argument("--admin", required=True, help="username of the first administrator")
    bootstrap.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a field of the root organisation (name, unionType, creditCode, foundedOn, leader, phone, ...)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the action."""
    from unionfed.commands.node_environment import configured_node

    settings = configured_node()
    if settings is None:
        return 2
    if args.action == "migrate":
        migrate_tenants(settings)
        return 0
    if args.action == "bootstrap":
        return asyncio.run(_bootstrap(settings, args))
    serve(settings, args.host, args.port)
    return 0


def migrate_tenants(settings: NodeSettings) -> None:
    """Create each tenant's database if missing and run its migrations."""
    from province_node.db import migrate

    for tenant in settings.tenants:
        created = migrate.create_database_if_missing(tenant.database_url)
        migrate.upgrade(tenant.database_url)
        _log.info("tenant %s: database %s, schema at %s", tenant.province,
                  "created" if created else "present", migrate.head_revision())  # fmt: skip


def serve(settings: NodeSettings, host: str, port: int) -> None:
    """Serve the node app until interrupted."""
    from province_node.app import create_app

    serve_app(create_app(settings), host=host, port=port)


async def _bootstrap(settings: NodeSettings, args: argparse.Namespace) -> int:
    from province_node.domain.errors import DomainError
    from province_node.services.bootstrap import bootstrap_tenant
    from province_node.services.unit_of_work import Database, UnitOfWork
    from province_node.tenant import open_tenant

    tenant_settings = settings.tenant(args.province)
    if tenant_settings is None:
        _log.error("this node does not serve province %s", args.province)
        return 2
    root = dict(item.split("=", 1) for item in args.field if "=" in item)
    password = getpass.getpass(f"password for {args.admin}: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    tenant = open_tenant(tenant_settings, settings)
    try:
        async with tenant.sessions() as session:
            uow = UnitOfWork(Database(session), tenant, None)
            organisation = await bootstrap_tenant(uow, root=root, admin_username=args.admin, admin_password=password)
    except DomainError as error:
        _log.error("%s", error.message)
        return 1
    finally:
        await tenant.engine.dispose()
    _log.info("root organisation %s (id %s); %s must change the password at first login",
              organisation.name, organisation.id, args.admin)  # fmt: skip
    return 0
