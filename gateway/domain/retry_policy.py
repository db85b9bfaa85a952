"""Retries of idempotent reads: how many attempts, and how long to wait between them (exponential backoff).

Only reads are retried, and only failures that say nothing reached the node or the node was briefly unable
(connection refused, 502/503/504); everything stays within the node's deadline, which bounds the whole call.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``attempts`` tries in all; the n-th retry waits ``base_delay * 2**n`` seconds, at most ``max_delay``."""

    attempts: int = 3
    base_delay: float = 0.05
    max_delay: float = 0.5

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base_delay < 0 or self.max_delay < self.base_delay:
            raise ValueError("a retry policy needs at least one attempt and 0 <= base delay <= max delay")

    def delays(self) -> tuple[float, ...]:
        """The waits before the second, third, ... attempt."""
        return tuple(min(self.max_delay, self.base_delay * 2**retry) for retry in range(self.attempts - 1))


RETRIABLE_STATUSES = frozenset({502, 503, 504})
