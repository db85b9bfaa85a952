"""Alembic environment for a tenant database. ``province_node.db.migrate`` passes the connection in."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from province_node.db.tables import Base

connection: Connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
