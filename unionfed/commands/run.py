"""``unionfed run``: the whole product on one machine, as ``make run`` starts it.

Starts (or reuses) the embedded PostgreSQL unless ``DATABASE_URL`` points elsewhere, then serves the
province node for the demo tenants. ``Ctrl-C`` stops the services and the database it started.
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

import psycopg
import uvicorn

from unionfed.postgres import EmbeddedPostgres, server_url

DEMO_PROVINCES = ("42", "43", "33")
_log = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``run``."""
    parser = commands.add_parser("run", help="run the product on this machine (embedded PostgreSQL included)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--node-port", type=int, default=8002)
    parser.add_argument("--db-port", type=int, default=int(os.environ.get("UNIONFED_DB_PORT", "54329")))
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("UNIONFED_DATA_DIR", ".data")))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Bring the system up and serve until interrupted."""
    from province_node.app import create_app

    embedded = (
        None if os.environ.get("DATABASE_URL") else EmbeddedPostgres(args.data_dir / "postgres", port=args.db_port)
    )
    if embedded is not None:
        embedded.start()
    try:
        url = server_url(os.environ, embedded)
        with psycopg.connect(url, connect_timeout=10) as connection:
            version = connection.execute("select current_setting('server_version')").fetchone()
        _log.info("PostgreSQL %s ready at %s", version[0] if version else "?", url)
        base = f"http://{args.host}:{args.node_port}"
        for code in DEMO_PROVINCES:
            _log.info("province node, tenant %s: %s/p/%s/graphql", code, base, code)
        uvicorn.run(create_app(DEMO_PROVINCES), host=args.host, port=args.node_port, log_level="info")
    finally:
        if embedded is not None and embedded.started_here:
            embedded.stop()
            _log.info("embedded PostgreSQL stopped")
    return 0
