"""Migrations: an empty database reaches the head revision, the models agree with the migrated schema,
and the history and audit tables refuse to be rewritten."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from exchange.standard import temporary_code
from exchange.standard.checksums import uscc_check
from province_node.db import migrate
from province_node.db.tables import Base
from province_node.settings import sqlalchemy_url
from province_node.tenant import Tenant
from tests.integration.province_node.conftest import fetch
from tests.integration.province_node.world import World
from unionfed.postgres import with_database

TABLES = {
    "organisation",
    "unit",
    "organisation_unit",
    "member",
    "membership",
    "membership_event",
    "account",
    "audit_log",
    "outbox",
    "import_job",
    "identity_check",
    "statistics_change",
    "statistics_counted",
    "statistics_rollup",
    "statistics_dirty",
    "statistics_rollup_day",
}


@pytest.fixture
def missing_database(postgres_server: str) -> Iterator[str]:
    """The SQLAlchemy URL of a database that does not exist yet (dropped afterwards if created)."""
    name = f"empty_{uuid.uuid4().hex[:12]}"
    yield sqlalchemy_url(with_database(postgres_server, name))
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrating_a_missing_database_creates_it_and_reaches_the_head_revision(missing_database: str) -> None:
    assert migrate.create_database_if_missing(missing_database)
    assert migrate.current_revision(missing_database) is None
    migrate.upgrade(missing_database)
    assert migrate.current_revision(missing_database) == migrate.head_revision()


def test_temporary_codes_issued_before_0006_get_the_corrected_check_character(missing_database: str) -> None:
    migrate.create_database_if_missing(missing_database)
    migrate.upgrade(missing_database, "0005")
    union_code, unit_code = ("Z43" + f"{n:014d}" + uscc_check(f"43{n:014d}") for n in (7, 8))  # the old rule
    engine = create_engine(missing_database)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO organisation (path, name, org_level, union_type, credit_code) "
                     "VALUES ('1', '某工会', '6', '1', :code)"),
                {"code": union_code},
            )  # fmt: skip
            connection.execute(
                text("INSERT INTO unit (name, credit_code, organisation_id) "
                     "SELECT '某公司', :code, id FROM organisation"),
                {"code": unit_code},
            )  # fmt: skip
        migrate.upgrade(missing_database)
        with engine.connect() as connection:
            union = connection.execute(text("SELECT credit_code FROM organisation")).scalar_one()
            unit = connection.execute(text("SELECT credit_code FROM unit")).scalar_one()
    finally:
        engine.dispose()
    assert (union, unit) == (temporary_code("43", 7), temporary_code("43", 8))
    assert (union[:17], unit[:17]) == (union_code[:17], unit_code[:17])
    assert (union, unit) != (union_code, unit_code)


def test_dry_runs_that_ended_refused_before_0007_end_checked(missing_database: str) -> None:
    migrate.create_database_if_missing(missing_database)
    migrate.upgrade(missing_database, "0006")
    engine = create_engine(missing_database)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO organisation (path, name, org_level, union_type) "
                                    "VALUES ('1', '某工会', '6', '1')"))  # fmt: skip
            connection.execute(text("INSERT INTO account (username, password_hash, organisation_id, role) "
                                    "SELECT 'clerk', 'x', id, 'clerk' FROM organisation"))  # fmt: skip
            connection.execute(
                text("INSERT INTO import_job (file_name, mode, status, organisation_id, account_id) "
                     "SELECT f, m, 'refused', o.id, a.id FROM organisation o, account a, "
                     "(VALUES ('dry.xlsx', 'dry_run'), ('whole.xlsx', 'all_or_nothing')) AS j(f, m)")
            )  # fmt: skip
        migrate.upgrade(missing_database)
        with engine.connect() as connection:
            statuses: dict[str, str] = dict(connection.execute(text("SELECT file_name, status FROM import_job")).all())
    finally:
        engine.dispose()
    assert statuses == {"dry.xlsx": "checked", "whole.xlsx": "refused"}


def test_migrating_a_database_at_the_head_changes_nothing(database_url: str) -> None:
    url = sqlalchemy_url(database_url)
    assert not migrate.create_database_if_missing(url)
    migrate.upgrade(url)
    assert migrate.current_revision(url) == migrate.head_revision()


def test_a_migrated_database_has_every_table_of_the_models(database_url: str) -> None:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    assert {row[0] for row in rows} >= TABLES
    assert set(Base.metadata.tables) == TABLES


def test_the_models_and_the_migrated_database_agree(database_url: str) -> None:
    engine = create_engine(sqlalchemy_url(database_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("membership_event", "UPDATE membership_event SET reason = 'rewritten'"),
        ("membership_event", "DELETE FROM membership_event"),
        ("audit_log", "UPDATE audit_log SET action = 'rewritten'"),
        ("audit_log", "DELETE FROM audit_log"),
    ],
)
async def test_history_and_audit_rows_can_be_neither_changed_nor_removed(
    world: World, tenant: Tenant, database_url: str, table: str, statement: str
) -> None:
    before = await fetch(tenant, f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
    assert before, f"the world has no {table} rows to try"
    async with await psycopg.AsyncConnection.connect(database_url) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            await connection.execute(statement)
    assert await fetch(tenant, f"SELECT * FROM {table} ORDER BY id") == before  # noqa: S608


@pytest.mark.anyio
async def test_new_history_rows_can_still_be_added(world: World, database_url: str) -> None:
    member_id = world.furong_members[0].member.id
    async with await psycopg.AsyncConnection.connect(database_url) as connection:
        await connection.execute(
            "INSERT INTO membership_event (member_id, kind, occurred_on) VALUES (%s, 'updated', current_date)",
            (member_id,),
        )
        cursor = await connection.execute("SELECT count(*) FROM membership_event WHERE member_id = %s", (member_id,))
        assert await cursor.fetchone() == (2,)
