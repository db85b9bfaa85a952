"""Configuration of the exchange process, read once from the environment.

    UNIONFED_EXCHANGE_DATABASE_URL   the exchange's database (``postgresql://...``)
    DATABASE_URL                     else: the PostgreSQL server; the exchange uses its database
                                     ``unionfed_exchange``
    UNIONFED_EXCHANGE_POOL_SIZE      database connections kept open (default 8)
    UNIONFED_EXCHANGE_PEER_CACHE     seconds a peer's registry entry is cached (default 10): a revoked
                                     peer is refused at most that long after ``peers revoke``

Settings are plain data; nothing connects to anything when they are read.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from unionfed.environment_settings import SettingsError as SettingsError
from unionfed.environment_settings import number_setting
from unionfed.postgres import libpq_url

DATABASE_NAME: Final = "unionfed_exchange"
LARGEST_REQUEST_BYTES: Final = 16 * 1024**2


@dataclass(frozen=True, slots=True)
class ExchangeSettings:
    """Everything an exchange process needs to know."""

    database_url: str  # libpq form, ``postgresql://``
    pool_size: int = 8
    peer_cache_seconds: float = 10.0
    largest_request_bytes: int = LARGEST_REQUEST_BYTES


def exchange_database_url(server_url: str) -> str:
    """The URL of the exchange's database on the server of ``server_url``."""
    parts = urllib.parse.urlsplit(libpq_url(server_url))
    return urllib.parse.urlunsplit(parts._replace(path=f"/{DATABASE_NAME}"))


def exchange_settings(environ: Mapping[str, str]) -> ExchangeSettings:
    """Read the exchange's settings from ``environ``; ``SettingsError`` says what is wrong."""
    own = environ.get("UNIONFED_EXCHANGE_DATABASE_URL", "").strip()
    server = environ.get("DATABASE_URL", "").strip()
    if not own and not server:
        raise SettingsError("neither UNIONFED_EXCHANGE_DATABASE_URL nor DATABASE_URL is set")
    return ExchangeSettings(
        database_url=libpq_url(own) if own else exchange_database_url(server),
        pool_size=int(number_setting(environ, "UNIONFED_EXCHANGE_POOL_SIZE", "8", 1, 100)),
        peer_cache_seconds=number_setting(environ, "UNIONFED_EXCHANGE_PEER_CACHE", "10", 0, 300),
    )
