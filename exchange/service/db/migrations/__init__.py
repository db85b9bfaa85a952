"""Alembic migrations of the exchange's database."""
