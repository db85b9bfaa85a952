"""Alembic migrations of one service's database, as every service runs them: create the database if
missing, upgrade it to the head, say where it stands. The node and the exchange each have their own
``migrations`` folder and one ``Migrations`` over it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL, Connection


def _url(database_url: str) -> URL:
    """Either URL form (libpq's ``postgresql://`` or SQLAlchemy's) as SQLAlchemy connects with psycopg 3."""
    return make_url(database_url).set(drivername="postgresql+psycopg")


@dataclass(frozen=True, slots=True)
class Migrations:
    """The migrations in ``folder`` (an Alembic script directory)."""

    folder: Path

    def _config(self, connection: Connection | None = None) -> Config:
        config = Config()
        config.set_main_option("script_location", str(self.folder))
        if connection is not None:
            config.attributes["connection"] = connection
        return config

    def head_revision(self) -> str:
        """The revision the code expects the database to be at."""
        head = ScriptDirectory.from_config(self._config()).get_current_head()
        if head is None:
            raise RuntimeError(f"no migrations found in {self.folder}")
        return head

    def create_database_if_missing(self, database_url: str) -> bool:
        """Create the database of ``database_url`` on its server unless it exists; True when created."""
        url = _url(database_url)
        engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                exists = connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
                ).first()
                if exists:
                    return False
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
                return True
        finally:
            engine.dispose()

    def upgrade(self, database_url: str, revision: str = "head") -> None:
        """Run every migration the database has not had yet (up to ``revision``)."""
        engine = create_engine(_url(database_url))
        try:
            with engine.begin() as connection:
                command.upgrade(self._config(connection), revision)
        finally:
            engine.dispose()

    def current_revision(self, database_url: str) -> str | None:
        """The revision the database is at (``None`` for an empty database)."""
        engine = create_engine(_url(database_url))
        try:
            with engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        finally:
            engine.dispose()
