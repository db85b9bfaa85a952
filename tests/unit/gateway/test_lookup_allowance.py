"""A national caller's lookups by ID number (member location, 核查) are bounded an hour, caller by caller."""

from __future__ import annotations

import json

import pytest

from exchange.protocol.forwarded_identity import NationalRole
from exchange.protocol.service_tokens import PeerKey
from gateway.domain.errors import ErrorCode, TooManyLookups
from gateway.domain.lookup_allowance import WINDOW_SECONDS, LookupAllowance
from gateway.domain.national_roles import NationalCaller
from gateway.settings import SettingsError, gateway_settings

ADMIN = NationalCaller("acftu_admin", NationalRole.NATIONAL_ADMIN, "gateway")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def used_up(per_hour: int, clock: Clock) -> LookupAllowance:
    """An allowance whose caller ``ADMIN`` has just made all of its lookups."""
    allowance = LookupAllowance(per_hour, clock=clock)
    for _ in range(per_hour):
        allowance.take(ADMIN)
    return allowance


def test_lookups_within_the_allowance_are_let_through() -> None:
    allowance = LookupAllowance(3, clock=Clock())
    for _ in range(3):
        allowance.take(ADMIN)


def test_the_lookup_past_the_allowance_is_refused_saying_when_to_try_again() -> None:
    clock = Clock()
    allowance = used_up(3, clock)
    clock.now += 15 * 60
    with pytest.raises(TooManyLookups) as refused:
        allowance.take(ADMIN)
    assert refused.value.code is ErrorCode.TOO_MANY_LOOKUPS
    assert "最多 3 次" in refused.value.message
    assert "约 45 分钟后" in refused.value.message


def test_a_refused_lookup_does_not_push_the_hour_further() -> None:
    clock = Clock()
    allowance = used_up(2, clock)
    for _ in range(5):
        with pytest.raises(TooManyLookups):
            allowance.take(ADMIN)
    clock.now += WINDOW_SECONDS
    allowance.take(ADMIN)


def test_a_lookup_is_let_through_again_an_hour_after_the_oldest_one() -> None:
    clock = Clock()
    allowance = LookupAllowance(2, clock=clock)
    allowance.take(ADMIN)
    clock.now += 600
    allowance.take(ADMIN)
    clock.now += WINDOW_SECONDS - 600
    allowance.take(ADMIN)
    with pytest.raises(TooManyLookups):
        allowance.take(ADMIN)


def test_another_caller_keeps_its_own_allowance() -> None:
    allowance = used_up(2, Clock())
    allowance.take(NationalCaller("acftu_admin2", NationalRole.NATIONAL_ADMIN, "gateway"))


def test_the_same_subject_from_another_issuer_is_another_caller() -> None:
    allowance = used_up(2, Clock())
    allowance.take(NationalCaller(ADMIN.subject, NationalRole.NATIONAL_ADMIN, "https://sso.acftu.example"))


def environment(**more: str) -> dict[str, str]:
    """A gateway's environment with one node and a key, plus ``more``."""
    key = json.dumps(PeerKey.generate("gateway").private_jwk())
    return {"UNIONFED_GATEWAY_NODES": "43=http://127.0.0.1:8002", "UNIONFED_GATEWAY_KEY": key, **more}


def test_the_allowance_is_sixty_an_hour_unless_the_environment_says_otherwise() -> None:
    assert gateway_settings(environment()).limits.id_lookups_per_hour == 60
    chosen = gateway_settings(environment(UNIONFED_ID_LOOKUPS_PER_HOUR="500"))
    assert chosen.limits.id_lookups_per_hour == 500


def test_an_allowance_of_no_lookups_is_refused_as_a_setting() -> None:
    with pytest.raises(SettingsError, match="UNIONFED_ID_LOOKUPS_PER_HOUR"):
        gateway_settings(environment(UNIONFED_ID_LOOKUPS_PER_HOUR="0"))
