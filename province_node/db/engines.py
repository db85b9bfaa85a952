"""Async engines and sessions of tenant databases (SQLAlchemy 2 with psycopg 3)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

POOL_SIZE = 10
MAX_OVERFLOW = 10


def tenant_engine(database_url: str, *, pool_size: int = POOL_SIZE, max_overflow: int = MAX_OVERFLOW) -> AsyncEngine:
    """A pooled engine for one tenant database."""
    return create_async_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        connect_args={"application_name": "unionfed-node"},
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (responses are built after writes)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
