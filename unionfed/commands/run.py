"""``unionfed run``: the whole product on one machine, as ``make run`` starts it.

Starts (or reuses) the embedded PostgreSQL unless ``DATABASE_URL`` points elsewhere, prepares a
development configuration (secrets generated once and kept in ``.data/dev-secrets.json``), migrates the
exchange and the demo tenants and registers the node and the gateway with the exchange, then starts the
exchange (8001), seeds the demo provinces, and starts the province node (8002, tenants 43, 42, 33) and the
national gateway (8000), each a child process. ``Ctrl-C`` stops them all and the database it started.

``unionfed run --print-env`` prints that configuration as shell exports instead, so that the other commands
(``import``, ``export``, ``generate``) work on the demo tenants from another shell while ``make run`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from unionfed.postgres import EmbeddedPostgres, server_url
from unionfed.readiness import wait_until_healthy

if TYPE_CHECKING:
    from exchange.protocol.service_tokens import PeerKey
    from province_node.settings import NodeSettings

DEMO_TENANTS = "43:hunan,42:hubei,33:national"
DEV_NODE_ID = "dev-node"
DEV_GATEWAY_ID = "gateway"
NATIONAL_DEMO_ACCOUNTS = (("national_admin", "national_admin"), ("national_viewer", "national_viewer"))
_log = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``run``."""
    parser = commands.add_parser("run", help="run the product on this machine (embedded PostgreSQL included)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--gateway-port", type=int, default=8000)
    parser.add_argument("--node-port", type=int, default=8002)
    parser.add_argument("--exchange-port", type=int, default=8001)
    parser.add_argument("--db-port", type=int, default=int(os.environ.get("UNIONFED_DB_PORT", "54329")))
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("UNIONFED_DATA_DIR", ".data")))
    parser.add_argument("--no-demo", action="store_true", help="do not seed the demo provinces")
    parser.add_argument(
        "--print-env",
        action="store_true",
        help="print the configuration of the running `make run` as shell exports (for eval) and exit",
    )
    parser.set_defaults(run=run)


def development_secrets(data_dir: Path) -> dict[str, Any]:
    """The secrets of a development machine: the national key, the node secret and the Ed25519 key pairs
    of the node and the gateway, generated once into ``data_dir/dev-secrets.json`` and reused, so data
    encrypted with them stays readable and the exchange keeps knowing its peers across restarts. Never use
    them for real data."""
    from exchange.protocol.service_tokens import PeerKey

    secrets_file = data_dir / "dev-secrets.json"
    stored: dict[str, Any] = json.loads(secrets_file.read_text()) if secrets_file.exists() else {}
    if not {"national_key", "node_secret", "node_key", "gateway_key"} <= stored.keys():
        stored.setdefault("national_key", secrets.token_hex(32))
        stored.setdefault("node_secret", secrets.token_hex(32))
        stored.setdefault("node_key", PeerKey.generate(DEV_NODE_ID).private_jwk())
        stored.setdefault("gateway_key", PeerKey.generate(DEV_GATEWAY_ID).private_jwk())
        data_dir.mkdir(parents=True, exist_ok=True)
        secrets_file.write_text(json.dumps(stored, indent=2))
        secrets_file.chmod(0o600)
        _log.warning("generated development secrets in %s (never use them for real data)", secrets_file)
    return stored


def development_environment(
    stored: Mapping[str, Any], data_dir: Path, database_url: str, environ: Mapping[str, str]
) -> dict[str, str]:
    """The configuration every service shares on a development machine: what ``environ`` sets, the rest
    from the development secrets (the gateway's public key only: nodes check what it forwards)."""
    from exchange.protocol.service_tokens import PeerKey

    gateway_key = PeerKey.from_jwk(DEV_GATEWAY_ID, stored["gateway_key"])
    return {
        "DATABASE_URL": database_url,
        "UNIONFED_TENANTS": environ.get("UNIONFED_TENANTS", DEMO_TENANTS),
        "UNIONFED_NATIONAL_KEY": environ.get("UNIONFED_NATIONAL_KEY", stored["national_key"]),
        "UNIONFED_NODE_SECRET": environ.get("UNIONFED_NODE_SECRET", stored["node_secret"]),
        "UNIONFED_IMPORT_DIR": environ.get("UNIONFED_IMPORT_DIR", str(data_dir / "imports")),
        "UNIONFED_NODE_ID": environ.get("UNIONFED_NODE_ID", DEV_NODE_ID),
        "UNIONFED_NODE_KEY": environ.get("UNIONFED_NODE_KEY", json.dumps(stored["node_key"])),
        "UNIONFED_GATEWAY_ID": DEV_GATEWAY_ID,
        "UNIONFED_GATEWAY_PUBLIC_KEY": json.dumps(gateway_key.public_jwk()),
    }


