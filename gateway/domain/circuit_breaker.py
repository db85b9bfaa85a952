"""A circuit breaker per province node: stop asking a node that keeps failing, try it again later.

CLOSED      the node answers; every request goes through. ``failure_threshold`` failures in a row open it.
OPEN        requests are refused at once (no waiting on a dead node) until ``reset_after`` seconds passed.
HALF_OPEN   one trial request goes through; success closes the breaker, failure opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    """Where a breaker is."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """The breaker of one node; ``clock`` is injectable so tests need not sleep."""

    def __init__(
        self, *, failure_threshold: int = 3, reset_after: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if failure_threshold < 1 or reset_after <= 0:
            raise ValueError("a breaker needs a failure threshold of at least 1 and a positive reset time")
        self.failure_threshold = failure_threshold
        self.reset_after = reset_after
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        """The state now (an open breaker whose time is up is half open)."""
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.reset_after:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Whether a request may go to the node now (in HALF_OPEN, only the one trial)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def retry_in(self) -> float:
        """Seconds until the node is tried again (0 when it may be asked now)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self.reset_after - (self._clock() - self._opened_at))

    def record_success(self) -> None:
        """The node answered: close the breaker."""
        self._failures = 0
        self._opened_at = None
        self._trial_in_flight = False

    def record_failure(self) -> None:
        """The node failed: count it, and open (or reopen) the breaker at the threshold or after a failed trial."""
        self._failures += 1
        if self._trial_in_flight or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
        self._trial_in_flight = False
