"""The exchange process: health, metrics, migrations, and the ``unionfed exchange`` command."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, make_url

from exchange.protocol.service_tokens import PeerKey
from exchange.service.db import migrate
from exchange.service.db.tables import IDENTITY_PARTITIONS, metadata
from tests.integration.exchange.conftest import PeerClient, event, person, query
from unionfed.cli import main
from unionfed.postgres import with_database


@pytest.fixture
def missing_database(postgres_server: str) -> Iterator[str]:
    """The URL of a database that does not exist yet (dropped afterwards if created)."""
    name = f"exchange_{uuid.uuid4().hex[:12]}"
    yield with_database(postgres_server, name)
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_before_bytes(missing_database: str) -> str:
    """A database migrated up to 0003, the last revision that stored tokens as hex."""
    migrate.create_database_if_missing(missing_database)
    migrate.upgrade(missing_database, "0003")
    return missing_database


@pytest.mark.anyio
async def test_health_says_ok_when_the_database_answers(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "ok")


@pytest.mark.anyio
async def test_metrics_count_events_batches_claims_and_verifications(hunan: PeerClient) -> None:
    await hunan.claim("43", [person(1), person(2)])
    await hunan.send_unclaimed("43", 1, event(person(1), "43"), event(person(2), "43"))
    await hunan.send_unclaimed("43", 1, event(person(1), "43"))
    await hunan.send_unclaimed("43", 5, event(person(1), "43"))
    await hunan.post("/v1/verifications", {"token": person(1), "purpose": "核查"})
    text = (await hunan.http.get("/metrics")).text
    assert 'unionfed_exchange_events_applied_total{province="43"} 2.0' in text
    for result in ("applied", "duplicate", "gap"):
        assert f'unionfed_exchange_batches_total{{province="43",result="{result}"}} 1.0' in text
    assert 'unionfed_exchange_claims_total{outcome="granted"} 2.0' in text
    assert 'unionfed_exchange_verifications_total{answer="member"} 1.0' in text


def test_migrating_a_missing_database_creates_it_and_reaches_the_head(missing_database: str) -> None:
    assert migrate.create_database_if_missing(missing_database)
    migrate.upgrade(missing_database)
    assert migrate.current_revision(missing_database) == migrate.head_revision()


def test_the_index_is_hash_partitioned(exchange_database_url: str) -> None:
    partitions = query(exchange_database_url, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'identity'::regclass")
    assert partitions == [(IDENTITY_PARTITIONS,)]


def test_index_pages_keep_room_for_updates_in_place(exchange_database_url: str) -> None:
    fillfactors = query(
        exchange_database_url,
        "SELECT DISTINCT array_to_string(c.reloptions, ',') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'identity'::regclass",
    )
    assert fillfactors == [("fillfactor=80",)]


@pytest.mark.anyio
async def test_tokens_are_stored_as_their_32_bytes(hunan: PeerClient, exchange_database_url: str) -> None:
    await hunan.claim("43", [person(1)])
    assert query(exchange_database_url, "SELECT octet_length(token), encode(token, 'hex') FROM identity") == [
        (32, person(1))
    ]


def test_tokens_written_as_hex_before_the_bytes_migration_keep_their_index_row_conflict_and_log(
    database_before_bytes: str,
) -> None:
    with psycopg.connect(database_before_bytes) as connection:
        connection.execute(
            "INSERT INTO identity (token, province, status, gender) VALUES (%s, '43', 'active', '1')", (person(1),)
        )
        connection.execute(
            "INSERT INTO conflict (token, holder, claimant, claimant_status, claimant_dimensions)"
            " VALUES (%s, '43', '42', 'active', '{}')",
            (person(1),),
        )
        connection.execute(
            "INSERT INTO verification_log (peer, token, purpose, member, province)"
            " VALUES ('node-hubei', %s, '核查', true, '43')",
            (person(1),),
        )
    migrate.upgrade(database_before_bytes)
    rows = "SELECT encode(token, 'hex'), province, status, gender FROM identity"
    assert query(database_before_bytes, rows) == [(person(1), "43", "active", "1")]
    assert query(database_before_bytes, "SELECT encode(token, 'hex') FROM conflict") == [(person(1),)]
    assert query(database_before_bytes, "SELECT encode(token, 'hex') FROM verification_log") == [(person(1),)]


def test_a_claim_committed_while_the_bytes_migration_waits_for_the_index_is_kept(database_before_bytes: str) -> None:
    database = make_url(database_before_bytes).database
    with psycopg.connect(database_before_bytes) as writer:
        writer.execute("INSERT INTO identity (token, province, status) VALUES (%s, '43', 'claimed')", (person(1),))
        migration = threading.Thread(target=migrate.upgrade, args=(database_before_bytes,))
        migration.start()
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s"
        deadline = time.monotonic() + 30
        while query(database_before_bytes, waiting, database) == [(0,)] and time.monotonic() < deadline:
            time.sleep(0.05)
        writer.commit()
    migration.join(timeout=60)
    assert query(database_before_bytes, "SELECT encode(token, 'hex'), status FROM identity") == [(person(1), "claimed")]


def test_the_table_definitions_and_the_migrated_database_agree(exchange_database_url: str) -> None:
    engine = create_engine(make_url(exchange_database_url).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "include_name": lambda name, kind, parent: not (kind == "table" and "identity_p" in (name or "")),
                },
            )
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_peers_are_added_listed_and_revoked_from_the_command_line(
    exchange_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNIONFED_EXCHANGE_DATABASE_URL", exchange_database_url)
    key_file = tmp_path / "node-hunan.jwk.json"
    key_file.write_text(json.dumps(PeerKey.generate("node-hunan").public_jwk()))
    add = ["exchange", "peers", "add", "--id", "node-hunan", "--kind", "node", "--provinces", "43,42"]
    assert main([*add, "--public-key-file", str(key_file)]) == 0
    assert main([*add, "--public-key-file", str(key_file)]) == 1  # the id is taken
    assert main(["exchange", "peers", "revoke", "--id", "node-hunan"]) == 0
    assert main(["exchange", "peers", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()[-1].split("\t")
    assert listed[:3] == ["node-hunan", "node", "42,43"]
    assert listed[4].startswith("revoked")


def test_a_node_without_provinces_is_not_registered(
    exchange_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNIONFED_EXCHANGE_DATABASE_URL", exchange_database_url)
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(PeerKey.generate("node-x").public_jwk()))
    assert (
        main(["exchange", "peers", "add", "--id", "node-x", "--kind", "node", "--public-key-file", str(key_file)]) == 2
    )


def test_the_migrate_command_prepares_the_database(missing_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONFED_EXCHANGE_DATABASE_URL", missing_database)
    assert main(["exchange", "migrate"]) == 0
    assert migrate.current_revision(missing_database) == migrate.head_revision()
