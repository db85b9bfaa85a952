"""The exchange's CPU per event in each stage of an events request, measured in one process, off the network.

``bench/exchange_sync.py`` gives the exchange's whole CPU per event under load; this script splits it, so that a
change to one stage can be measured without the host's swings between two end-to-end runs. It builds the
requests of that bench's load (125 batches x 40 events, ``load_request``) and times, with ``time.process_time``,
the median of ``--repeats`` runs of:

1. **read and check** — the body read into checked events as the service reads it (``bulk_bodies.events_request``:
   msgspec's typed decoding, then the checks across fields), and, for comparison, as ``wire``'s checks read a body
   the typed decoding refuses: **read** (``wire.parse_json``) then **check** (``wire.events_request``);
2. **decide** — the events applied to the locked rows in memory and the writes prepared (``store.events``'s
   ``_decide``), for first visits (claimed rows made active: every row added to the tally) and for later visits
   (active rows changed: the tally moved from the old row to the new);
3. **tokens to PostgreSQL** — the CPU of the exchange (client) and of the server to send one request's 5,000
   tokens to a statement, as a ``bytea[]`` of 5,000 elements (psycopg's list dumper) and packed in one ``bytea``
   (``store.tokens.packed``), cut into rows (``TOKEN_ROWS``) or into an array (``TOKEN_ARRAY``); the median
   client CPU and the mean server CPU of 300 statements each. Needs the embedded PostgreSQL
   (``.data/bench-postgres``).

The collector runs with the services' thresholds (``unionfed.serving.COLLECTION_THRESHOLDS``); the collections
during the stages are counted.

    .venv/bin/python bench/exchange_stages.py [--repeats 15] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import gc
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Final

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repository, for ``bench``
from bench.exchange_sync import LoadPlan, load_request  # the load of the end-to-end bench
from exchange.service import bulk_bodies, wire
from exchange.service.store.events import _decide  # the stage itself, private to the store
from exchange.service.store.tokens import TOKEN_ARRAY, TOKEN_ROWS, packed, stored
from unionfed.postgres import EmbeddedPostgres
from unionfed.serving import COLLECTION_THRESHOLDS

REPO: Final = Path(__file__).resolve().parents[1]
PROVINCE: Final = "43"
PEOPLE: Final = 5_000  # one request's worth: every event of a request is a different person
POSTGRES_REPEATS: Final = 300  # the server's CPU is read in clock ticks (10 ms): many statements per reading
_CLAIMED: Final = ("claimed", *([None] * 9))
_ACTIVE: Final = ("active", "1", 1980, "20", "01", "1", None, "6", "1", "05")
_AS_ARRAY: Final = "SELECT count(*) FROM unnest(%b::bytea[]) AS wanted(token)"
_AS_ROWS: Final = f"SELECT count(*) FROM {TOKEN_ROWS} AS wanted"  # noqa: S608 - a constant
_AS_ARRAY_OF_PACKED: Final = f"SELECT count(*) FROM unnest({TOKEN_ARRAY}) AS wanted(token)"  # noqa: S608


def cpu_per_event(work: Callable[[], object], events: int, repeats: int) -> float:
    """Median CPU µs per event of ``work`` over ``repeats`` runs."""
    runs = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        runs.append(time.process_time() - started)
    return 1e6 * statistics.median(runs) / events


def request_body(tokens: Sequence[str], visit: int) -> bytes:
    """The body of the load's request that visits every person of ``tokens`` for the ``visit``-th time."""
    plan = LoadPlan("", PROVINCE, {}, list(tokens), 125, 40, 0.0)
    return load_request(plan, 1, visit * len(tokens))


def stage_figures(repeats: int) -> list[tuple[str, float]]:
    """(stage, CPU µs per event) of reading, checking and deciding one request."""
    tokens = sorted(secrets.token_hex(32) for _ in range(PEOPLE))
    figures = []
    body = request_body(tokens, 0)
    document = wire.parse_json(body)
    figures.append(
        ("read and check (bulk_bodies)", cpu_per_event(lambda: bulk_bodies.events_request(body), PEOPLE, repeats))
    )
    figures.append(("wire's checks: read (JSON)", cpu_per_event(lambda: wire.parse_json(body), PEOPLE, repeats)))
    figures.append(("wire's checks: check", cpu_per_event(lambda: wire.events_request(document), PEOPLE, repeats)))
    for visit, row, label in ((0, _CLAIMED, "first visits"), (1, _ACTIVE, "later visits")):
        batches = bulk_bodies.events_request(request_body(tokens, visit)).batches
        records = [(token, PROVINCE, *row) for token in tokens]
        decide = partial(_decide, records, [], batches)
        figures.append((f"decide, {label}", cpu_per_event(decide, PEOPLE, repeats)))
    return figures


def token_figures() -> list[tuple[str, float, float]]:
    """(how, client µs, server µs) per token of sending one request's tokens to a statement."""
    server = EmbeddedPostgres(REPO / ".data" / "bench-postgres")
    server.start()
    tokens = sorted(secrets.token_hex(32) for _ in range(PEOPLE))
    ways: list[tuple[str, str, Callable[[], Any]]] = [
        ("bytea[] of 5,000 elements", _AS_ARRAY, lambda: stored(tokens)),
        ("packed, as rows (TOKEN_ROWS)", _AS_ROWS, lambda: packed(tokens)),
        ("packed, as an array (TOKEN_ARRAY)", _AS_ARRAY_OF_PACKED, lambda: packed(tokens)),
    ]
    figures = []
    try:
        with psycopg.connect(server.url(), autocommit=True) as connection:
            for how, statement, parameter in ways:
                client, postgres = [], []
                for _ in range(POSTGRES_REPEATS):
                    server_before, started = server.cpu_seconds(), time.process_time()
                    (count,) = connection.execute(statement, (parameter(),)).fetchone() or (0,)
                    client.append(time.process_time() - started)
                    postgres.append(server.cpu_seconds() - server_before)
                    assert count == PEOPLE, f"{how}: {count} tokens arrived"
                postgres_mean = sum(postgres) / POSTGRES_REPEATS
                figures.append((how, 1e6 * statistics.median(client) / PEOPLE, 1e6 * postgres_mean / PEOPLE))
    finally:
        if server.started_here:
            server.stop()
    return figures


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="runs of each stage (default 15)")
    parser.add_argument("--skip-postgres", action="store_true", help="leave out the token parameters")
    args = parser.parse_args()
    gc.set_threshold(*COLLECTION_THRESHOLDS)
    collections_before = sum(generation["collections"] for generation in gc.get_stats())
    print(f"exchange stages, one request of {PEOPLE:,} events (125 x 40), median of {args.repeats} runs")
    for stage, micros in stage_figures(args.repeats):
        print(f"  {stage:<36} {micros:6.2f} µs CPU per event")
    collections = sum(generation["collections"] for generation in gc.get_stats()) - collections_before
    print(f"  collections during the stages: {collections} (thresholds {COLLECTION_THRESHOLDS})")
    if not args.skip_postgres:
        print(f"tokens to PostgreSQL, {PEOPLE:,} in one statement")
        for how, client, postgres in token_figures():
            print(f"  {how:<36} {client:6.2f} µs exchange, {postgres:5.2f} µs PostgreSQL CPU per token")


if __name__ == "__main__":
    main()
