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
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from unionfed.postgres import EmbeddedPostgres, server_url

if TYPE_CHECKING:
    from province_node.settings import NodeSettings

DEMO_TENANTS = "43:hunan,42:hubei,33:national"
DEV_NODE_ID = "dev-node"
_log = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``run``."""
    parser = commands.add_parser("run", help="run the product on this machine (embedded PostgreSQL included)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--node-port", type=int, default=8002)
    parser.add_argument("--exchange-port", type=int, default=8001)
    parser.add_argument("--db-port", type=int, default=int(os.environ.get("UNIONFED_DB_PORT", "54329")))
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("UNIONFED_DATA_DIR", ".data")))
    parser.add_argument("--no-demo", action="store_true", help="do not seed the demo provinces")
    parser.set_defaults(run=run)


def development_environment(data_dir: Path, database_url: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The configuration of the node and the exchange on a development machine: what ``environ`` sets, the
    rest generated.

    Generated secrets (the national key, the node secret, the node's Ed25519 key pair) are written once to
    ``data_dir/dev-secrets.json`` and reused, so data encrypted with them stays readable and the exchange
    keeps knowing the node across restarts. Never use them for real data.
    """
    from exchange.protocol.service_tokens import PeerKey

    secrets_file = data_dir / "dev-secrets.json"
    stored = json.loads(secrets_file.read_text()) if secrets_file.exists() else {}
    if not {"national_key", "node_secret", "node_key"} <= stored.keys():
        stored.setdefault("national_key", secrets.token_hex(32))
        stored.setdefault("node_secret", secrets.token_hex(32))
        stored.setdefault("node_key", PeerKey.generate(DEV_NODE_ID).private_jwk())
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
        "UNIONFED_NODE_ID": environ.get("UNIONFED_NODE_ID", DEV_NODE_ID),
        "UNIONFED_NODE_KEY": environ.get("UNIONFED_NODE_KEY", json.dumps(stored["node_key"])),
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
    from unionfed.commands.node import migrate_tenants

    embedded = (
        None if os.environ.get("DATABASE_URL") else EmbeddedPostgres(args.data_dir / "postgres", port=args.db_port)
    )
    if embedded is not None:
        embedded.start()
    try:
        environment = development_environment(args.data_dir, server_url(os.environ, embedded), os.environ)
        environment["UNIONFED_EXCHANGE_URL"] = f"http://{args.host}:{args.exchange_port}"
        os.environ.update(environment)
        settings = node_settings(os.environ)
        _prepare_exchange(settings)
        migrate_tenants(settings)
        if not args.no_demo:
            asyncio.run(_seed(settings))
        services = {
            "exchange": ["exchange", "serve", "--host", args.host, "--port", str(args.exchange_port)],
            "node": ["node", "serve", "--host", args.host, "--port", str(args.node_port)],
        }
        _log.info("exchange: http://%s:%s (/healthz, /metrics)", args.host, args.exchange_port)
        for tenant in settings.tenants:
            _log.info("province node %s (%s): http://%s:%s/p/%s/graphql", tenant.province, tenant.name, args.host,
                      args.node_port, tenant.province)  # fmt: skip
        return run_services(services)
    finally:
        if embedded is not None and embedded.started_here:
            embedded.stop()
            _log.info("embedded PostgreSQL stopped")


def _prepare_exchange(settings: NodeSettings) -> None:
    """Migrate the exchange's database and register the node's public key (again, if it changed)."""
    from exchange.service.db import migrate
    from exchange.service.settings import exchange_settings
    from exchange.service.store.peers import PeerKind, add_peer, get_peer

    if settings.exchange is None:
        raise RuntimeError("the development configuration always has an exchange")
    node_key = settings.exchange.key
    exchange = exchange_settings(os.environ)
    migrate.create_database_if_missing(exchange.database_url)
    migrate.upgrade(exchange.database_url)
    provinces = sorted(tenant.province for tenant in settings.tenants)

    async def register() -> None:
        async with await psycopg.AsyncConnection.connect(exchange.database_url, autocommit=True) as connection:
            peer = await get_peer(connection, node_key.peer_id)
            wanted = (False, node_key.public_jwk(), provinces)
            if peer and (peer.revoked, peer.public_jwk, list(peer.provinces)) == wanted:
                return
            if peer:  # the development secrets or tenants changed: register the node afresh
                await connection.execute("DELETE FROM peer WHERE id = %s", (node_key.peer_id,))
            await add_peer(connection, node_key.peer_id, PeerKind.NODE, provinces, node_key.public_jwk())

    asyncio.run(register())


def run_services(services: Mapping[str, list[str]]) -> int:
    """Run each service as a ``unionfed`` child process until one stops or Ctrl-C; then stop them all."""
    children = {name: subprocess.Popen([sys.executable, "-m", "unionfed", *argv]) for name, argv in services.items()}
    try:
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    _log.error("%s stopped (exit status %s); stopping the others", name, child.returncode)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        _log.info("stopping %s", ", ".join(children))
        return 0
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
