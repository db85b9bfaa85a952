"""Hashing and checking passwords in worker threads: the event loop stays free, and only a few run at once."""

from __future__ import annotations

import threading

import anyio
import pytest

from province_node.security.passwords import HASHING_THREADS, Passwords
from province_node.settings import PasswordCost

pytestmark = pytest.mark.anyio

CHEAP = PasswordCost(time_cost=1, memory_kib=8, parallelism=1)


class CountingPasswords(Passwords):
    """Passwords whose checks count how many run at once and wait until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__(CHEAP)
        self.gate = threading.Event()
        self.running = 0
        self.most_at_once = 0
        self._count = threading.Lock()

    def verify(self, password_hash: str, password: str) -> bool:
        """The check, counted, once the gate is open."""
        with self._count:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            self.gate.wait(10.0)
            return super().verify(password_hash, password)
        finally:
            with self._count:
                self.running -= 1


async def test_a_password_checked_in_a_worker_gives_the_same_answer() -> None:
    passwords = Passwords(CHEAP)
    password_hash = await passwords.hash_in_worker("Right-password-1")
    assert await passwords.verify_in_worker(password_hash, "Right-password-1")
    assert not await passwords.verify_in_worker(password_hash, "Wrong-password-1")
    await passwords.verify_decoy_in_worker("anything")


async def test_no_more_checks_run_at_once_than_the_hashing_threads() -> None:
    passwords = CountingPasswords()
    password_hash = passwords.hash("Right-password-1")
    answers: list[bool] = []

    async def check() -> None:
        answers.append(await passwords.verify_in_worker(password_hash, "Right-password-1"))

    with anyio.fail_after(30):
        async with anyio.create_task_group() as checks:
            for _ in range(HASHING_THREADS + 3):
                checks.start_soon(check)
            await anyio.wait_all_tasks_blocked()  # the first ones in their threads, the rest waiting their turn
            assert passwords.running <= HASHING_THREADS
            passwords.gate.set()
    assert answers == [True] * (HASHING_THREADS + 3)
    assert passwords.most_at_once <= HASHING_THREADS
