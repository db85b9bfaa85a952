"""The national gateway over HTTP: a delegated member lookup against the same lookup sent to the node directly,
and national statistics over 3, 10 and 31 province tenants, at two member counts.

Starts an embedded PostgreSQL (``.data/bench-gateway``, durable default settings) holding one database per
province and member count, each loaded once by ``unionfed generate province`` (organisations and units through
the use cases, members through the bulk import, the national profile) and kept for later runs; then real
processes over real HTTP: ``--node-processes`` node processes (``unionfed node serve``, one uvicorn worker each;
default one) serving the provinces as tenants, each on its own database, dealt out in turn (43 to the first), and a
gateway process (``unionfed gateway serve``) over the first N of them. As deployed, every province has a node of
its own; one process for all 31 is the harshest simulation, two (one per core here) the nearest this machine has.

(a) Member lookup: ``province(code: "43") { member(id: ...) }`` and ``{ memberByIdNumber(...) }`` through the
    gateway as a national administrator, against the same selection sent straight to the node with the same
    identity (a forwarded-identity token signed with the gateway's key), so the node does the same work both
    ways. Requests alternate between the two paths; p50 and p95 per path and the ratio of the p50s.
(b) ``nationalStatistics(groupBy: [GENDER])`` with 3, 10 and 31 provinces, at ``--members`` per province and
    at ``--growth`` times as many, measured twice: asked again and again (each node gives the answer it keeps
    while its data is unchanged), and with every province's data marked changed before each request (a row
    in ``statistics_change``, as any write adds), so every node counts again; beside it, one province's own
    ``statistics`` asked of the node directly.

Every latency is the median over ``--rounds`` rounds of that round's p50 (or p95). The script prints figures;
it never passes or fails. Targets of issue 6: gateway/direct <= 1.5; national statistics p95 <= 100 ms at 31
provinces; p95 growing less than 1.5x when members grow 10x.

    .venv/bin/python bench/gateway.py [--tenants 3,10,31] [--members 1000] [--growth 10] [--rounds 5]
                                      [--statistics-requests 30] [--lookup-requests 100] [--reload]
                                      [--node-processes 1]

With the defaults on dev-2c: about 7 minutes to load the 62 databases the first time, then about 8 minutes of
measuring. Run as a script, this file shadows the ``gateway`` package on ``sys.path``: it imports nothing of it.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import argon2
import httpx
import psycopg

from exchange.protocol.forwarded_identity import NationalRole, forwarded_identity_token
from exchange.protocol.service_tokens import PeerKey
from exchange.standard import code_list
from province_node.db import migrate
from province_node.settings import sqlalchemy_url
from province_node.synthetic.hierarchy import plan_province
from province_node.synthetic.rosters import roster_entries
from unionfed.postgres import EmbeddedPostgres, with_database
from unionfed.readiness import wait_until_healthy

REPO: Final = Path(__file__).resolve().parents[1]
DATA: Final = REPO / ".data" / "bench-gateway"
AS_OF: Final = datetime.date(2026, 11, 22)  # fixed, so databases loaded once stay valid for later runs
LOOKUP_PROVINCE: Final = "43"
ADMIN: Final = "bench_admin"
PASSWORD: Final = "Bench-gateway-2026"  # noqa: S105 - the bench's own throwaway account
TARGET_RATIO: Final = 1.5
TARGET_P95_MS: Final = 100.0
TARGET_GROWTH: Final = 1.5

MEMBER_FIELDS: Final = "name idNumber phone gender { label } union { name } unit { name }"
DIRECT_BY_ID: Final = f"query One($id: ID!) {{ member(id: $id) {{ {MEMBER_FIELDS} }} }}"
GATEWAY_BY_ID: Final = (
    f'query One($id: ID!) {{ province(code: "{LOOKUP_PROVINCE}") {{ member(id: $id) {{ {MEMBER_FIELDS} }} }} }}'
)
DIRECT_BY_NUMBER: Final = f"query One($n: String!) {{ memberByIdNumber(idNumber: $n) {{ {MEMBER_FIELDS} }} }}"
GATEWAY_BY_NUMBER: Final = (
    f'query One($n: String!) {{ province(code: "{LOOKUP_PROVINCE}") {{ '
    f"memberByIdNumber(idNumber: $n) {{ {MEMBER_FIELDS} }} }} }}"
)
NATIONAL_STATISTICS: Final = """{ nationalStatistics(groupBy: [GENDER]) {
  rows { keys { code } count } total complete missing { province code message } } }"""
PROVINCE_STATISTICS: Final = "{ statistics(groupBy: [GENDER]) { rows { keys { code } count } total } }"


# -- processes -------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on right now (never one of ``make run``'s 8000-8002)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in (8000, 8001, 8002):
            return port


@dataclass
class Service:
    """A ``unionfed`` service process on its own port."""

    argv: Sequence[str]
    environment: Mapping[str, str]
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        """Start it and wait until ``/healthz`` answers."""
        argv = [sys.executable, "-m", "unionfed", *self.argv, "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            argv, env={**os.environ, **self.environment}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_healthy(self.process, self.url, name=" ".join(self.argv), timeout=timeout)

    def stop(self) -> None:
        """SIGINT, then wait; SIGKILL if it does not stop."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


