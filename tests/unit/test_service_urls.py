"""URLs of other unionfed services in the settings: https between machines, http only on this one."""

from __future__ import annotations

import pytest

from unionfed.environment_settings import SettingsError, service_url


@pytest.mark.parametrize(
    "given",
    ["http://127.0.0.1:8001", "http://localhost:8002/", "http://[::1]:8001", "https://exchange.acftu.example"],
)
def test_https_anywhere_and_http_on_this_machine_are_taken(given: str) -> None:
    assert service_url("UNIONFED_EXCHANGE_URL", given) == given.rstrip("/")


@pytest.mark.parametrize("given", ["http://10.0.0.5:8001", "http://exchange.acftu.example", "http://127.0.0.1.example"])
def test_plain_http_to_another_machine_is_refused(given: str) -> None:
    with pytest.raises(SettingsError, match="UNIONFED_EXCHANGE_URL must be an https URL"):
        service_url("UNIONFED_EXCHANGE_URL", given)


@pytest.mark.parametrize("given", ["ftp://127.0.0.1", "127.0.0.1:8001", "https://"])
def test_what_is_not_an_http_url_is_refused(given: str) -> None:
    with pytest.raises(SettingsError, match="must be an http"):
        service_url("UNIONFED_GATEWAY_NODES", given)
