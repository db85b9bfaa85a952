"""Syncing nodes to the national exchange: claims/s, sustained events/s, and the lag of a node commit to the index.

Starts an embedded PostgreSQL (``.data/bench-postgres``, durable default settings), creates and migrates a fresh
exchange database, registers node peers, and runs the exchange as a real process (``python -m unionfed exchange
serve``, one uvicorn worker, its default pool of 8 connections). Everything talks to it over real HTTP, signing
service tokens as the nodes do: claims and the lag tenants through the node's own ``ExchangeClient``, the bulk
event load with ``httpx`` and bodies joined from encoded event shapes (``load_request``).

1. **Claims** — three provinces (42, 43, 33) claim fresh tokens concurrently, each sending ``--claim-requests``
   requests of 1,000 tokens one after another, for ``--claim-rounds`` rounds: claims/s of a round = every claim
   of the round / its wall time; the median of the rounds is the figure. Every answer must be ``granted``. The
   tokens granted become the people of the event load.
2. **Events** — three tenants (42, 43, 33), each a separate process as a node is, send sequenced batches in
   requests of the relay's largest shape (``--batches-per-request`` batches of ``--batch-events`` events: 125 x 40
   = 5,000 events, the relay's ``EVENTS_PER_REQUEST``), each request as soon
   as the previous one is acknowledged, for ``--event-rounds`` windows of ``--round-seconds``. The events cycle
   through the tenant's claimed people: first ``member.registered`` (claimed -> active), then
   ``member.updated`` (a changed education code) and every tenth ``member.status_changed`` (active <-> retired),
   so every event changes an index row and the tally. events/s of a window = events acknowledged in it (a
   request's events spread evenly over its time in flight) / the window; the median of the windows and the total
   (every event / first send to last acknowledgement) are reported.
3. **Lag** — three more provinces (44, 32, 51) run as real node tenants: each a database migrated with the node's
   migrations and the node's real ``OutboxRelay`` (``--relay-interval``, production default 0.2 s), delivering
   through ``ExchangeClient``. A writer commits registrations into each tenant's outbox at a steady rate
   (``--probe-rate`` rows/s, one ``member.registered`` event each, for a token claimed beforehand; the rows are
   inserted directly, not through ``register_member``: the relay reads only the outbox, and members would only
   add node-side work unrelated to the exchange). Lag of a row = its ``sent_at`` (the relay's commit after the
   exchange acknowledged it, so after the index committed) minus its ``created_at`` (its commit), both from the
   same server clock: an upper bound of commit -> index. Measured first with the exchange idle
   (``--idle-seconds``) and then during the whole event load, where the exchange is saturated by the three bulk
   tenants: p50 / p99 of each. The lag provinces are not the bulk ones because a province's batches are one
   sequence: a probe row of Hunan behind Hunan's own 20,000-event backlog measures that backlog, not the sync.

Targets of issue 5, printed beside the figures: >= 50,000 claims/s batched, >= 20,000 events/s ingested, lag p99
< 1 s. The bench and the exchange share the machine's cores (the load generators build 1.7 MB JSON bodies from
event shapes encoded once, ``load_request``; the exchange parses and checks them; PostgreSQL writes), so the
figures are end to end on one box. The databases are
dropped at the end; the exchange's log is kept in ``.data/bench/exchange-sync.log``.

    .venv/bin/python bench/exchange_sync.py [--claim-rounds 5] [--claim-requests 20] [--event-rounds 3]
        [--round-seconds 10] [--batches-per-request 125] [--batch-events 40] [--probe-rate 10] [--idle-seconds 5]
        [--relay-interval 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import functools
import hashlib
import json
import multiprocessing
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any, Final

import httpx
import psycopg
from psycopg.types.json import Jsonb

from exchange.protocol.service_tokens import PeerKey, service_token
from exchange.service.db import migrate as exchange_migrate
from exchange.service.store.peers import PeerKind, add_peer
from exchange.standard import NationalKey, china_today, profile
from province_node.db import migrate as node_migrate
from province_node.exchange_link.client import ClaimOutcome, ExchangeClient, ExchangeRefused, ExchangeUnavailable
from province_node.exchange_link.relay import EVENTS_PER_REQUEST, OutboxRelay
from province_node.settings import ExchangeSettings, NodeSettings, TenantSettings, derive_key, sqlalchemy_url
from province_node.tenant import Tenant, open_tenant
from unionfed.postgres import EmbeddedPostgres, with_database
from unionfed.readiness import wait_until_healthy

REPO = Path(__file__).resolve().parents[1]
LOG = REPO / ".data" / "bench" / "exchange-sync.log"
LOAD_PROVINCES: Final = ("42", "43", "33")
PROBE_PROVINCES: Final = ("44", "32", "51")
CLAIMS_PER_REQUEST: Final = 1_000
BATCH_EVENTS: Final = 40  # events per outbox batch in the load
TARGET_CLAIMS_PER_SECOND: Final = 50_000
TARGET_EVENTS_PER_SECOND: Final = 20_000
TARGET_LAG_P99_SECONDS: Final = 1.0
OCCURRED_ON: Final = "2026-11-23"
REQUEST_TIMEOUT: Final = 60.0  # the bulk tenants wait for their answer; the relays keep the node's default
_INSERT_OUTBOX: Final = (
    "INSERT INTO outbox (event_type, event_count, payload) VALUES ('member.registered', 1, %s) RETURNING id"
)
_LAGS: Final = "SELECT id, extract(epoch FROM sent_at - created_at)::float8 FROM outbox WHERE id = ANY(%s)"


def fresh_tokens(count: int) -> list[str]:
    """``count`` random identity tokens (64 lower-case hex characters), as a node's HMACs look."""
    return [secrets.token_hex(32) for _ in range(count)]


