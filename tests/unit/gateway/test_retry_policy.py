"""Retries of idempotent reads back off exponentially, up to a cap."""

from __future__ import annotations

import pytest

from gateway.domain.retry_policy import RetryPolicy


def test_waits_double_between_attempts_up_to_the_cap() -> None:
    assert RetryPolicy(attempts=5, base_delay=0.1, max_delay=0.3).delays() == (0.1, 0.2, 0.3, 0.3)


def test_a_single_attempt_never_waits() -> None:
    assert RetryPolicy(attempts=1).delays() == ()


def test_a_policy_without_attempts_is_refused() -> None:
    with pytest.raises(ValueError, match="attempt"):
        RetryPolicy(attempts=0)
