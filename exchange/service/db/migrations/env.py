"""Alembic environment for the exchange database. ``exchange.service.db.migrate`` passes the connection in."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from exchange.service.db.tables import metadata

connection: Connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