def median(values: Sequence[float]) -> float:
    """The median (0 for no values)."""
    return statistics.median(values) if values else 0.0


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile by nearest rank (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def verdict(met: bool) -> str:
    """How a figure stands against its target."""
    return "met" if met else "MISSED"


# -- processes and CPU -------------------------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        stack.extend(int(child) for child in children)
    return found


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its live descendants."""
    ticks = 0
    for process in process_tree(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuMeter:
    """CPU used by the exchange process and by the PostgreSQL server over a phase, in cores (1.0 = one busy core)."""

    exchange_pid: int
    server: EmbeddedPostgres
    started: float = 0.0
    exchange_start: float = 0.0
    postgres_start: float = 0.0

    def start(self) -> None:
        """Begin a phase."""
        self.started = time.monotonic()
        self.exchange_start, self.postgres_start = cpu_seconds(self.exchange_pid), self.server.cpu_seconds()

    def seconds(self) -> tuple[float, float]:
        """CPU seconds used since ``start``: (exchange, PostgreSQL)."""
        exchange = cpu_seconds(self.exchange_pid) - self.exchange_start
        return exchange, self.server.cpu_seconds() - self.postgres_start

    def cores(self) -> tuple[float, float]:
        """Cores busy on average since ``start``: (exchange, PostgreSQL)."""
        wall = max(time.monotonic() - self.started, 1e-9)
        exchange, postgres = self.seconds()
        return exchange / wall, postgres / wall


@dataclass
class ExchangeProcess:
    """``python -m unionfed exchange serve`` on a free port, its output in ``LOG``."""

    database_url: str
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        """Start it and wait until ``/healthz`` answers."""
        LOG.parent.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "unionfed", "exchange", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        environment = os.environ | {"UNIONFED_EXCHANGE_DATABASE_URL": self.database_url}
        with LOG.open("wb") as log:
            self.process = subprocess.Popen(argv, env=environment, stdout=log, stderr=subprocess.STDOUT)
        wait_until_healthy(self.process, self.url, name=f"the exchange (log: {LOG})", timeout=timeout)

    def stop(self) -> None:
        """SIGINT, then wait (SIGKILL after 15 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- databases ---------------------------------------------------------------------------------------------------


class Databases:
    """The exchange and node databases made for this run on the embedded server (dropped by ``drop_all``)."""

    def __init__(self, server: EmbeddedPostgres) -> None:
        self.server = server
        self.names: list[str] = []
        self.run = secrets.token_hex(3)

    def created(self, purpose: str) -> str:
        """The URL of a new empty database named for ``purpose``."""
        name = f"bench_sync_{purpose}_{self.run}"
        with psycopg.connect(self.server.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return with_database(self.server.url(), name)

    def exchange(self) -> str:
        """A migrated exchange database."""
        url = self.created("exchange")
        exchange_migrate.upgrade(url)
        return url

    def node(self, province: str) -> str:
        """A tenant database of ``province`` migrated with the node's migrations."""
        url = self.created(f"node_{province}")
        node_migrate.upgrade(sqlalchemy_url(url))
        return url

    def drop_all(self) -> None:
        """Drop every database of this run."""
        with psycopg.connect(self.server.url(), autocommit=True) as admin:
            for name in self.names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Stage:
    """What a run measures against: the exchange process on its database, the lag provinces' node databases, the
    nodes' keys, and a meter of the exchange's and the server's CPU."""

    exchange: ExchangeProcess
    exchange_database: str
    node_urls: dict[str, str]
    keys: dict[str, PeerKey]
    cpu: CpuMeter


@contextlib.contextmanager
def running_exchange(peers: Sequence[str]) -> Iterator[Stage]:
    """The embedded server (``.data/bench-postgres``), an exchange on a fresh database with a node registered for
    each of ``peers``, and node databases for the lag provinces; everything dropped or stopped on the way out."""
    server = EmbeddedPostgres(REPO / ".data" / "bench-postgres")
    server.start()
    databases = Databases(server)
    exchange: ExchangeProcess | None = None
    try:
        exchange_database = databases.exchange()
        node_urls = {province: databases.node(province) for province in PROBE_PROVINCES}
        keys = register_nodes(exchange_database, peers)
        exchange = ExchangeProcess(exchange_database, free_port())
        exchange.start()
        assert exchange.process is not None
        yield Stage(exchange, exchange_database, node_urls, keys, CpuMeter(exchange.process.pid, server))
    finally:
        if exchange is not None:
            exchange.stop()
        databases.drop_all()
        if server.started_here:  # a server that was already running is left as it was found
            server.stop()


def register_nodes(exchange_url: str, provinces: Sequence[str]) -> dict[str, PeerKey]:
    """A node peer with a fresh key for each province, registered at the exchange."""

    async def register_all() -> dict[str, PeerKey]:
        keys = {province: PeerKey.generate(f"node-{province}") for province in provinces}
        async with await psycopg.AsyncConnection.connect(exchange_url, autocommit=True) as connection:
            for province, key in keys.items():
                await add_peer(connection, key.peer_id, PeerKind.NODE, [province], key.public_jwk())
        return keys

    return asyncio.run(register_all())


def client_of(url: str, key: PeerKey, timeout: float = REQUEST_TIMEOUT) -> ExchangeClient:
    """An exchange client signing as the node of ``key``."""
    return ExchangeClient(ExchangeSettings(url=url, key=key, timeout=timeout))


# -- claims ------------------------------------------------------------------------------------------------------


async def claim_all(client: ExchangeClient, province: str, requests: Sequence[list[str]]) -> int:
    """Send ``requests`` one after another; how many tokens were granted."""
    granted = 0
    for tokens in requests:
        answers = await client.claim(province, tokens)
        granted += sum(1 for answer in answers.values() if answer.outcome is ClaimOutcome.GRANTED)
    return granted


async def claims_phase(
    url: str, keys: dict[str, PeerKey], rounds: int, requests: int
) -> tuple[list[float], dict[str, list[str]]]:
    """claims/s of each round, and the tokens granted to each province."""
    granted: dict[str, list[str]] = {province: [] for province in keys}
    rates = []
    clients = {province: client_of(url, key) for province, key in keys.items()}
    try:
        for _ in range(rounds):
            asked = {province: [fresh_tokens(CLAIMS_PER_REQUEST) for _ in range(requests)] for province in clients}
            started = time.perf_counter()
            counts = await asyncio.gather(
                *(claim_all(clients[province], province, asked[province]) for province in clients)
            )
            elapsed = time.perf_counter() - started
            total = len(clients) * requests * CLAIMS_PER_REQUEST
            if sum(counts) != total:
                raise RuntimeError(f"only {sum(counts)} of {total} fresh claims were granted")
            rates.append(total / elapsed)
            for province, batches in asked.items():
                granted[province].extend(token for batch in batches for token in batch)
    finally:
        for client in clients.values():
            await client.aclose()
    return rates, granted


# -- events (each bulk tenant in a process of its own) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """What one bulk tenant sends."""

    url: str
    province: str
    private_jwk: dict[str, Any]
    tokens: list[str]
    batches_per_request: int
    batch_events: int
    seconds: float


@dataclass(frozen=True, slots=True)
class RequestTiming:
    """One events request: when it was sent and acknowledged (wall clock), and its events."""

    sent: float
    acknowledged: float
    events: int


@dataclass
class LoadResult:
    """What one bulk tenant did."""

    province: str
    requests: list[RequestTiming] = field(default_factory=list)
    retries: int = 0
    last_seq: int = 0
    cpu_seconds: float = 0.0  # the process's CPU while it sent (building requests, HTTP)


_DIMENSION_VARIANTS: Final = [
    {
        "gender": gender,
        "birthYear": 1965 + year,
        "education": education,
        "politicalStatus": political,
        "householdType": "1",
        "orgLevel": "6",
        "unionType": "1",
        "unitNature": nature,
    }
    for gender in ("1", "2")
    for year in range(0, 40, 3)
    for education in ("20", "30", "40")
    for political in ("01", "13")
    for nature in ("05", "10")
]


def event_shape(person: int, visit: int) -> tuple[str, str, int]:
    """(type, status, dimension variant) of the event for the ``visit``-th time the load reaches person number
    ``person`` (0: the registration)."""
    variant = (person + visit) % len(_DIMENSION_VARIANTS)
    if visit == 0:
        return "member.registered", "active", variant
    if person % 10 == 0:
        return "member.status_changed", "retired" if visit % 2 else "active", variant
    return "member.updated", "active" if person % 20 else ("retired" if visit % 2 else "active"), variant


def event_of_shape(token: str, province: str, kind: str, status: str, variant: int) -> dict[str, Any]:
    """An event of ``kind`` for ``token`` with the ``variant``-th set of dimensions."""
    return {
        "type": kind,
        "token": token,
        "province": province,
        "status": status,
        "occurredOn": OCCURRED_ON,
        "dimensions": _DIMENSION_VARIANTS[variant],
    }


def registration(token: str, province: str, number: int) -> dict[str, Any]:
    """The ``member.registered`` event of the ``number``-th person a node registers (the dimensions vary)."""
    return event_of_shape(token, province, "member.registered", "active", number % len(_DIMENSION_VARIANTS))


_MARK: Final = "{token}"


@functools.cache
def _encoded_shape(province: str, kind: str, status: str, variant: int) -> tuple[str, str]:
    """The JSON of an event of this shape, cut where its token goes."""
    before, after = json.dumps(event_of_shape(_MARK, province, kind, status, variant)).split(_MARK)
    return before, after


def encoded_event(token: str, province: str, person: int, visit: int) -> str:
    """The JSON of the event for the ``visit``-th time the load reaches person number ``person``; each of the
    few shapes of event is encoded once."""
    before, after = _encoded_shape(province, *event_shape(person, visit))
    return before + token + after


def load_request(plan: LoadPlan, first_seq: int, position: int) -> bytes:
    """The body of one request (``POST /v1/events``) from ``first_seq``, for the people from ``position`` on
    (cycling): ``json.dumps`` of the province and its batches, made by joining encoded events.

    The load processes stand for nodes on other machines, but here they share the exchange's two cores: encoding
    5,000 events with ``json.dumps`` per request took 6.3 µs of CPU an event, joining the encoded shapes takes
    1.7 (bench/README.md, "Exchange sync").
    """
    people = len(plan.tokens)
    batches = []
    for n in range(plan.batches_per_request):
        start = position + n * plan.batch_events
        events = ", ".join(
            encoded_event(plan.tokens[i % people], plan.province, i % people, i // people)
            for i in range(start, start + plan.batch_events)
        )
        # The exchange keeps a digest per batch, as the node's relay sends one; made from what decides the
        # content (the people from ``start``), so the load costs the exchange what a node's batches do.
        digest = hashlib.sha256(f"{plan.province}:{start}:{plan.batch_events}".encode()).hexdigest()
        batches.append(f'{{"seq": {first_seq + n}, "events": [{events}], "digest": "{digest}"}}')
    return f'{{"province": "{plan.province}", "batches": [{", ".join(batches)}]}}'.encode()


async def send_request(http: httpx.AsyncClient, key: PeerKey, body: bytes) -> int:
    """POST one encoded events request as the node of ``key``; the last seq the exchange acknowledged."""
    headers = {"Authorization": f"Bearer {service_token(key)}", "Content-Type": "application/json"}
    try:
        response = await http.post("/v1/events", content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise ExchangeUnavailable(f"POST /v1/events: {type(exc).__name__}: {exc}") from exc
    if response.status_code >= 500:
        raise ExchangeUnavailable(f"POST /v1/events: HTTP {response.status_code}")
    if response.status_code != 200:
        error = response.json().get("error", {})
        raise ExchangeRefused(response.status_code, str(error.get("code")), str(error.get("message")), error)
    return int(response.json()["acknowledged"])


async def send_load(plan: LoadPlan, start_at: float) -> LoadResult:
    """Send requests back to back from ``start_at`` for ``plan.seconds`` (wall clock)."""
    result = LoadResult(plan.province)
    key = PeerKey.from_jwk(f"node-{plan.province}", plan.private_jwk)
    async with client_of(plan.url, key) as client:
        acknowledged = await client.progress(plan.province)
    per_request = plan.batches_per_request * plan.batch_events
    position = 0
    body = load_request(plan, acknowledged + 1, position)
    async with httpx.AsyncClient(base_url=plan.url, timeout=REQUEST_TIMEOUT) as http:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        deadline = start_at + plan.seconds
        cpu_started = time.process_time()
        while time.time() < deadline:
            sent = time.time()
            try:
                acknowledged = await send_request(http, key, body)
            except ExchangeUnavailable:
                result.retries += 1
                await asyncio.sleep(0.2)
                continue
            result.requests.append(RequestTiming(sent, time.time(), per_request))
            position += per_request
            body = load_request(plan, acknowledged + 1, position)
        result.cpu_seconds = time.process_time() - cpu_started
    result.last_seq = acknowledged
    return result


WorkerReport = tuple[str, list[tuple[float, float, int]], int, int, float]  # LoadResult as plain data, for the queue


def load_worker(plan: LoadPlan, ready: Queue[str], go: Queue[float], results: Queue[WorkerReport]) -> None:
    """A bulk tenant's process: say it is ready, wait for the start time, send, hand back what it did."""
    ready.put(plan.province)
    start_at = go.get()
    done = asyncio.run(send_load(plan, start_at))
    timings = [(request.sent, request.acknowledged, request.events) for request in done.requests]
    results.put((done.province, timings, done.retries, done.last_seq, done.cpu_seconds))


def load_result(report: WorkerReport) -> LoadResult:
    """A worker's report as a ``LoadResult``."""
    province, timings, retries, last_seq, cpu = report
    return LoadResult(province, [RequestTiming(*timing) for timing in timings], retries, last_seq, cpu)


def window_rates(results: Sequence[LoadResult], start_at: float, windows: int, seconds: float) -> list[float]:
    """Events/s of each window: a request's events spread evenly over its time in flight."""
    per_window = [0.0] * windows
    for result in results:
        for request in result.requests:
            span = max(request.acknowledged - request.sent, 1e-9)
            for window in range(windows):
                low, high = start_at + window * seconds, start_at + (window + 1) * seconds
                overlap = min(high, request.acknowledged) - max(low, request.sent)
                if overlap > 0:
                    per_window[window] += request.events * overlap / span
    return [events / seconds for events in per_window]


# -- lag probes (real node tenants and relays) -------------------------------------------------------------------


@dataclass
class Probe:
    """A node tenant of a lag province: its database, relay and writer connection."""

    province: str
    tenant: Tenant
    relay: OutboxRelay
    tokens: Iterator[str]
    database_url: str
    written: dict[int, str] = field(default_factory=dict)  # outbox row id -> phase

    async def write(self, connection: psycopg.AsyncConnection[Any], rate: float, until: float, phase: str) -> None:
        """Commit one registration into the outbox every ``1 / rate`` s until ``until`` (monotonic clock)."""
        next_at = time.monotonic()
        while next_at < until:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            event = registration(next(self.tokens), self.province, len(self.written))
            cursor = await connection.execute(_INSERT_OUTBOX, (Jsonb({"events": [event]}),))
            row = await cursor.fetchone()
            assert row is not None
            self.written[int(row[0])] = phase
            next_at += 1 / rate


def open_probe(url: str, database_url: str, province: str, key: PeerKey, relay_interval: float) -> Tenant:
    """The node tenant of ``province`` on ``database_url``, linked to the exchange (the node's default timeout)."""
    secret = secrets.token_bytes(32)
    tenant_settings = TenantSettings(
        province=province,
        profile=profile("national"),
        database_url=sqlalchemy_url(database_url),
        data_key=derive_key(secret, f"pii:{province}"),
        token_key=derive_key(secret, f"login-token:{province}"),
    )
    linked = ExchangeSettings(url=url, key=key, relay_interval=relay_interval)
    settings = NodeSettings(tenants=(tenant_settings,), national_key=NationalKey(secret), exchange=linked)
    return open_tenant(tenant_settings, settings)


async def claimed_tokens(tenant: Tenant, count: int) -> list[str]:
    """``count`` fresh tokens claimed by the tenant's province (as a registration does first)."""
    assert tenant.exchange is not None
    tokens = fresh_tokens(count)
    answers = await tenant.exchange.claim(tenant.province, tokens)
    if any(answer.outcome is not ClaimOutcome.GRANTED for answer in answers.values()):
        raise RuntimeError("a probe token was not granted")
    return tokens


async def write_probes(
    probes: Sequence[Probe], connections: Sequence[psycopg.AsyncConnection[Any]], rate: float, until: float, phase: str
) -> None:
    """Every probe writes at ``rate`` until ``until``, concurrently."""
    await asyncio.gather(
        *(probe.write(connection, rate, until, phase) for probe, connection in zip(probes, connections, strict=True))
    )


@contextlib.asynccontextmanager
async def running_probes(
    url: str, keys: dict[str, PeerKey], node_urls: dict[str, str], relay_interval: float, rows_each: int
) -> AsyncIterator[tuple[list[Probe], list[psycopg.AsyncConnection[Any]]]]:
    """The lag provinces' node tenants, each with ``rows_each`` tokens claimed, its relay running and a writer
    connection; all stopped and closed on the way out (their relays' state kept in the probes)."""
    probes = []
    for province in PROBE_PROVINCES:
        tenant = open_probe(url, node_urls[province], province, keys[province], relay_interval)
        assert tenant.exchange is not None
        tokens = await claimed_tokens(tenant, rows_each)
        relay = OutboxRelay(tenant, tenant.exchange, interval=relay_interval)
        probes.append(Probe(province, tenant, relay, iter(tokens), node_urls[province]))
    relays = [asyncio.create_task(probe.relay.run()) for probe in probes]
    connections = [await psycopg.AsyncConnection.connect(probe.database_url, autocommit=True) for probe in probes]
    try:
        yield probes, connections
    finally:
        for task in relays:
            task.cancel()
        await asyncio.gather(*relays, return_exceptions=True)
        for connection in connections:
            await connection.close()
        for probe in probes:
            await probe.tenant.aclose()


async def drained(probes: Sequence[Probe], timeout: float) -> bool:
    """Wait until every probe row is acknowledged (True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        unsent = 0
        for probe in probes:
            async with await psycopg.AsyncConnection.connect(probe.database_url) as connection:
                cursor = await connection.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                row = await cursor.fetchone()
                unsent += int(row[0]) if row else 0
        if not unsent:
            return True
        await asyncio.sleep(0.5)
    return False


async def lags(probes: Sequence[Probe]) -> dict[str, list[float]]:
    """Seconds from outbox commit to acknowledgement of every probe row, by phase (unsent rows left out)."""
    found: dict[str, list[float]] = {}
    for probe in probes:
        async with await psycopg.AsyncConnection.connect(probe.database_url) as connection:
            cursor = await connection.execute(_LAGS, (list(probe.written),))
            for row_id, seconds in await cursor.fetchall():
                if seconds is not None:
                    found.setdefault(probe.written[row_id], []).append(float(seconds))
    return found


# -- the run -----------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """Everything measured, for the table."""

    claim_rates: list[float] = field(default_factory=list)
    claims_cpu: tuple[float, float] = (0.0, 0.0)  # cores busy: exchange, PostgreSQL
    claims_cpu_seconds: tuple[float, float] = (0.0, 0.0)
    event_rates: list[float] = field(default_factory=list)
    events_total: int = 0
    events_seconds: float = 0.0
    events_cpu: tuple[float, float] = (0.0, 0.0)
    events_cpu_seconds: tuple[float, float] = (0.0, 0.0)
    request_seconds: list[float] = field(default_factory=list)
    retries: int = 0
    load_cpu_seconds: float = 0.0  # the bulk tenants' processes, all three
    lag: dict[str, list[float]] = field(default_factory=dict)
    probes_written: dict[str, int] = field(default_factory=dict)
    relay_failures: int = 0


async def lag_and_load(
    args: argparse.Namespace,
    url: str,
    keys: dict[str, PeerKey],
    node_urls: dict[str, str],
    plans: list[LoadPlan],
    cpu: CpuMeter,
    figures: Figures,
) -> None:
    """Start the bulk tenants' processes and the probe relays; probe idle, then under the load; collect."""
    context = multiprocessing.get_context("spawn")
    ready: Queue[str] = context.Queue()
    go: Queue[float] = context.Queue()
    results: Queue[WorkerReport] = context.Queue()
    workers = [context.Process(target=load_worker, args=(plan, ready, go, results)) for plan in plans]
    for worker in workers:
        worker.start()
    needed = int(args.probe_rate * (args.idle_seconds + args.event_rounds * args.round_seconds)) + 10
    try:
        async with running_probes(url, keys, node_urls, args.relay_interval, needed) as (probes, connections):
            for _ in workers:
                await asyncio.to_thread(ready.get, True, 120)
            idle_until = time.monotonic() + args.idle_seconds
            await write_probes(probes, connections, args.probe_rate, idle_until, "idle")
            await drained(probes, 30)
            load_seconds = args.event_rounds * args.round_seconds
            start_at = time.time() + 0.5
            for _ in workers:
                go.put(start_at)
            await asyncio.sleep(0.5)
            cpu.start()
            load_until = time.monotonic() + load_seconds
            await write_probes(probes, connections, args.probe_rate, load_until, "load")
            done = [load_result(await asyncio.to_thread(results.get, True, load_seconds + 300)) for _ in workers]
            figures.events_cpu, figures.events_cpu_seconds = cpu.cores(), cpu.seconds()
            if not await drained(probes, 60):
                print("  (some probe rows were still unsent 60 s after the load: left out of the lag)")
    finally:
        for worker in workers:
            worker.join(timeout=30)
    figures.relay_failures = sum(probe.relay.state.failures for probe in probes)
    figures.event_rates = window_rates(done, start_at, args.event_rounds, args.round_seconds)
    requests = [request for result in done for request in result.requests]
    figures.events_total = sum(request.events for request in requests)
    figures.events_seconds = max(request.acknowledged for request in requests) - start_at if requests else 0.0
    figures.request_seconds = [request.acknowledged - request.sent for request in requests]
    figures.retries = sum(result.retries for result in done)
    figures.load_cpu_seconds = sum(result.cpu_seconds for result in done)
    figures.lag = await lags(probes)
    figures.probes_written = {
        phase: sum(1 for probe in probes for written in probe.written.values() if written == phase)
        for phase in ("idle", "load")
    }


def check_exchange(exchange_url: str) -> str:
    """A summary of what the exchange holds, read from its database."""
    with psycopg.connect(exchange_url) as connection:
        progress = connection.execute(
            "SELECT province, acknowledged, events_applied FROM province_progress ORDER BY province"
        ).fetchall()
        open_conflicts = connection.execute("SELECT count(*) FROM conflict WHERE resolved_at IS NULL").fetchone()
        members = connection.execute("SELECT coalesce(sum(members), 0) FROM tally WHERE dimension = 'total'").fetchone()
        counted = connection.execute(
            "SELECT count(*) FROM identity WHERE status IN ('active', 'retired', 'reserved', 'transferring_out')"
        ).fetchone()
    listed = ", ".join(f"{province}: seq {seq:,}, {events:,} events" for province, seq, events in progress)
    conflicts = open_conflicts[0] if open_conflicts else "?"
    totals = f"tally total {members[0] if members else '?':,} = counted rows {counted[0] if counted else '?':,}"
    return f"{listed}; open conflicts {conflicts}; {totals}"


def print_table(args: argparse.Namespace, figures: Figures) -> None:
    """The figures against the targets."""
    claims = median(figures.claim_rates)
    events = median(figures.event_rates)
    total_rate = figures.events_total / figures.events_seconds if figures.events_seconds else 0.0
    idle, load = figures.lag.get("idle", []), figures.lag.get("load", [])
    rounds = ", ".join(f"{rate:,.0f}" for rate in figures.claim_rates)
    windows = ", ".join(f"{rate:,.0f}" for rate in figures.event_rates)
    print()
    print(f"{'figure':<44} {'median':>12}   {'target':<12} {'':<7} rounds / detail")
    print(f"{'claims/s, batches of 1,000, 3 provinces':<44} {claims:>12,.0f}   {'>= 50,000':<12} "
          f"{verdict(claims >= TARGET_CLAIMS_PER_SECOND):<7} {rounds}")  # fmt: skip
    print(f"{'events/s ingested, 3 tenants':<44} {events:>12,.0f}   {'>= 20,000':<12} "
          f"{verdict(events >= TARGET_EVENTS_PER_SECOND):<7} {windows}; total {figures.events_total:,} "
          f"in {figures.events_seconds:.1f} s = {total_rate:,.0f}/s")  # fmt: skip
    print(f"{'lag p50 / p99 under load (s)':<44} {percentile(load, 0.5):>5.3f} / {percentile(load, 0.99):.3f}   "
          f"{'p99 < 1 s':<12} {verdict(percentile(load, 0.99) < TARGET_LAG_P99_SECONDS):<7} "
          f"{len(load)} of {figures.probes_written.get('load', 0)} rows, max {max(load, default=0):.3f} s")  # fmt: skip
    print(f"{'lag p50 / p99 exchange idle (s)':<44} {percentile(idle, 0.5):>5.3f} / {percentile(idle, 0.99):.3f}   "
          f"{'':<12} {'':<7} {len(idle)} of {figures.probes_written.get('idle', 0)} rows, "
          f"relay interval {args.relay_interval} s")  # fmt: skip
    request = figures.request_seconds
    print(f"events request ({args.batches_per_request} x {args.batch_events} events) p50 / p99: "
          f"{percentile(request, 0.5):.2f} / {percentile(request, 0.99):.2f} s; 503 retries {figures.retries}; "
          f"relay failures {figures.relay_failures}")  # fmt: skip
    print(f"CPU, cores busy (exchange process / PostgreSQL): claims {figures.claims_cpu[0]:.2f} / "
          f"{figures.claims_cpu[1]:.2f}; events {figures.events_cpu[0]:.2f} / {figures.events_cpu[1]:.2f}")  # fmt: skip
    claims = len(figures.claim_rates) * args.claim_requests * CLAIMS_PER_REQUEST * len(LOAD_PROVINCES)
    per_claim = [1e6 * seconds / max(claims, 1) for seconds in figures.claims_cpu_seconds]
    probes = sum(figures.probes_written.values())
    per_event = [1e6 * seconds / max(figures.events_total + probes, 1) for seconds in figures.events_cpu_seconds]
    print(f"CPU per item (exchange process / PostgreSQL; steadier than rates on a shared machine): "
          f"{per_claim[0]:.1f} / {per_claim[1]:.1f} µs per claim; "
          f"{per_event[0]:.1f} / {per_event[1]:.1f} µs per event")  # fmt: skip
    per_load_event = 1e6 * figures.load_cpu_seconds / max(figures.events_total, 1)
    print(f"CPU of the three bulk tenants' processes (standing in for nodes on other machines): "
          f"{per_load_event:.1f} µs per event")  # fmt: skip


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claim-rounds", type=int, default=5, help="rounds of claims (default 5)")
    parser.add_argument("--claim-requests", type=int, default=20, help="requests of 1,000 per province per round")
    parser.add_argument("--event-rounds", type=int, default=3, help="windows of the event load (default 3)")
    parser.add_argument("--round-seconds", type=float, default=10.0, help="seconds per window (default 10)")
    parser.add_argument(
        "--batches-per-request",
        type=int,
        default=EVENTS_PER_REQUEST // BATCH_EVENTS,
        help=f"batches per events request (default: the relay's largest request at {BATCH_EVENTS} events a batch)",
    )
    parser.add_argument(
        "--batch-events", type=int, default=BATCH_EVENTS, help=f"events per batch (default {BATCH_EVENTS})"
    )
    parser.add_argument("--probe-rate", type=float, default=10.0, help="probe rows/s per lag tenant (default 10)")
    parser.add_argument("--idle-seconds", type=float, default=5.0, help="lag probing before the load (default 5)")
    parser.add_argument("--relay-interval", type=float, default=0.2, help="relay poll when idle (default 0.2 s)")
    return parser.parse_args()


def host_speed() -> float:
    """CPU ms of a fixed pure-Python loop (5,000,000 additions), best of three: the host's speed when the bench ran.

    The same code gives rates a third apart on this shared machine from one hour to the next; this figure, printed
    with the rates, is a first sign of a slow host. Only a first sign: a loop in one core's cache misses contention
    that slows PostgreSQL's work over many pages (bench/README.md, "Exchange sync"); the CPU per item is the gauge.
    """
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for number in range(5_000_000):
            total += number
        best = min(best, time.process_time() - started)
    return 1000 * best


def main() -> None:
    """Set up, measure claims, then events and lag; print the table; drop the databases and stop PostgreSQL."""
    args = parse_args()
    figures = Figures()
    print(f"exchange sync, Python {platform.python_version()}, {os.cpu_count()} CPUs, {china_today()}, "
          f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; host speed: {host_speed():.0f} ms CPU "
          "for the reference loop (lower is faster)")  # fmt: skip
    try:
        with running_exchange((*LOAD_PROVINCES, *PROBE_PROVINCES)) as stage:
            exchange, keys, cpu = stage.exchange, stage.keys, stage.cpu
            assert exchange.process is not None
            print(f"exchange at {exchange.url} (pid {exchange.process.pid}), PostgreSQL pid {cpu.server.pid}")

            load_keys = {province: keys[province] for province in LOAD_PROVINCES}
            cpu.start()
            figures.claim_rates, granted = asyncio.run(
                claims_phase(exchange.url, load_keys, args.claim_rounds, args.claim_requests)
            )
            figures.claims_cpu, figures.claims_cpu_seconds = cpu.cores(), cpu.seconds()
            print(f"claims: {sum(len(tokens) for tokens in granted.values()):,} granted; rounds "
                  + ", ".join(f"{rate:,.0f}/s" for rate in figures.claim_rates))  # fmt: skip

            plans = [
                LoadPlan(
                    exchange.url,
                    province,
                    keys[province].private_jwk(),
                    granted[province],
                    args.batches_per_request,
                    args.batch_events,
                    args.event_rounds * args.round_seconds,
                )
                for province in LOAD_PROVINCES
            ]
            asyncio.run(lag_and_load(args, exchange.url, keys, stage.node_urls, plans, cpu, figures))
            print(f"events: {figures.events_total:,} acknowledged; windows "
                  + ", ".join(f"{rate:,.0f}/s" for rate in figures.event_rates))  # fmt: skip
            print(f"exchange holds: {check_exchange(stage.exchange_database)}")
        print_table(args, figures)
    except (ExchangeRefused, ExchangeUnavailable) as exc:
        raise SystemExit(f"the exchange refused or failed: {exc}; see {LOG}") from exc


if __name__ == "__main__":
    main()
