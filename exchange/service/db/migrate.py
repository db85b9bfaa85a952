"""Bringing the exchange database to the current schema: create it if missing, then run the migrations.

Functions take the database URL in either form (``postgresql://`` as libpq writes it, or SQLAlchemy's
``postgresql+psycopg://``).
"""

from __future__ import annotations

from pathlib import Path

from unionfed.schema_migrations import Migrations

MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATIONS = Migrations(MIGRATIONS)

head_revision = _MIGRATIONS.head_revision
create_database_if_missing = _MIGRATIONS.create_database_if_missing
upgrade = _MIGRATIONS.upgrade
current_revision = _MIGRATIONS.current_revision