@contextmanager
def running(service: Service) -> Iterator[Service]:
    """``service`` started for the block, stopped after it."""
    service.start()
    try:
        yield service
    finally:
        service.stop()


# -- configuration ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    """The secrets of the bench federation. The node secret and national key are kept in ``DATA`` because the
    loaded databases hold personal data encrypted and identity tokens made with them; the gateway's key is new
    every run."""

    node_secret: str
    national_key: str
    gateway: PeerKey


def bench_keys() -> Keys:
    """The kept node secret and national key (made on first use) and a fresh gateway key."""
    path = DATA / "secrets.json"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"node_secret": secrets.token_hex(32), "national_key": secrets.token_hex(32)}))
    kept = json.loads(path.read_text())
    return Keys(kept["node_secret"], kept["national_key"], PeerKey.generate("gateway"))


def province_codes(count: int) -> list[str]:
    """``count`` province codes of the standard's list, the lookup's province (43) first."""
    codes = [entry.code for entry in code_list("province")]
    ordered = [LOOKUP_PROVINCE, *(code for code in codes if code != LOOKUP_PROVINCE)]
    if count > len(ordered):
        raise SystemExit(f"there are only {len(ordered)} provinces")
    return ordered[:count]


def database_name(province: str, members: int, seed: int) -> str:
    """The database of one province at one size (kept between runs)."""
    return f"bench_gw_p{province}_m{members}_s{seed}"


def node_environment(keys: Keys, tenants: Mapping[str, str]) -> dict[str, str]:
    """A node serving ``tenants`` (province -> database URL), trusting the gateway's key."""
    environment = {
        "UNIONFED_TENANTS": ",".join(f"{province}:national" for province in tenants),
        "UNIONFED_NATIONAL_KEY": keys.national_key,
        "UNIONFED_NODE_SECRET": keys.node_secret,
        "UNIONFED_GATEWAY_PUBLIC_KEY": json.dumps(keys.gateway.public_jwk()),
        "UNIONFED_GATEWAY_ID": keys.gateway.peer_id,
    }
    environment.update({f"UNIONFED_DATABASE_URL_{province}": url for province, url in tenants.items()})
    return environment


def gateway_environment(keys: Keys, node_urls: Mapping[str, str]) -> dict[str, str]:
    """A gateway over the provinces of ``node_urls`` (province -> its node), with one national admin account."""
    # argon2 as ``gateway.security.accounts.hash_password`` does: this file, run as a script, shadows the
    # ``gateway`` package on ``sys.path``, so nothing of it is imported here.
    account = {"username": ADMIN, "role": "national_admin", "passwordHash": argon2.PasswordHasher().hash(PASSWORD)}
    return {
        "UNIONFED_GATEWAY_NODES": ",".join(f"{province}={url}" for province, url in node_urls.items()),
        "UNIONFED_GATEWAY_KEY": json.dumps(keys.gateway.private_jwk()),
        "UNIONFED_GATEWAY_ID": keys.gateway.peer_id,
        "UNIONFED_GATEWAY_ACCOUNTS": json.dumps([account]),
        "UNIONFED_NATIONAL_KEY": keys.national_key,
    }


