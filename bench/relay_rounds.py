"""What the steady trickle of a province's changes costs: the node's relay rounds and the exchange's small requests.

Most of the time a province sends a few events every fraction of a second, not the relay's largest requests
(``bench/exchange_sync.py`` measures those). This script measures the CPU a trickle costs, in two parts:

1. **Relay rounds** — three province nodes (44, 32, 51) as real tenants, each with the node's ``OutboxRelay``
   at its default 0.2 s, delivering to a real exchange process: CPU of this process (the three relays and
   the writers), of the exchange and of PostgreSQL (every database on the server: the nodes' and the
   exchange's) per round while nothing is written (``quiet``), then per row while a writer commits
   ``--rate`` registrations a second into each outbox, as ``bench/exchange_sync.py``'s lag probes do.
2. **Small requests** — ``--requests`` events requests of one batch of one event, sent one after another
   through the node's ``ExchangeClient``: CPU of the exchange, of PostgreSQL and of this process per request.

Each is run ``--rounds`` times; every figure of every run is printed (the host's speed swings: compare runs
made minutes apart, alternating).

    .venv/bin/python bench/relay_rounds.py [--rounds 2] [--seconds 10] [--rate 10] [--requests 100]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repository, for ``bench``
from bench.exchange_sync import (
    PROBE_PROVINCES,
    CpuMeter,
    client_of,
    fresh_tokens,
    registration,
    running_exchange,
    running_probes,
    write_probes,
)
from exchange.protocol.service_tokens import PeerKey
from province_node.exchange_link.relay import OutboxRelay

RELAY_INTERVAL = 0.2  # the node's default


@dataclass
class RoundCount:
    """Rounds the relays made, and how many of them found work."""

    rounds: int = 0
    busy: int = 0


def count_rounds(count: RoundCount) -> None:
    """Count every ``OutboxRelay.pass_once`` of this process (the relay itself unchanged)."""
    one_round = OutboxRelay.pass_once

    async def counted(relay: OutboxRelay) -> bool:
        busy = await one_round(relay)
        count.rounds += 1
        count.busy += busy
        return busy

    OutboxRelay.pass_once = counted  # type: ignore[method-assign,assignment]


async def measured(cpu: CpuMeter, work: Callable[[], Awaitable[object]]) -> tuple[float, float, float]:
    """CPU seconds of (this process, the exchange, PostgreSQL) while ``work`` runs."""
    cpu.start()
    own = time.process_time()
    await work()
    exchange, server = cpu.seconds()
    return time.process_time() - own, exchange, server


def per(cpu: tuple[float, float, float], items: int) -> str:
    """The three CPU figures in ms per item."""
    return " / ".join(f"{1000 * seconds / max(items, 1):.2f}" for seconds in cpu)


async def relay_rounds(url: str, keys: dict[str, PeerKey], node_urls: dict[str, str], cpu: CpuMeter,
                       args: argparse.Namespace) -> None:  # fmt: skip
    """Part 1: the relays quiet, then under a trickle of rows."""
    count = RoundCount()
    count_rounds(count)
    rows_each = int(args.rate * args.seconds * args.rounds) + 10
    async with running_probes(url, keys, node_urls, RELAY_INTERVAL, rows_each) as (probes, connections):
        await asyncio.sleep(2 * RELAY_INTERVAL)  # every relay has asked the exchange where it stands
        for run in range(1, args.rounds + 1):
            count.rounds = count.busy = 0
            used = await measured(cpu, lambda: asyncio.sleep(args.seconds))
            print(f"  run {run}, quiet: {count.rounds} rounds ({count.busy} busy); ms a round: "
                  f"{per(used, count.rounds)}")  # fmt: skip
            count.rounds = count.busy = 0
            until = time.monotonic() + args.seconds
            used = await measured(cpu, partial(write_probes, probes, connections, args.rate, until, "trickle"))
            rows = round(args.rate * args.seconds) * len(probes)
            print(f"  run {run}, {args.rate:g} rows/s each: {count.rounds} rounds ({count.busy} busy), {rows} rows; "
                  f"ms a row: {per(used, rows)}")  # fmt: skip


def one_event_batch(token: str, province: str, seq: int) -> dict[str, Any]:
    """A batch of one registration, with its digest as a relay sends it."""
    event = registration(token, province, seq)
    return {"seq": seq, "events": [event], "digest": hashlib.sha256(json.dumps([event]).encode()).hexdigest()}


async def small_requests(url: str, key: PeerKey, province: str, cpu: CpuMeter, args: argparse.Namespace) -> None:
    """Part 2: events requests of one event, one after another."""
    async with client_of(url, key) as client:
        tokens = fresh_tokens(args.requests * args.rounds + 10)
        await client.claim(province, tokens)
        seq = await client.progress(province)
        sent = iter(tokens)

        async def send(count: int) -> None:
            nonlocal seq
            for _ in range(count):
                seq += 1
                await client.send_events(province, [one_event_batch(next(sent), province, seq)])

        await send(10)  # the exchange's statements prepared on its connection
        for run in range(1, args.rounds + 1):
            used = await measured(cpu, lambda: send(args.requests))
            print(f"  run {run}: {args.requests} requests; ms a request: {per(used, args.requests)}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="runs of each part (default 2)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of each relay phase (default 10)")
    parser.add_argument("--rate", type=float, default=10.0, help="rows/s per tenant in the trickle (default 10)")
    parser.add_argument("--requests", type=int, default=100, help="small requests per run (default 100)")
    return parser.parse_args(argv)


def main() -> None:
    """Set up a server, an exchange and three node tenants; measure both parts; drop everything."""
    args = parse_args()
    with running_exchange(PROBE_PROVINCES) as stage:
        print(f"relay rounds of {len(PROBE_PROVINCES)} node tenants, every {RELAY_INTERVAL} s "
              "(CPU: this process / exchange / PostgreSQL)")  # fmt: skip
        asyncio.run(relay_rounds(stage.exchange.url, stage.keys, stage.node_urls, stage.cpu, args))
        print("events requests of one event, one after another (CPU: this process / exchange / PostgreSQL)")
        province = PROBE_PROVINCES[0]
        asyncio.run(small_requests(stage.exchange.url, stage.keys[province], province, stage.cpu, args))


if __name__ == "__main__":
    main()
