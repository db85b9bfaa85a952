"""Each national caller's allowance of lookups by ID number an hour: member location and 核查 (verification).

Every answer tells whether a number belongs to a current member. A caller who knows a masked number (its
first and last four digits, as national callers see them) and the person's age could try the hidden digits
one candidate at a time, about a thousand tries after the checksum; an allowance of a few dozen an hour
turns that into days, in the exchange's verification log all along. A province node bounds its own lookups
(``memberByIdNumber``) in its audit log; these two fields reach only the exchange's index, so the gateway
bounds them.

The counts live in the gateway process: one process serves the country, and a restart forgets them, which
gives a caller at most one hour's allowance more.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Final

from gateway.domain.errors import TooManyLookups
from gateway.domain.national_roles import NationalCaller

WINDOW_SECONDS: Final = 3600.0


class LookupAllowance:
    """The lookups each national caller made in the last hour, refused past ``per_hour``."""

    def __init__(self, per_hour: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_hour = per_hour
        self._clock = clock
        self._times: dict[tuple[str, str], deque[float]] = {}

    def take(self, caller: NationalCaller) -> None:
        """Count one lookup of ``caller``; ``TooManyLookups`` (nothing counted) when the hour's are used up."""
        now = self._clock()
        key = (caller.issuer, caller.subject)  # a subject is unique only within its issuer
        times = self._times.setdefault(key, deque())
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        if len(times) >= self.per_hour:
            raise TooManyLookups(self.per_hour, times[0] + WINDOW_SECONDS - now)
        times.append(now)