# -- loading ---------------------------------------------------------------------------------------------


def loaded_members(server_url: str, database: str) -> int | None:
    """Members in ``database``; ``None`` when it does not exist or holds no schema yet."""
    with psycopg.connect(server_url, autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is None:
            return None
    with psycopg.connect(with_database(server_url, database)) as connection:
        if connection.execute("SELECT to_regclass('member')").fetchone() in (None, (None,)):
            return None
        row = connection.execute("SELECT count(*) FROM member").fetchone()
        return int(row[0]) if row else 0


def drop_database(server_url: str, database: str) -> None:
    """Drop ``database`` if it exists."""
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def load_province(server_url: str, keys: Keys, province: str, members: int, seed: int) -> float:
    """Load one province with ``unionfed generate province`` into its own database, unless already loaded;
    the seconds spent (0 when kept)."""
    database = database_name(province, members, seed)
    if loaded_members(server_url, database) == members:
        return 0.0
    drop_database(server_url, database)
    started = time.perf_counter()
    environment = {**os.environ, **node_environment(keys, {province: with_database(server_url, database)})}
    argv = [sys.executable, "-m", "unionfed", "generate", "province", "--province", province,
            "--members", str(members), "--seed", str(seed), "--as-of", AS_OF.isoformat(), "--workers", "1"]  # fmt: skip
    done = subprocess.run(argv, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0 or loaded_members(server_url, database) != members:
        raise RuntimeError(f"loading province {province} ({members} members) failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def load_provinces(server_url: str, keys: Keys, provinces: Sequence[str], members: int, seed: int) -> None:
    """Every province of ``provinces`` loaded at ``members``, two loads at a time (one per core)."""
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        spent = list(pool.map(lambda code: load_province(server_url, keys, code, members, seed), provinces))
    for code in provinces:  # databases kept from older code, to the head; one at a time (alembic is not thread-safe)
        migrate.upgrade(sqlalchemy_url(with_database(server_url, database_name(code, members, seed))))
    fresh = sum(1 for seconds in spent if seconds > 0)
    print(f"  {len(provinces)} provinces x {members:,} members: {fresh} loaded now, "
          f"{len(provinces) - fresh} kept from an earlier run ({time.perf_counter() - started:.0f} s)")  # fmt: skip


def id_numbers(members: int, seed: int, count: int) -> list[str]:
    """The first ``count`` ID numbers of the lookup province as ``generate province`` made them."""
    hierarchy = plan_province(LOOKUP_PROVINCE, members, seed=seed, as_of=AS_OF)
    numbers = []
    for entry in roster_entries(hierarchy, seed=seed):
        numbers.append(entry.person.id_number)
        if len(numbers) == count:
            break
    return numbers


# -- measuring -------------------------------------------------------------------------------------------


def gql(http: httpx.Client, url: str, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """A GraphQL request's data; ``RuntimeError`` when it carries errors."""
    response = http.post(url, json={"query": query, "variables": variables or {}},
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"{url}: {body['errors']}")
    return body["data"]


def gateway_token(http: httpx.Client, gateway_url: str) -> str:
    """A gateway login token of the national admin."""
    login = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
      __typename ... on NationalLogin { token } } }"""
    response = http.post(f"{gateway_url}/graphql", json={"query": login, "variables": {"u": ADMIN, "p": PASSWORD}})
    return str(response.json()["data"]["login"]["token"])


def node_identity(keys: Keys, province: str) -> str:
    """The token the gateway forwards for the national admin, made here (it lives 120 s: made per request)."""
    return forwarded_identity_token(keys.gateway, subject=ADMIN, role=NationalRole.NATIONAL_ADMIN, province=province)


def timed_gql(
    http: httpx.Client, url: str, token: str, query: str, variables: dict[str, Any] | None = None
) -> tuple[float, Any]:
    """The milliseconds a GraphQL request took, and its data."""
    started = time.perf_counter()
    data = gql(http, url, token, query, variables)
    return (time.perf_counter() - started) * 1000, data


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass(frozen=True)
class Latency:
    """Median over rounds of each round's p50 and p95, and the spread of the round p50s."""

    p50: float
    p95: float
    low: float
    high: float

    @classmethod
    def of(cls, rounds: Sequence[Sequence[float]]) -> Latency:
        """From the per-request milliseconds of each round."""
        p50s = [statistics.median(values) for values in rounds]
        return cls(statistics.median(p50s), statistics.median(percentile(v, 0.95) for v in rounds), min(p50s),
                   max(p50s))  # fmt: skip


@dataclass(frozen=True)
class LookupResult:
    """One lookup measured both ways."""

    name: str
    direct: Latency
    gateway: Latency
    ratios: tuple[float, ...]  # gateway p50 / direct p50, per round


def lookup_rounds(
    http: httpx.Client, keys: Keys, node_url: str, gateway_url: str, token: str, queries: tuple[str, str],
    variables: Sequence[dict[str, Any]], rounds: int,
) -> tuple[list[list[float]], list[list[float]]]:  # fmt: skip
    """Per round, the milliseconds of each lookup sent directly and through the gateway, alternating."""
    direct_query, gateway_query = queries
    node_graphql, national_graphql = f"{node_url}/p/{LOOKUP_PROVINCE}/graphql", f"{gateway_url}/graphql"
    direct_rounds: list[list[float]] = []
    gateway_rounds: list[list[float]] = []
    for _ in range(rounds):
        direct, through = [], []
        for item in variables:
            identity = node_identity(keys, LOOKUP_PROVINCE)
            elapsed, data = timed_gql(http, node_graphql, identity, direct_query, item)
            direct.append(elapsed)
            check_found(data)
            elapsed, data = timed_gql(http, national_graphql, token, gateway_query, item)
            through.append(elapsed)
            check_found(data)
        direct_rounds.append(direct)
        gateway_rounds.append(through)
    return direct_rounds, gateway_rounds


def check_found(data: dict[str, Any]) -> None:
    """Fail loudly when a lookup found nobody (the bench would time a cheaper answer)."""
    answer = data.get("province", data)
    if not answer or not any(answer.values()):
        raise RuntimeError(f"the lookup found nobody: {data}")


def measure_lookup(
    http: httpx.Client, keys: Keys, node_url: str, gateway_url: str, name: str, queries: tuple[str, str],
    variables: Sequence[dict[str, Any]], rounds: int,
) -> LookupResult:  # fmt: skip
    """The lookup both ways, after a warm-up."""
    token = gateway_token(http, gateway_url)
    lookup_rounds(http, keys, node_url, gateway_url, token, queries, variables[:20], 1)
    direct, through = lookup_rounds(http, keys, node_url, gateway_url, token, queries, variables, rounds)
    ratios = tuple(statistics.median(g) / statistics.median(d) for d, g in zip(direct, through, strict=True))
    return LookupResult(name, Latency.of(direct), Latency.of(through), ratios)


@dataclass(frozen=True)
class StatisticsResult:
    """National statistics over some provinces at one size, and one province's own statistics beside it."""

    provinces: int
    members: int
    national: Latency
    after_writes: Latency  # every province's data changed before each request: all count again
    one_province: Latency
    total: int
    partial: tuple[str, ...]  # the errors of each answer that was not complete


class DataVersions:
    """Connections to the provinces' databases, to mark their counted data changed as any write would (a row in
    ``statistics_change``), so that every province counts again instead of giving its kept answer."""

    def __init__(self, urls: Sequence[str]) -> None:
        self.connections = [psycopg.connect(url, autocommit=True) for url in urls]

    def bump(self) -> None:
        """Every province's data changed."""
        for connection in self.connections:
            connection.execute("INSERT INTO statistics_change DEFAULT VALUES")

    def close(self) -> None:
        """Close the connections."""
        for connection in self.connections:
            connection.close()


def national_rounds(
    http: httpx.Client,
    gateway_url: str,
    token: str,
    requests: int,
    rounds: int,
    before_each: Callable[[], None] | None = None,
) -> tuple[list[list[float]], list[str]]:
    """Per round, the milliseconds of each ``nationalStatistics`` request (``before_each`` run untimed before
    it); and the errors of the answers that were not complete (kept in the timings: a partial answer is an
    answer the caller waited for)."""
    result, problems = [], []
    for _ in range(rounds):
        timings = []
        for _ in range(requests):
            if before_each is not None:
                before_each()
            started = time.perf_counter()
            response = http.post(f"{gateway_url}/graphql", json={"query": NATIONAL_STATISTICS},
                                 headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            timings.append((time.perf_counter() - started) * 1000)
            body = response.json()
            if body.get("errors") or not body["data"]["nationalStatistics"]["complete"]:
                problems.append(json.dumps(body.get("errors"), ensure_ascii=False))
        result.append(timings)
    return result, problems


def province_rounds(http: httpx.Client, keys: Keys, node_url: str, requests: int, rounds: int) -> list[list[float]]:
    """Per round, the milliseconds of one province's own ``statistics`` asked of the node directly."""
    url = f"{node_url}/p/{LOOKUP_PROVINCE}/graphql"
    result = []
    for _ in range(rounds):
        timings = []
        for _ in range(requests):
            elapsed, _ = timed_gql(http, url, node_identity(keys, LOOKUP_PROVINCE), PROVINCE_STATISTICS)
            timings.append(elapsed)
        result.append(timings)
    return result


def measure_statistics(
    http: httpx.Client,
    keys: Keys,
    node_url: str,
    gateway_url: str,
    versions: DataVersions,
    members: int,
    args: argparse.Namespace,
) -> StatisticsResult:
    """National statistics through a gateway over the provinces of ``versions``, after a warm-up: as asked
    again and again (the nodes give their kept answers), and with every province's data changed before each
    request (every node counts again)."""
    token = gateway_token(http, gateway_url)
    national_rounds(http, gateway_url, token, 5, 1)  # warm-up: every tenant's connections opened
    national, problems = national_rounds(http, gateway_url, token, args.statistics_requests, args.rounds)
    after_writes, more = national_rounds(
        http, gateway_url, token, args.statistics_requests, args.rounds, before_each=versions.bump
    )
    own = province_rounds(http, keys, node_url, args.statistics_requests, args.rounds)
    total = int(gql(http, f"{gateway_url}/graphql", token, NATIONAL_STATISTICS)["nationalStatistics"]["total"])
    return StatisticsResult(len(versions.connections), members, Latency.of(national), Latency.of(after_writes),
                            Latency.of(own), total, (*problems, *more))  # fmt: skip


# -- the run ---------------------------------------------------------------------------------------------


def node_services(
    server_url: str, keys: Keys, provinces: Sequence[str], members: int, seed: int, processes: int
) -> list[tuple[Service, Sequence[str]]]:
    """``processes`` node processes serving the provinces of ``provinces`` at ``members`` between them, dealt out
    in turn (the first province to the first process); each with the provinces it serves."""
    services = []
    for share in (provinces[start::processes] for start in range(processes)):
        tenants = {code: with_database(server_url, database_name(code, members, seed)) for code in share}
        services.append((Service(["node", "serve"], node_environment(keys, tenants), free_port()), share))
    return services


def gateway_service(keys: Keys, node_urls: Mapping[str, str]) -> Service:
    """A gateway process over the provinces of ``node_urls`` (province -> its node)."""
    return Service(["gateway", "serve"], gateway_environment(keys, node_urls), free_port())


def member_ids(http: httpx.Client, keys: Keys, node_url: str, count: int) -> list[str]:
    """Ids of ``count`` members of the lookup province, read from its node."""
    query = "query($n: Int!) { members(first: $n) { edges { node { id } } } }"
    identity = node_identity(keys, LOOKUP_PROVINCE)
    data = gql(http, f"{node_url}/p/{LOOKUP_PROVINCE}/graphql", identity, query, {"n": count})
    return [edge["node"]["id"] for edge in data["members"]["edges"]]


def run_lookups(
    http: httpx.Client, keys: Keys, node_urls: Mapping[str, str], args: argparse.Namespace
) -> list[LookupResult]:
    """Part (a): both lookups, the gateway over every province (its fan-out fields unused)."""
    node_url = node_urls[LOOKUP_PROVINCE]
    with running(gateway_service(keys, node_urls)) as gateway:
        count = min(args.lookup_requests, args.members)
        by_id = [{"id": member_id} for member_id in member_ids(http, keys, node_url, count)]
        by_number = [{"n": number} for number in id_numbers(args.members, args.seed, count)]
        return [
            measure_lookup(http, keys, node_url, gateway.url, "member(id)", (DIRECT_BY_ID, GATEWAY_BY_ID), by_id,
                           args.rounds),
            measure_lookup(http, keys, node_url, gateway.url, "memberByIdNumber", (DIRECT_BY_NUMBER, GATEWAY_BY_NUMBER),
                           by_number, args.rounds),
        ]  # fmt: skip


def run_size(
    server_url: str, keys: Keys, provinces: Sequence[str], members: int, args: argparse.Namespace, *, lookups: bool
) -> tuple[list[LookupResult], list[StatisticsResult]]:
    """The node processes serving every province at ``members``; the lookups (when asked) and national statistics
    over the first N provinces for each N of ``--tenants``."""
    found: list[LookupResult] = []
    results = []
    with ExitStack() as stack, httpx.Client(timeout=60) as http:
        node_urls: dict[str, str] = {}
        for service, share in node_services(server_url, keys, provinces, members, args.seed, args.node_processes):
            node_urls.update(dict.fromkeys(share, stack.enter_context(running(service)).url))
        node_urls = {code: node_urls[code] for code in provinces}  # in the provinces' order, 43 first
        if lookups:
            found = run_lookups(http, keys, node_urls, args)
        for count in args.tenants:
            versions = DataVersions([with_database(server_url, database_name(code, members, args.seed))
                                     for code in provinces[:count]])  # fmt: skip
            asked = {code: node_urls[code] for code in provinces[:count]}
            try:
                with running(gateway_service(keys, asked)) as gateway:
                    results.append(measure_statistics(http, keys, node_urls[LOOKUP_PROVINCE], gateway.url, versions,
                                                      members, args))  # fmt: skip
            finally:
                versions.close()
            print(f"  measured {count} provinces x {members:,} members")
    return found, results


def print_lookups(results: Sequence[LookupResult]) -> None:
    """Table (a)."""
    print("\n(a) member lookup in province 43, national admin: direct to the node vs through the gateway")
    print(
        f"  {'lookup':<18} {'direct p50 / p95':>18} {'gateway p50 / p95':>19} {'ratio p50':>10} {'ratio per round':>22}"
    )
    for result in results:
        d, g = result.direct, result.gateway
        ratio = g.p50 / d.p50
        spread = f"{min(result.ratios):.2f}-{max(result.ratios):.2f}"
        verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
        print(f"  {result.name:<18} {d.p50:7.2f} / {d.p95:6.2f} ms {g.p50:8.2f} / {g.p95:6.2f} ms {ratio:10.2f} "
              f"{spread:>22}   target <= {TARGET_RATIO}: {verdict}")  # fmt: skip


def print_statistics(results: Sequence[StatisticsResult], growth: int) -> None:
    """Table (b), and the growth at each province count."""
    print("\n(b) nationalStatistics(groupBy: [GENDER]) through the gateway; one province's own statistics beside it")
    print(f"  {'provinces':>9} {'members each':>13} {'national p50 / p95':>21} {'p50 range':>16} "
          f"{'after writes p50 / p95':>24} {'one province direct p50 / p95':>31}")  # fmt: skip
    for r in results:
        print(f"  {r.provinces:>9} {r.members:>13,} {r.national.p50:9.1f} / {r.national.p95:6.1f} ms "
              f"{r.national.low:6.1f}-{r.national.high:6.1f} ms {r.after_writes.p50:10.1f} / "
              f"{r.after_writes.p95:6.1f} ms {r.one_province.p50:17.1f} / "
              f"{r.one_province.p95:6.1f} ms   total {r.total:,}")  # fmt: skip
    for r in results:
        if r.partial:
            print(f"  ! {r.provinces} provinces x {r.members:,}: {len(r.partial)} partial answers, e.g. {r.partial[0]}")
    by_key = {(r.provinces, r.members): r for r in results}
    for r in results:
        bigger = by_key.get((r.provinces, r.members * growth))
        if bigger is None:
            continue
        p95_growth = bigger.national.p95 / r.national.p95
        print(f"  {r.provinces} provinces, members x{growth}: p95 x{p95_growth:.2f}, p50 "
              f"x{bigger.national.p50 / r.national.p50:.2f}; after writes p95 "
              f"x{bigger.after_writes.p95 / r.after_writes.p95:.2f}")  # fmt: skip
    widest = [r for r in results if r.provinces == 31]
    if widest:
        smallest = min(widest, key=lambda r: r.members)
        verdict = "met" if smallest.national.p95 <= TARGET_P95_MS else "MISSED"
        print(f"  31 provinces x {smallest.members:,}: p95 {smallest.national.p95:.1f} ms, target <= "
              f"{TARGET_P95_MS:.0f} ms: {verdict}")  # fmt: skip
        bigger = by_key.get((31, smallest.members * growth))
        if bigger is not None:
            ratio = bigger.national.p95 / smallest.national.p95
            print(f"  31 provinces, members x{growth}: p95 x{ratio:.2f}, target < {TARGET_GROWTH}: "
                  f"{'met' if ratio < TARGET_GROWTH else 'MISSED'}")  # fmt: skip


def tenant_counts(text: str) -> list[int]:
    """``--tenants``: comma-separated province counts, 1 to 31."""
    counts = sorted({int(item) for item in text.split(",") if item.strip()})
    if not counts or counts[0] < 1 or counts[-1] > 31:
        raise argparse.ArgumentTypeError("province counts between 1 and 31, e.g. 3,10,31")
    return counts


def arguments() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tenants", type=tenant_counts, default=[3, 10, 31], help="province counts (default 3,10,31)")
    parser.add_argument("--members", type=int, default=1000, help="members per province (default 1000)")
    parser.add_argument("--growth", type=int, default=10, help="the larger size is this many times --members")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of every measurement (default 5)")
    parser.add_argument("--statistics-requests", type=int, default=30, help="statistics requests per round")
    parser.add_argument("--lookup-requests", type=int, default=100, help="lookups per round and path")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--node-processes", type=int, default=1, help="node processes sharing the provinces")
    parser.add_argument("--reload", action="store_true", help="load the provinces again even when kept")
    return parser.parse_args()


def main() -> None:
    """Load, start, measure, print."""
    args = arguments()
    started = time.perf_counter()
    with EmbeddedPostgres(DATA) as server:  # stopped at the end only when started here
        run(server.url(), args, started)


def run(server_url: str, args: argparse.Namespace, started: float) -> None:
    """Load what is missing, measure every size, print the tables."""
    keys = bench_keys()
    provinces = province_codes(max(args.tenants))
    sizes = [args.members, args.members * args.growth]
    print(f"gateway bench, {platform.python_version()}, {os.cpu_count()} CPUs, PostgreSQL in {DATA}, "
          f"{args.node_processes} node process(es)")  # fmt: skip
    for members in sizes:
        if args.reload:
            for code in provinces:
                drop_database(server_url, database_name(code, members, args.seed))
        load_provinces(server_url, keys, provinces, members, args.seed)
    lookups: list[LookupResult] = []
    results: list[StatisticsResult] = []
    for members in sizes:
        found, measured = run_size(server_url, keys, provinces, members, args, lookups=members == args.members)
        lookups += found
        results += measured
    print_lookups(lookups)
    print_statistics(results, args.growth)
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
