"""Latency of the province node over HTTP, and SQL statements per nested query.

Starts an embedded PostgreSQL (``.data/bench-postgres``), a fresh Hunan tenant with the demo province
plus extra members, and a node process; then measures, as a clerk (personal data in clear, so every
request also writes its audit row):

- p50 / p95 of a single-member query (member by id with its union and unit);
- p50 / p95 of a 100-row member page;
- SQL statements per nested query (members with union, parent, children, units, unit, history), read from
  the node's ``unionfed_db_statements_total`` metric, at page sizes 10 and 100: equal when there is no N+1.

The tenant database is dropped at the end, and the server stopped when this run started it.

    .venv/bin/python bench/node_queries.py [--extra-members 2000] [--requests 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from exchange.standard import china_today
from province_node.db import migrate
from province_node.demo import DEMO_PASSWORD, seed_demo
from province_node.domain.access import Caller, Role
from province_node.services.bootstrap import root_organisation
from province_node.services.membership import register_member
from province_node.services.organisations import search_organisations
from province_node.services.unit_of_work import Database, UnitOfWork
from province_node.services.units import find_units
from province_node.settings import node_settings
from province_node.synthetic.people import PersonFactory
from province_node.tenant import open_tenant
from unionfed.postgres import EmbeddedPostgres, with_database

REPO = Path(__file__).resolve().parents[1]
PORT = 18002
SINGLE = "query One($id: ID!) { member(id: $id) { name idNumber phone gender { label } union { name } unit { name } } }"
PAGE = """query Page($first: Int!) { members(first: $first) { edges { node {
    name idNumber phone gender { label } age status { label } union { name } unit { name } } } } }"""
NESTED = """query Nested($first: Int!) { members(first: $first) { edges { node {
    name union { name parent { name } children { name } memberCount units { name } }
    unit { name keptBy { name } } history { kind actor } } } } }"""


async def prepare(environment: dict[str, str], extra_members: int) -> None:
    settings = node_settings(environment)
    tenant_settings = settings.tenants[0]
    migrate.create_database_if_missing(tenant_settings.database_url)
    migrate.upgrade(tenant_settings.database_url)
    tenant = open_tenant(tenant_settings, settings)
    try:
        await seed_demo(tenant)
        async with tenant.sessions() as session:
            uow = UnitOfWork(Database(session), tenant, None, china_today())
            root = await root_organisation(uow)
            if root is None:
                raise RuntimeError("the demo did not seed")
            admin = Caller(1, "hunan_admin", Role.ADMIN, root.id, root.path, "43")
            uow = UnitOfWork(uow.db, tenant, admin, china_today())
            unions = (await search_organisations(uow, under=None, name="工会", union_type="1", org_level=None,
                                                 include_dissolved=False, first=50, after=None)).items  # fmt: skip
            unit_ids = [
                unit.id for unit in (await find_units(uow, credit_code=None, name=None, first=50, after=None)).items
            ]
            people = PersonFactory("43", random.Random(7), china_today())
            for _ in range(extra_members):
                union = random.choice(unions)
                record = {**people.person().record(), "union": str(union.id), "unit": str(random.choice(unit_ids))}
                await register_member(uow, record)
    finally:
        await tenant.engine.dispose()


def gql(http: httpx.Client, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = http.post("/p/43/graphql", json={"query": query, "variables": variables}, headers=headers)
    body: dict[str, Any] = response.json()
    if "errors" in body:
        raise RuntimeError(body["errors"])
    return body


def timed(http: httpx.Client, token: str, query: str, variables: list[dict[str, Any]]) -> list[float]:
    timings = []
    for item in variables:
        started = time.perf_counter()
        gql(http, token, query, item)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def statements(http: httpx.Client) -> float:
    text = http.get("/metrics").text
    match = re.search(r'unionfed_db_statements_total\{tenant="43"\} ([0-9.e+]+)', text)
    return float(match.group(1)) if match else 0.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra-members", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    server = EmbeddedPostgres(REPO / ".data" / "bench-postgres")
    server.start()
    database = f"bench_{secrets.token_hex(4)}"
    try:
        measure(args, server, database)
    finally:
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if server.started_here:  # a server that was already running is left as it was found
            server.stop()


def measure(args: argparse.Namespace, server: EmbeddedPostgres, database: str) -> None:
    """Prepare the tenant in ``database``, serve it, time the queries and print the figures."""
    environment = {
        **os.environ,
        "DATABASE_URL": server.url(),
        "UNIONFED_TENANTS": "43:hunan",
        "UNIONFED_DATABASE_URL_43": with_database(server.url(), database),
        "UNIONFED_NATIONAL_KEY": secrets.token_hex(32),
        "UNIONFED_NODE_SECRET": secrets.token_hex(32),
    }
    started = time.perf_counter()
    asyncio.run(prepare(environment, args.extra_members))
    print(f"prepared tenant 43 with the demo province + {args.extra_members} members in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    node = subprocess.Popen(
        [sys.executable, "-m", "unionfed", "node", "serve", "--port", str(PORT)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=30) as http:
            for _ in range(100):
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            login_query = f'mutation {{ login(username: "hunan_admin", password: "{DEMO_PASSWORD}") '
            login = gql(http, "", login_query + "{ ... on LoginSuccess { token } } }", {})
            token = login["data"]["login"]["token"]
            page = gql(http, token, "{ members(first: 500) { edges { node { id } } } }", {})
            ids = [edge["node"]["id"] for edge in page["data"]["members"]["edges"]]
            timed(http, token, SINGLE, [{"id": ids[0]}] * 20)  # warm up caches and the pool
            single = timed(http, token, SINGLE, [{"id": random.choice(ids)} for _ in range(args.requests)])
            pages = timed(http, token, PAGE, [{"first": 100}] * max(30, args.requests // 3))
            counts = {}
            for size in (10, 100):
                before = statements(http)
                gql(http, token, NESTED, {"first": size})
                counts[size] = statements(http) - before
    finally:
        node.terminate()
        node.wait(timeout=20)
    print(f"province node over HTTP, {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"  single-member query   p50 {statistics.median(single):6.2f} ms   p95 {percentile(single, 0.95):6.2f} ms"
          f"   ({len(single)} requests)")  # fmt: skip
    print(f"  100-row member page   p50 {statistics.median(pages):6.2f} ms   p95 {percentile(pages, 0.95):6.2f} ms"
          f"   ({len(pages)} requests)")  # fmt: skip
    print(f"  SQL statements per nested query: {counts[10]:.0f} at 10 members, {counts[100]:.0f} at 100 members")


if __name__ == "__main__":
    main()
