"""Fixtures shared by every test: one real PostgreSQL per pytest run, one fresh database per test.

The server is the embedded one, started in ``.data/pytest-<pid>`` with durability switched off for
speed and removed at the end, or the server named by ``DATABASE_URL`` when that is set (its user needs
CREATEDB). Each test that asks for ``database_url`` gets its own database cloned from a template, so
tests never see each other's rows and need no cleanup.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from province_node.db import migrate
from province_node.settings import sqlalchemy_url
from unionfed.postgres import TEST_SETTINGS, EmbeddedPostgres, with_database

REPO = Path(__file__).resolve().parents[1]
TEMPLATE_DATABASE = "unionfed_test_template"
TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URL of the server's maintenance database (``postgres``) for this pytest run."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    server = EmbeddedPostgres(REPO / ".data" / f"pytest-{os.getpid()}", settings=TEST_SETTINGS)
    server.start()
    try:
        yield server.url()
    finally:
        server.remove()


@pytest.fixture(scope="session")
def template_database(postgres_server: str) -> str:
    """Name of the template every test database is cloned from: the province schema, migrated once."""
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{TEMPLATE_DATABASE}"')
    migrate.upgrade(sqlalchemy_url(with_database(postgres_server, TEMPLATE_DATABASE)))
    return TEMPLATE_DATABASE


@pytest.fixture
def database_url(postgres_server: str, template_database: str) -> Iterator[str]:
    """URL of a migrated database of this test's own, dropped afterwards."""
    with cloned_database(postgres_server, template_database) as url:
        yield url


@contextlib.contextmanager
def cloned_database(server: str, template: str) -> Iterator[str]:
    """A fresh database cloned from ``template``, dropped on leaving."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield with_database(server, name)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def today() -> datetime.date:
    """A fixed "today" so date rules do not drift with the calendar."""
    return TODAY


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Async tests (``@pytest.mark.anyio``) run on asyncio, like the services."""
    return "asyncio"
