"""One lane, off the event loop, for the CPU-heavy part of large requests (reading thousands of events,
deciding their effect on the index).

On the event loop such work holds up every other request: a relay's one-event request needs a dozen turns of
the loop and waits behind each chunk (bench/exchange_sync.py measured lag p99 of 2 s that way). One worker
thread at a time, because threads cannot run Python in parallel (the interpreter lock): a second one would
only make the loop wait longer for its turn. Small work stays on the loop, where handing it to a thread costs
more than doing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")
_LANE: Final = anyio.CapacityLimiter(1)


async def run_in_lane(work: Callable[[], T], *, small: bool) -> T:
    """The result of ``work``: done right here when ``small``, else in the lane's thread (in turn)."""
    if small:
        return work()
    return await anyio.to_thread.run_sync(work, limiter=_LANE)
