"""Logins under contention: hashing and checking passwords leave the event loop free for other requests, and
concurrent wrong passwords count one by one, so parallel attempts cannot get round the lockout."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
import anyio.to_thread
import psycopg
import pytest
from sqlalchemy import select

from province_node.db.tables import Account
from province_node.domain.errors import RuleViolation
from province_node.security.passwords import Passwords
from province_node.services import accounts
from province_node.services.accounts import MAX_FAILED_LOGINS
from tests.integration.province_node.conftest import FAST_PASSWORDS, GraphQLClient, scalar
from tests.integration.province_node.world import PASSWORD, World

pytestmark = pytest.mark.anyio

LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
    __typename ... on LoginSuccess { token } ... on Error { code message } } }"""
GATE_TIMEOUT = 20.0  # seconds; only reached when the work under test blocks the event loop (the defect)


class GatedPasswords(Passwords):
    """Passwords whose every hash and check, in whichever thread runs it, waits until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__(FAST_PASSWORDS)
        self.started = threading.Event()
        self.gate = threading.Event()
        self.opened_while_waiting = True

    def _wait_for_gate(self) -> None:
        self.started.set()
        if not self.gate.wait(GATE_TIMEOUT):
            self.opened_while_waiting = False  # nobody could open it: the event loop was blocked meanwhile

    def hash(self, password: str) -> str:
        """The hash, once the gate is open."""
        self._wait_for_gate()
        return super().hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """The check (also of the decoy for unknown usernames), once the gate is open."""
        self._wait_for_gate()
        return super().verify(password_hash, password)


async def _login_of_the_right_password(world: World) -> None:
    uow = world.uow(None)
    try:
        async with uow:
            assert (await accounts.login(uow, "fr_clerk", PASSWORD)).account.username == "fr_clerk"
    finally:
        await uow.db.session.close()


async def _login_of_an_unknown_username(world: World) -> None:
    uow = world.uow(None)
    try:
        async with uow:
            with pytest.raises(RuleViolation):
                await accounts.login(uow, "nobody", PASSWORD)
    finally:
        await uow.db.session.close()


async def _password_reset(world: World) -> None:
    uow = world.uow(world.caller(world.city))
    try:
        async with uow:
            target = await uow.db.scalar(select(Account.id).where(Account.username == "fr_clerk"))
            assert (await accounts.reset_password(uow, target)).initial_password
    finally:
        await uow.db.session.close()


@pytest.mark.parametrize(
    "work",
    [_login_of_the_right_password, _login_of_an_unknown_username, _password_reset],
    ids=["login", "unknown-username", "password-reset"],
)
async def test_other_requests_are_served_while_a_password_is_hashed_or_checked(
    world: World, work: Callable[[World], Coroutine[Any, Any, None]]
) -> None:
    passwords = GatedPasswords()
    gated = dataclasses.replace(world, tenant=dataclasses.replace(world.tenant, passwords=passwords))
    with anyio.fail_after(2 * GATE_TIMEOUT):
        async with anyio.create_task_group() as requests:
            requests.start_soon(work, gated)
            # Given the password work under way and held at the gate,
            assert await anyio.to_thread.run_sync(passwords.started.wait, GATE_TIMEOUT)
            # when another request reads the database meanwhile, it gets its answer (the loop is free),
            assert await scalar(world.tenant, "SELECT count(*) FROM account WHERE username = 'fr_clerk'") == 1
            # and only then is the password work let go.
            passwords.gate.set()
    assert passwords.opened_while_waiting


async def _login(anonymous: GraphQLClient, username: str, password: str) -> dict[str, Any]:
    result: dict[str, Any] = (await anonymous.data(LOGIN, {"u": username, "p": password}))["login"]
    return result


async def _wait_for_node_sessions_waiting_on_locks(database_url: str, count: int) -> None:
    """Return once ``count`` of the node's sessions wait for a lock (row locks included); nothing sleeps."""
    deadline = time.monotonic() + 30.0
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            cursor = await connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = 'unionfed-node' AND wait_event_type = 'Lock'"
            )
            row = await cursor.fetchone()
            if row is not None and row[0] >= count:
                return
    raise AssertionError(f"{count} node sessions never waited for a lock")


async def _hold_the_account_row(gate: psycopg.AsyncConnection[Any], username: str) -> None:
    await gate.execute("SELECT 1 FROM account WHERE username = %s FOR UPDATE", (username,))


async def test_concurrent_wrong_passwords_count_one_by_one_and_lock_the_account(
    world: World, anonymous: GraphQLClient, database_url: str
) -> None:
    attempts = 12
    # Given twelve wrong passwords all checked before any of them is counted (the row is held meanwhile),
    async with await psycopg.AsyncConnection.connect(database_url) as gate:
        await _hold_the_account_row(gate, "fr_clerk")
        logins = [asyncio.create_task(_login(anonymous, "fr_clerk", f"Wrong-password-{n}")) for n in range(attempts)]
        await _wait_for_node_sessions_waiting_on_locks(database_url, attempts)
        await gate.commit()
        results = await asyncio.gather(*logins)
    # then the first five are counted and lock the account, and the rest are refused as locked,
    assert Counter(result["code"] for result in results) == {
        "LOGIN_FAILED": MAX_FAILED_LOGINS,
        "ACCOUNT_LOCKED": attempts - MAX_FAILED_LOGINS,
    }
    assert await scalar(world.tenant, "SELECT locked_until > now() FROM account WHERE username = 'fr_clerk'")
    failures = await scalar(
        world.tenant,
        "SELECT count(*) FROM audit_log JOIN account ON account.id = audit_log.account_id "
        "WHERE action = 'login_failed' AND username = 'fr_clerk'",
    )
    assert failures == MAX_FAILED_LOGINS
    # and the right password is refused too.
    assert (await _login(anonymous, "fr_clerk", PASSWORD))["code"] == "ACCOUNT_LOCKED"


async def test_a_right_password_checked_just_before_the_account_locks_is_refused_as_locked(
    world: World, anonymous: GraphQLClient, database_url: str
) -> None:
    async with await psycopg.AsyncConnection.connect(database_url) as gate:
        await _hold_the_account_row(gate, "fr_clerk")
        # Given a right password that passed the lock check and is waiting to be counted,
        right = asyncio.create_task(_login(anonymous, "fr_clerk", PASSWORD))
        await _wait_for_node_sessions_waiting_on_locks(database_url, 1)
        # when another attempt locks the account meanwhile,
        await gate.execute(
            "UPDATE account SET locked_until = now() + interval '15 minutes' WHERE username = %s", ("fr_clerk",)
        )
        await gate.commit()
        # then the right password is refused as locked, and the lock stays.
        assert (await right)["code"] == "ACCOUNT_LOCKED"
    assert await scalar(world.tenant, "SELECT locked_until > now() FROM account WHERE username = 'fr_clerk'")


async def test_concurrent_wrong_passwords_of_one_account_leave_others_alone(
    world: World, anonymous: GraphQLClient
) -> None:
    results = await asyncio.gather(
        *(_login(anonymous, "fr_clerk", f"Wrong-password-{n}") for n in range(2 * MAX_FAILED_LOGINS))
    )
    assert {result["code"] for result in results} <= {"LOGIN_FAILED", "ACCOUNT_LOCKED"}
    assert sum(result["code"] == "LOGIN_FAILED" for result in results) == MAX_FAILED_LOGINS
    assert (await _login(anonymous, "fr_clerk", PASSWORD))["code"] == "ACCOUNT_LOCKED"
    assert (await _login(anonymous, "fr_viewer", PASSWORD))["__typename"] == "LoginSuccess"
