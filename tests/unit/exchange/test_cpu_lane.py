"""The CPU lane: large work leaves the event loop and takes its turn, small work is done where it is asked."""

from __future__ import annotations

import threading
import time

import anyio
import pytest

from exchange.service.cpu_lane import run_in_lane

pytestmark = pytest.mark.anyio


async def test_small_work_runs_on_the_event_loop_thread() -> None:
    ran_on = await run_in_lane(threading.get_ident, small=True)

    assert ran_on == threading.get_ident()


async def test_large_work_runs_off_the_event_loop_thread() -> None:
    ran_on = await run_in_lane(threading.get_ident, small=False)

    assert ran_on != threading.get_ident()


async def test_large_works_take_turns() -> None:
    running, most = 0, 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with guard:
            running -= 1

    async with anyio.create_task_group() as group:
        for _ in range(3):
            group.start_soon(lambda: run_in_lane(work, small=False))

    assert most == 1


async def test_the_event_loop_answers_while_large_work_runs() -> None:
    started = threading.Event()
    ticks = 0

    def work() -> None:
        started.set()
        time.sleep(0.2)

    async def tick() -> None:
        nonlocal ticks
        while not started.is_set():
            await anyio.sleep(0.001)
        for _ in range(5):
            await anyio.sleep(0.01)
            ticks += 1

    async with anyio.create_task_group() as group:
        group.start_soon(tick)
        await run_in_lane(work, small=False)
        assert ticks == 5  # the loop turned five times during the work
