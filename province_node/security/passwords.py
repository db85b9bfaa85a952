"""Passwords: hashed with argon2id (memory-hard), and a minimum strength for new ones.

Hashing or checking one password takes a good fraction of a second of CPU and tens of MiB of memory. Inside
a request it runs in a worker thread (the ``*_in_worker`` methods), so the node's event loop goes on serving
every other request meanwhile; a small limiter shared by the whole process caps how many run at once, so a
burst of logins can neither take every worker thread nor all the memory.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from province_node.domain.errors import ErrorCode, RuleViolation
from province_node.settings import PasswordCost

MIN_LENGTH = 10
_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"\d"), re.compile(r"[^a-zA-Z\d]"))
HASHING_THREADS = 4  # hashes or checks running at once in the whole process, whichever tenant asks
_HASHING = anyio.CapacityLimiter(HASHING_THREADS)  # bound to an event loop only when first used
T = TypeVar("T")


async def _in_worker(work: Callable[[], T]) -> T:
    """The result of ``work`` run in a worker thread, once one of the hashing slots is free."""
    return await anyio.to_thread.run_sync(work, limiter=_HASHING)


class Passwords:
    """Hashes and checks passwords with one cost setting."""

    def __init__(self, cost: PasswordCost) -> None:
        self._hasher = PasswordHasher(
            time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism
        )

    def hash(self, password: str) -> str:
        """The argon2id hash of ``password`` (salted; includes its parameters)."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """True when ``password`` matches ``password_hash``; never raises on a wrong password."""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @functools.cached_property
    def _decoy_hash(self) -> str:
        return self._hasher.hash(secrets.token_urlsafe(16))

    def verify_decoy(self, password: str) -> None:
        """Spend the time of one verification, for unknown usernames: the answer then takes as long
        whether or not the account exists."""
        self.verify(self._decoy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other cost parameters than the current ones."""
        return self._hasher.check_needs_rehash(password_hash)

    async def hash_in_worker(self, password: str) -> str:
        """``hash`` in a worker thread: the event loop serves other requests meanwhile."""
        return await _in_worker(lambda: self.hash(password))

    async def verify_in_worker(self, password_hash: str, password: str) -> bool:
        """``verify`` in a worker thread: the event loop serves other requests meanwhile."""
        return await _in_worker(lambda: self.verify(password_hash, password))

    async def verify_decoy_in_worker(self, password: str) -> None:
        """``verify_decoy`` in a worker thread: the event loop serves other requests meanwhile."""
        await _in_worker(lambda: self.verify_decoy(password))


def check_strength(password: str, username: str) -> None:
    """Raise ``RuleViolation`` (``WEAK_PASSWORD``) unless the password is long and mixed enough."""
    classes = sum(1 for pattern in _CLASSES if pattern.search(password))
    if len(password) < MIN_LENGTH or classes < 3 or username.lower() in password.lower():
        raise RuleViolation(
            ErrorCode.WEAK_PASSWORD,
            f"密码至少 {MIN_LENGTH} 位，须包含大写字母、小写字母、数字、符号中的三类，且不能包含用户名",
        )