def shell_exports(environment: Mapping[str, str]) -> str:
    """``environment`` as ``export NAME=value`` lines a POSIX shell can ``eval``, values quoted."""
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in sorted(environment.items()))


def gateway_environment(stored: Mapping[str, Any], node_url: str, provinces: Sequence[str]) -> dict[str, str]:
    """What only the gateway is given: its private key, every province's node, the national demo accounts."""
    from gateway.security.accounts import hash_password
    from province_node.demo import DEMO_PASSWORD

    accounts = [
        {"username": username, "role": role, "passwordHash": hash_password(DEMO_PASSWORD)}
        for username, role in NATIONAL_DEMO_ACCOUNTS
    ]
    return {
        "UNIONFED_GATEWAY_KEY": json.dumps(stored["gateway_key"]),
        "UNIONFED_GATEWAY_NODES": ",".join(f"{province}={node_url}" for province in provinces),
        "UNIONFED_GATEWAY_ACCOUNTS": json.dumps(accounts),
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


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """Bring the system up and serve until interrupted (Ctrl-C, or SIGTERM from a supervisor)."""
    from province_node.settings import node_settings
    from unionfed.commands.node import migrate_tenants

    embedded = (
        None if os.environ.get("DATABASE_URL") else EmbeddedPostgres(args.data_dir / "postgres", port=args.db_port)
    )
    if args.print_env:
        return print_environment(args, embedded)
    # Both signals stop everything cleanly, also when started in the background (where SIGINT is ignored).
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)
    if embedded is not None:
        embedded.start()
    try:
        stored = development_secrets(args.data_dir)
        environment = services_environment(args, stored, server_url(os.environ, embedded))
        os.environ.update(environment)
        settings = node_settings(os.environ)
        _prepare_exchange(settings, stored)
        migrate_tenants(settings)
        exchange_url, node_url = environment["UNIONFED_EXCHANGE_URL"], f"http://{args.host}:{args.node_port}"
        gateway_url = f"http://{args.host}:{args.gateway_port}"
        provinces = [tenant.province for tenant in settings.tenants]
        with Services() as services:
            services.start("exchange", ["exchange", "serve", "--host", args.host, "--port", str(args.exchange_port)])
            services.wait_until_healthy("exchange", exchange_url)
            if not args.no_demo:  # with the exchange up, so the demo members are claimed as they are registered
                asyncio.run(_seed(settings))
            services.start("node", ["node", "serve", "--host", args.host, "--port", str(args.node_port)])
            services.wait_until_healthy("node", node_url)
            services.start("gateway", ["gateway", "serve", "--host", args.host, "--port", str(args.gateway_port)],
                           gateway_environment(stored, node_url, provinces))  # fmt: skip
            services.wait_until_healthy("gateway", gateway_url)
            _log.info("national gateway: %s/graphql (national_admin, national_viewer)", gateway_url)
            _log.info("exchange: %s (/healthz, /metrics)", exchange_url)
            for tenant in settings.tenants:
                _log.info("province node %s (%s): %s/p/%s/graphql", tenant.province, tenant.name, node_url,
                          tenant.province)  # fmt: skip
            _log.info("all up; Ctrl-C stops everything")
            return services.supervise()
    except KeyboardInterrupt:  # while starting up
        return 0
    finally:
        if embedded is not None and embedded.started_here:
            embedded.stop()
            _log.info("embedded PostgreSQL stopped")


