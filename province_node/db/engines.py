"""Async engines and sessions of tenant databases (SQLAlchemy 2 with psycopg 3)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

POOL_SIZE = 10
MAX_OVERFLOW = 10


def statement_bound(statement_seconds: float | None) -> dict[str, str]:
    """Connection arguments making PostgreSQL cancel any statement running past ``statement_seconds``
    (``QueryCanceled``); none for ``None``."""
    if statement_seconds is None:
        return {}
    return {"options": f"-c statement_timeout={round(statement_seconds * 1000)}"}


def tenant_engine(
    database_url: str,
    *,
    pool_size: int = POOL_SIZE,
    max_overflow: int = MAX_OVERFLOW,
    statement_seconds: float | None = None,
) -> AsyncEngine:
    """A pooled engine for one tenant database; with ``statement_seconds``, PostgreSQL cancels any statement
    of its connections that runs longer (``QueryCanceled``)."""
    connect_args = {"application_name": "unionfed-node", **statement_bound(statement_seconds)}
    return create_async_engine(
        database_url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True, connect_args=connect_args
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (responses are built after writes)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
