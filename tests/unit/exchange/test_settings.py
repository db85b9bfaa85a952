"""The exchange reads its settings from the environment."""

from __future__ import annotations

import pytest

from exchange.service.settings import SettingsError, exchange_settings


def test_the_exchange_database_defaults_to_unionfed_exchange_on_the_database_server() -> None:
    settings = exchange_settings({"DATABASE_URL": "postgresql+psycopg://u:p@db:5432/postgres"})
    assert settings.database_url == "postgresql://u:p@db:5432/unionfed_exchange"


def test_an_own_database_url_wins() -> None:
    environ = {"DATABASE_URL": "postgresql://db/postgres", "UNIONFED_EXCHANGE_DATABASE_URL": "postgresql://x/ex"}
    assert exchange_settings(environ).database_url == "postgresql://x/ex"


def test_without_any_database_the_settings_say_which_variables_to_set() -> None:
    with pytest.raises(SettingsError, match="UNIONFED_EXCHANGE_DATABASE_URL"):
        exchange_settings({})


def test_a_pool_size_out_of_range_is_refused() -> None:
    with pytest.raises(SettingsError, match="UNIONFED_EXCHANGE_POOL_SIZE"):
        exchange_settings({"DATABASE_URL": "postgresql://db/postgres", "UNIONFED_EXCHANGE_POOL_SIZE": "0"})
