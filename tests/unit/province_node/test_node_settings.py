"""Node settings read from the environment: the statistics rollups' background fold interval, the exchange's URL."""

from __future__ import annotations

import secrets

import pytest

from province_node.settings import SettingsError, node_settings


def environment(**extra: str) -> dict[str, str]:
    return {
        "UNIONFED_TENANTS": "43:hunan",
        "UNIONFED_DATABASE_URL_43": "postgresql://127.0.0.1/unionfed_p43",
        "UNIONFED_NATIONAL_KEY": secrets.token_hex(32),
        "UNIONFED_NODE_SECRET": secrets.token_hex(32),
        **extra,
    }


def test_rollups_are_folded_in_the_background_every_five_seconds_by_default() -> None:
    assert node_settings(environment()).rollup_interval == 5.0


@pytest.mark.parametrize(("given", "interval"), [("0.5", 0.5), ("60", 60.0), ("off", None), ("0", None)])
def test_the_background_fold_interval_can_be_set_or_turned_off(given: str, interval: float | None) -> None:
    assert node_settings(environment(UNIONFED_ROLLUP_SECONDS=given)).rollup_interval == interval


@pytest.mark.parametrize("given", ["-1", "soon", "7200"])
def test_a_fold_interval_that_is_not_seconds_is_refused(given: str) -> None:
    with pytest.raises(SettingsError, match="UNIONFED_ROLLUP_SECONDS"):
        node_settings(environment(UNIONFED_ROLLUP_SECONDS=given))


def test_an_exchange_on_another_machine_must_be_reached_over_https() -> None:
    keyed = {"UNIONFED_NODE_ID": "node-43", "UNIONFED_NODE_KEY": "{}"}
    with pytest.raises(SettingsError, match="https"):
        node_settings(environment(UNIONFED_EXCHANGE_URL="http://exchange.acftu.example", **keyed))
