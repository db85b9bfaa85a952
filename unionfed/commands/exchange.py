"""``unionfed exchange [serve|migrate|peers]``: run the national exchange, migrate its database, manage the
registry of peers (province nodes and the gateway) whose service tokens it accepts.

Configuration comes from the environment (see ``exchange.service.settings``). Each action is one function
registered in ``_ACTIONS`` with its parser in ``add_parser``; further actions join the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unionfed.serving import serve_app

if TYPE_CHECKING:
    from exchange.service.settings import ExchangeSettings

_log = logging.getLogger(__name__)
PEER_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``exchange``."""
    parser = commands.add_parser("exchange", help="run the national exchange (serve, migrate, peers)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    serve = actions.add_parser("serve", help="serve the exchange API (the default)")
    for target in (parser, serve):
        target.add_argument("--host", default="127.0.0.1")
        target.add_argument("--port", type=int, default=8001)
    actions.add_parser("migrate", help="create the exchange database if missing and bring it to the current schema")
    peers = actions.add_parser("peers", help="the registry of nodes and gateways allowed to call")
    peer_actions = peers.add_subparsers(dest="peer_action", metavar="PEER_ACTION", required=True)
    add = peer_actions.add_parser("add", help="register a peer and its public key")
    add.add_argument("--id", required=True, help="the peer id its tokens carry in iss and kid, e.g. node-hunan")
    add.add_argument("--kind", required=True, choices=["node", "gateway"])
    add.add_argument("--provinces", default="", help="the provinces a node serves, e.g. 42,43")
    add.add_argument("--public-key-file", required=True, type=Path, help="the peer's public Ed25519 key as a JWK")
    revoke = peer_actions.add_parser("revoke", help="revoke a peer: its tokens are refused from now on")
    revoke.add_argument("--id", required=True)
    peer_actions.add_parser("list", help="list the registered peers")
    check = actions.add_parser(
        "reconcile",
        help="compare each tenant of the node configured in the environment with the exchange's index",
        description="Run where a node runs, with its configuration (UNIONFED_TENANTS, UNIONFED_EXCHANGE_URL, ...). "
        "Prints one JSON report per tenant; exit status 0 when nothing differs, 1 otherwise.",
    )
    check.add_argument("--province", help="only this tenant, e.g. 43")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the action."""
    from exchange.service.settings import SettingsError, exchange_settings

    if args.action == "reconcile":  # acts as the node, with the node's configuration
        return reconcile_node(args.province)
    try:
        settings = exchange_settings(os.environ)
    except SettingsError as error:
        _log.error("configuration: %s", error)
        return 2
    action = _ACTIONS[args.action or "serve"]
    return action(settings, args)


def migrate(settings: ExchangeSettings, args: argparse.Namespace) -> int:
    """Create the exchange database if missing and run its migrations."""
    from exchange.service.db import migrate as migrations

    created = migrations.create_database_if_missing(settings.database_url)
    migrations.upgrade(settings.database_url)
    _log.info("exchange database %s, schema at %s", "created" if created else "present", migrations.head_revision())
    return 0


def serve(settings: ExchangeSettings, args: argparse.Namespace) -> int:
    """Serve the exchange app until interrupted."""
    from exchange.service.app import create_app

    serve_app(create_app(settings), host=args.host, port=args.port)
    return 0


def peers(settings: ExchangeSettings, args: argparse.Namespace) -> int:
    """``peers add|revoke|list``."""
    work = {"add": _add_peer, "revoke": _revoke_peer, "list": _list_peers}[args.peer_action]
    return asyncio.run(work(settings, args))


def _public_jwk(path: Path, peer_id: str) -> dict[str, Any] | None:
    from exchange.protocol.service_tokens import PeerKey

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        key = PeerKey.from_jwk(peer_id, document)
    except (OSError, ValueError) as error:
        _log.error("%s: not a readable Ed25519 JWK: %s", path, error)
        return None
    if "d" in document:
        _log.warning("%s holds a private key: only its public half is registered; keep the file secret", path)
    return key.public_jwk()


def _provinces(text: str, kind: str) -> list[str] | None:
    from exchange.standard import code_list

    provinces = [code.strip() for code in text.split(",") if code.strip()]
    unknown = [code for code in provinces if code_list("province").get(code) is None]
    if unknown:
        _log.error("not province codes: %s", ", ".join(unknown))
        return None
    if kind == "node" and not provinces:
        _log.error("a node serves at least one province: give --provinces, e.g. --provinces 42,43")
        return None
    if kind == "gateway" and provinces:
        _log.error("a gateway serves no province: leave --provinces out")
        return None
    return sorted(set(provinces))


async def _add_peer(settings: ExchangeSettings, args: argparse.Namespace) -> int:
    import psycopg

    from exchange.service.store.peers import PeerKind, PeerRefused, add_peer

    if not PEER_ID.fullmatch(args.id):
        _log.error("a peer id is 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
        return 2
    provinces = _provinces(args.provinces, args.kind)
    jwk = _public_jwk(args.public_key_file, args.id)
    if provinces is None or jwk is None:
        return 2
    async with await psycopg.AsyncConnection.connect(settings.database_url, autocommit=True) as connection:
        try:
            peer = await add_peer(connection, args.id, PeerKind(args.kind), provinces, jwk)
        except PeerRefused as error:
            _log.error("%s", error)
            return 1
    print(f"registered {peer.kind.value} {peer.id}" + (f" for {','.join(peer.provinces)}" if peer.provinces else ""))
    return 0


async def _revoke_peer(settings: ExchangeSettings, args: argparse.Namespace) -> int:
    import psycopg

    from exchange.service.store.peers import revoke_peer

    async with await psycopg.AsyncConnection.connect(settings.database_url, autocommit=True) as connection:
        if not await revoke_peer(connection, args.id):
            _log.error("no peer %r is registered", args.id)
            return 1
    print(f"revoked {args.id}")
    return 0


async def _list_peers(settings: ExchangeSettings, args: argparse.Namespace) -> int:
    import psycopg

    from exchange.service.store.peers import list_peers

    async with await psycopg.AsyncConnection.connect(settings.database_url, autocommit=True) as connection:
        registered = await list_peers(connection)
    for peer in registered:
        registered_at = peer.registered_at.isoformat(timespec="seconds") if peer.registered_at else "-"
        state = f"revoked {peer.revoked_at.isoformat(timespec='seconds')}" if peer.revoked_at else "active"
        print(f"{peer.id}\t{peer.kind.value}\t{','.join(peer.provinces) or '-'}\t{registered_at}\t{state}")
    return 0


def reconcile_node(province: str | None) -> int:
    """Reconcile the configured node's tenants (or one) with the exchange; 0 when nothing differs."""
    from province_node.exchange_link.reconcile import reconcile
    from province_node.tenant import open_tenant
    from unionfed.commands.node_environment import configured_node

    node = configured_node()
    if node is None:
        return 2
    if node.exchange is None:
        _log.error("UNIONFED_EXCHANGE_URL is not set: this node has no exchange to reconcile with")
        return 2
    chosen = [tenant for tenant in node.tenants if province in (None, tenant.province)]
    if not chosen:
        _log.error("this node does not serve province %s", province)
        return 2

    async def compare() -> int:
        differences = 0
        for tenant_settings in chosen:
            tenant = open_tenant(tenant_settings, node)
            try:
                assert tenant.exchange is not None  # the node has an exchange, so each tenant has its client
                report = await reconcile(tenant, tenant.exchange)
            finally:
                await tenant.aclose()
            print(json.dumps(report.as_json(), ensure_ascii=False))
            differences += report.differences
        return 0 if differences == 0 else 1

    return asyncio.run(compare())


_ACTIONS: dict[str, Callable[[ExchangeSettings, argparse.Namespace], int]] = {
    "serve": serve,
    "migrate": migrate,
    "peers": peers,
}
