"""The circuit breaker of a province node, driven by a hand-moved clock."""

from __future__ import annotations

import pytest

from gateway.domain.circuit_breaker import BreakerState, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=3, reset_after=10, clock=clock)


def test_a_new_breaker_is_closed_and_lets_requests_through() -> None:
    subject = breaker(Clock())
    assert subject.state is BreakerState.CLOSED
    assert subject.allow()


def test_it_opens_after_the_threshold_of_failures_in_a_row() -> None:
    subject = breaker(Clock())
    for _ in range(3):
        subject.record_failure()
    assert subject.state is BreakerState.OPEN
    assert not subject.allow()


def test_a_success_between_failures_starts_the_count_again() -> None:
    subject = breaker(Clock())
    subject.record_failure()
    subject.record_failure()
    subject.record_success()
    subject.record_failure()
    assert subject.state is BreakerState.CLOSED


def test_after_the_reset_time_one_trial_request_goes_through() -> None:
    clock = Clock()
    subject = breaker(clock)
    for _ in range(3):
        subject.record_failure()
    clock.now = 10
    assert subject.state is BreakerState.HALF_OPEN
    assert subject.allow()
    assert not subject.allow()  # only the one trial


def test_a_successful_trial_closes_it() -> None:
    clock = Clock()
    subject = breaker(clock)
    for _ in range(3):
        subject.record_failure()
    clock.now = 10
    subject.allow()
    subject.record_success()
    assert subject.state is BreakerState.CLOSED


def test_a_failed_trial_opens_it_again_for_a_whole_reset_time() -> None:
    clock = Clock()
    subject = breaker(clock)
    for _ in range(3):
        subject.record_failure()
    clock.now = 10
    subject.allow()
    subject.record_failure()
    assert subject.state is BreakerState.OPEN
    assert subject.retry_in() == 10


def test_it_says_how_long_until_the_node_is_tried_again() -> None:
    clock = Clock()
    subject = breaker(clock)
    for _ in range(3):
        subject.record_failure()
    clock.now = 4
    assert subject.retry_in() == 6


def test_a_breaker_needs_a_sensible_configuration() -> None:
    with pytest.raises(ValueError, match="threshold"):
        CircuitBreaker(failure_threshold=0)