def services_environment(args: argparse.Namespace, stored: Mapping[str, Any], database_url: str) -> dict[str, str]:
    """What every service of ``run`` is configured with (``development_environment`` and the exchange's URL)."""
    environment = development_environment(stored, args.data_dir.resolve(), database_url, os.environ)
    environment["UNIONFED_EXCHANGE_URL"] = f"http://{args.host}:{args.exchange_port}"
    return environment


def print_environment(args: argparse.Namespace, embedded: EmbeddedPostgres | None) -> int:
    """Print the running ``run``'s configuration as shell exports (exit status 1, and why, when it is not
    running: the embedded server's port and the secrets exist only then). Reads only: it creates no server,
    account or secret."""
    secrets_file = args.data_dir / "dev-secrets.json"
    if embedded is not None and not embedded.is_running():
        print(f"unionfed run --print-env: no PostgreSQL running on {embedded.pgdata}; start `make run` first",
              file=sys.stderr)  # fmt: skip
        return 1
    if not secrets_file.exists():
        print(f"unionfed run --print-env: no {secrets_file}; start `make run` first", file=sys.stderr)
        return 1
    stored = development_secrets(args.data_dir)
    print(shell_exports(services_environment(args, stored, server_url(os.environ, embedded))), end="")
    return 0


def _prepare_exchange(settings: NodeSettings, stored: Mapping[str, Any]) -> None:
    """Migrate the exchange's database and register the node's and the gateway's public keys (again, if
    they changed)."""
    from exchange.protocol.service_tokens import PeerKey
    from exchange.service.db import migrate
    from exchange.service.settings import exchange_settings

    if settings.exchange is None:
        raise RuntimeError("the development configuration always has an exchange")
    exchange = exchange_settings(os.environ)
    migrate.create_database_if_missing(exchange.database_url)
    migrate.upgrade(exchange.database_url)
    provinces = sorted(tenant.province for tenant in settings.tenants)
    gateway_key = PeerKey.from_jwk(DEV_GATEWAY_ID, stored["gateway_key"])
    asyncio.run(_register_peer(exchange.database_url, settings.exchange.key, "node", provinces))
    asyncio.run(_register_peer(exchange.database_url, gateway_key, "gateway", []))


async def _register_peer(database_url: str, key: PeerKey, kind: str, provinces: list[str]) -> None:
    """Register ``key`` at the exchange as a peer of ``kind`` unless it is registered just so."""
    from exchange.service.store.peers import PeerKind, add_peer, get_peer

    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as connection:
        peer = await get_peer(connection, key.peer_id)
        wanted = (False, key.public_jwk(), provinces)
        if peer and (peer.revoked, peer.public_jwk, list(peer.provinces)) == wanted:
            return
        if peer:  # the development secrets or tenants changed: register the peer afresh
            await connection.execute("DELETE FROM peer WHERE id = %s", (key.peer_id,))
        await add_peer(connection, key.peer_id, PeerKind(kind), provinces, key.public_jwk())


class Services:
    """``unionfed`` services as child processes; leaving the ``with`` block stops every one still running."""

    def __init__(self) -> None:
        self.children: dict[str, subprocess.Popen[bytes]] = {}

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc_info: object) -> None:
        running = [child for child in self.children.values() if child.poll() is None]
        if running:
            _log.info("stopping %s", ", ".join(self.children))
        for child in running:
            child.send_signal(signal.SIGTERM)
        for child in running:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()

    def start(self, name: str, argv: list[str], environment: Mapping[str, str] | None = None) -> None:
        """Start ``unionfed <argv>`` as the service ``name``, with ``environment`` added to this one's."""
        self.children[name] = subprocess.Popen(
            [sys.executable, "-m", "unionfed", *argv], env={**os.environ, **(environment or {})}
        )

    def wait_until_healthy(self, name: str, url: str) -> None:
        """Wait until the service ``name`` answers on ``url/healthz``."""
        wait_until_healthy(self.children[name], url, name=name)

    def supervise(self) -> int:
        """Wait until one service stops (exit status 1) or Ctrl-C / SIGTERM (0)."""
        try:
            while True:
                for name, child in self.children.items():
                    if child.poll() is not None:
                        _log.error("%s stopped (exit status %s); stopping the others", name, child.returncode)
                        return 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            return 0
