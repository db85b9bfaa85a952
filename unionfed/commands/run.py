"""``unionfed run``: the whole product on one machine, as ``make run`` starts it.

Starts (or reuses) the embedded PostgreSQL unless ``DATABASE_URL`` points elsewhere, prepares a
development configuration (secrets generated once and kept in ``.data/dev-secrets.json``), migrates and
seeds the demo tenants, and serves the province node. ``Ctrl-C`` stops it and the database it started.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from unionfed.postgres import EmbeddedPostgres, server_url

if TYPE_CHECKING:
    from province_node.settings import NodeSettings

DEMO_TENANTS = "43:hunan,42:hubei,33:national"
_log = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``run``."""
    parser = commands.add_parser("run", help="run the product on this machine (embedded PostgreSQL included)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--node-port", type=int, default=8002)
    parser.add_argument("--db-port", type=int, default=int(os.environ.get("UNIONFED_DB_PORT", "54329")))
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("UNIONFED_DATA_DIR", ".data")))
    parser.add_argument("--no-demo", action="store_true", help="do not seed the demo provinces")
    parser.set_defaults(run=run)


def development_environment(data_dir: Path, database_url: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The node's configuration for a development machine: what ``environ`` sets, the rest generated.

    Generated secrets are written once to ``data_dir/dev-secrets.json`` and reused, so the data
    encrypted with them stays readable across restarts. Never use them for real data.
    """
    secrets_file = data_dir / "dev-secrets.json"
    if secrets_file.exists():
        stored = json.loads(secrets_file.read_text())
    else:
        stored = {"national_key": secrets.token_hex(32), "node_secret": secrets.token_hex(32)}
        data_dir.mkdir(parents=True, exist_ok=True)
        secrets_file.write_text(json.dumps(stored, indent=2))
        secrets_file.chmod(0o600)
        _log.warning("generated development secrets in %s (never use them for real data)", secrets_file)
    return {
        "DATABASE_URL": database_url,
        "UNIONFED_TENANTS": environ.get("UNIONFED_TENANTS", DEMO_TENANTS),
        "UNIONFED_NATIONAL_KEY": environ.get("UNIONFED_NATIONAL_KEY", stored["national_key"]),
        "UNIONFED_NODE_SECRET": environ.get("UNIONFED_NODE_SECRET", stored["node_secret"]),
        "UNIONFED_IMPORT_DIR": environ.get("UNIONFED_IMPORT_DIR", str(data_dir / "imports")),
    }


async def _seed(settings: NodeSettings) -> None:
    from province_node.demo import seed_demo
    from province_node.tenant import open_tenant

    for tenant_settings in settings.tenants:
        tenant = open_tenant(tenant_settings, settings)
        try:
            created = await seed_demo(tenant)
        finally:
            await tenant.engine.dispose()
        if created:
            _log.info("tenant %s: demo province seeded with %s members", tenant.province, created)


def run(args: argparse.Namespace) -> int:
    """Bring the system up and serve until interrupted."""
    from province_node.settings import node_settings
    from unionfed.commands.node import migrate_tenants, serve

    embedded = (
        None if os.environ.get("DATABASE_URL") else EmbeddedPostgres(args.data_dir / "postgres", port=args.db_port)
    )
    if embedded is not None:
        embedded.start()
    try:
        environment = development_environment(args.data_dir, server_url(os.environ, embedded), os.environ)
        os.environ.update(environment)
        settings = node_settings(os.environ)
        migrate_tenants(settings)
        if not args.no_demo:
            asyncio.run(_seed(settings))
        base = f"http://{args.host}:{args.node_port}"
        for tenant in settings.tenants:
            _log.info("province node %s (%s): %s/p/%s/graphql", tenant.province, tenant.name, base, tenant.province)
        serve(settings, args.host, args.node_port)
    finally:
        if embedded is not None and embedded.started_here:
            embedded.stop()
            _log.info("embedded PostgreSQL stopped")
    return 0
