"""The embedded PostgreSQL: started from the wheel, reused, stopped, replaced by ``DATABASE_URL``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from unionfed.postgres import TEST_SETTINGS, EmbeddedPostgres, EmbeddedPostgresError, server_url, with_database

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def server_folder() -> Iterator[Path]:
    folder = REPO / ".data" / f"test-{uuid.uuid4().hex[:8]}"
    yield folder
    EmbeddedPostgres(folder, settings=TEST_SETTINGS).remove()


def test_a_server_starts_from_an_empty_folder_with_ltree_and_trigrams(server_folder: Path) -> None:
    with EmbeddedPostgres(server_folder, settings=TEST_SETTINGS) as server, psycopg.connect(server.url()) as db:
        db.execute("CREATE EXTENSION ltree")
        db.execute("CREATE EXTENSION pg_trgm")
        version = db.execute("SHOW server_version_num").fetchone()
        path_match = db.execute("SELECT 'a.b.c'::ltree <@ 'a.b'::ltree").fetchone()
        similar = db.execute("SELECT similarity('武汉市总工会', '武汉总工会') > 0.3").fetchone()
    assert version is not None
    assert int(version[0]) >= 180000
    assert path_match == (True,)
    assert similar == (True,)


def test_a_running_server_is_reused_and_left_running_by_the_second_user(server_folder: Path) -> None:
    first = EmbeddedPostgres(server_folder, settings=TEST_SETTINGS)
    first.start()
    with EmbeddedPostgres(server_folder, settings=TEST_SETTINGS) as second:
        assert not second.started_here
        assert second.port == first.port
    assert first.is_running()
    first.stop()
    assert not first.is_running()


def test_a_stopped_server_keeps_its_data_for_the_next_start(server_folder: Path) -> None:
    with EmbeddedPostgres(server_folder, settings=TEST_SETTINGS) as server, psycopg.connect(server.url()) as db:
        db.execute("CREATE TABLE kept (n int)")
        db.execute("INSERT INTO kept VALUES (42)")
    with EmbeddedPostgres(server_folder, settings=TEST_SETTINGS) as server, psycopg.connect(server.url()) as db:
        assert db.execute("SELECT n FROM kept").fetchone() == (42,)


def test_database_url_replaces_the_embedded_server() -> None:
    assert server_url({"DATABASE_URL": "postgresql://u@db.example/x"}, None) == "postgresql://u@db.example/x"


def test_without_database_url_or_embedded_server_the_error_says_so() -> None:
    with pytest.raises(EmbeddedPostgresError, match="DATABASE_URL"):
        server_url({}, None)


def test_with_database_keeps_credentials_and_options() -> None:
    url = "postgresql://user:secret@host:5432/postgres?sslmode=require"
    assert with_database(url, "p42") == "postgresql://user:secret@host:5432/p42?sslmode=require"


def test_each_test_gets_its_own_database(database_url: str) -> None:
    with psycopg.connect(database_url) as db:
        db.execute("CREATE TABLE only_here (n int)")
        name = db.execute("SELECT current_database()").fetchone()
    assert name is not None
    assert name[0].startswith("test_")


def test_another_test_does_not_see_the_first_ones_tables(database_url: str) -> None:
    with psycopg.connect(database_url) as db:
        found = db.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'").fetchone()
    assert found == (0,)


def test_the_cpu_of_a_session_that_ended_stays_in_the_servers_count(server_folder: Path) -> None:
    with EmbeddedPostgres(server_folder, settings=TEST_SETTINGS) as server:
        before = server.cpu_seconds()
        with psycopg.connect(server.url()) as db:  # a backend of its own, ended when the connection closes
            db.execute("SELECT count(*) FROM generate_series(1, 10000000)")
        after = server.cpu_seconds()
        assert server.pid > 0
    assert after - before >= 0.1  # ten million rows: well over a tenth of a second of CPU on any machine
