"""The request's access to its tenant database: one session, one statement at a time, rolled back
unless committed.

GraphQL resolves sibling fields concurrently, and a SQLAlchemy ``AsyncSession`` must never run two
statements at once; ``Database`` serialises them with a lock, so resolvers and DataLoaders can share the
request's session (and see one consistent transaction) without coordinating.

A write that breaks a unique constraint (two clerks registering one person at the same moment) is rolled
back here and surfaces as ``UniqueViolation`` naming the constraint: the database's error is translated
at this edge, and use cases turn it into the domain's answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlalchemy import Executable, func, select
from sqlalchemy.engine import Result
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

from exchange.standard import china_today
from province_node.domain.access import Caller
from province_node.domain.errors import ErrorCode, RuleViolation
from province_node.tenant import Tenant

T = TypeVar("T")


class UniqueViolation(Exception):
    """A write broke a unique constraint and was rolled back; ``constraint`` names it."""

    def __init__(self, constraint: str) -> None:
        super().__init__(f"unique constraint {constraint} violated")
        self.constraint = constraint


class Database:
    """A session used by one statement at a time."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._lock = asyncio.Lock()
        self._savepoints: list[AsyncSessionTransaction] = []

    @property
    def in_transaction(self) -> bool:
        """Whether this request has read or written anything yet (its transaction has begun)."""
        return self.session.in_transaction()

    async def hold_lock(self, name: str) -> None:
        """Take the advisory lock called ``name`` until the transaction ends (waiting for its holder): work of
        the same name in two requests goes one after the other."""
        await self.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(name, 0))))

    async def execute(self, statement: Executable, params: Any = None) -> Result[Any]:
        """Run a statement and return its buffered result."""
        async with self._lock:
            return await self.session.execute(statement, params)

    async def driver_rows(self, statement: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Every row of a plain SQL ``statement`` written with the driver's placeholders (``%(name)s``), so the
        same text also runs outside the session (``request_reads``)."""
        async with self._lock:
            connection = await self.session.connection()
            result = await connection.exec_driver_sql(statement, dict(params or {}))
            return [tuple(row) for row in result]

    async def scalars(self, statement: Executable, params: Any = None) -> Sequence[Any]:
        """All first-column values of a statement's rows."""
        async with self._lock:
            return (await self.session.scalars(statement, params)).all()

    async def scalar(self, statement: Executable, params: Any = None) -> Any:
        """The first column of the first row, or ``None``."""
        async with self._lock:
            return await self.session.scalar(statement, params)

    async def get(self, model: type[T], key: object) -> T | None:
        """A row by primary key (from the session's identity map when already loaded)."""
        async with self._lock:
            return await self.session.get(model, key)

    def add(self, row: object) -> None:
        """Stage a new row for the next flush."""
        self.session.add(row)

    async def flush(self) -> None:
        """Send staged changes (assigning generated ids) without committing."""
        async with self._lock:
            await self._unique(self.session.flush())

    async def commit(self) -> None:
        """Commit the transaction."""
        async with self._lock:
            await self._unique(self.session.commit())

    async def _unique(self, write: Awaitable[None]) -> None:
        try:
            await write
        except IntegrityError as exc:
            # Undo only the innermost savepoint when there is one: the batch around it goes on.
            await (self._savepoints[-1].rollback() if self._savepoints else self.session.rollback())
            constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
            if constraint is None:
                raise
            raise UniqueViolation(constraint) from exc

    async def rollback(self) -> None:
        """Roll the transaction back."""
        async with self._lock:
            await self.session.rollback()

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Work that is undone alone, leaving the transaction around it intact, if it raises."""
        async with self._lock:
            savepoint = await self.session.begin_nested()
        self._savepoints.append(savepoint)
        try:
            yield
        except BaseException:
            if savepoint.is_active:
                async with self._lock:
                    await savepoint.rollback()
            raise
        else:
            if savepoint.is_active:
                async with self._lock:
                    await savepoint.commit()
        finally:
            self._savepoints.pop()


class UnitOfWork:
    """What a use case works with: the database, the tenant and the caller.

    ``async with uow:`` rolls back on leaving unless ``commit()`` was called inside, so a failure
    halfway leaves the database as it was.
    """

    def __init__(self, db: Database, tenant: Tenant, caller: Caller | None, today: datetime.date | None = None):
        self.db = db
        self.tenant = tenant
        self._caller = caller
        self.today = today or china_today()
        self._committed = False

    @property
    def has_caller(self) -> bool:
        """True when the request is authenticated."""
        return self._caller is not None

    @property
    def caller(self) -> Caller:
        """The authenticated caller; ``RuleViolation(UNAUTHENTICATED)`` when the request has none (the API's
        permission checks refuse such requests first; this covers what they do not guard, e.g. the fields of the
        organisation a login answer shows)."""
        if self._caller is None:
            raise RuleViolation(ErrorCode.UNAUTHENTICATED, "请先登录")
        return self._caller

    async def __aenter__(self) -> Self:
        self._committed = False
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._committed:
            await self.db.rollback()

    async def commit(self) -> None:
        """Make the work of this unit permanent."""
        await self.db.commit()
        self._committed = True


class BatchUnitOfWork(UnitOfWork):
    """Many use cases in one transaction, for imports that must be all or nothing.

    A use case's ``commit()`` only sends its changes; run each in ``db.savepoint()`` so a refused one
    undoes just its own work. ``commit_batch()`` (or leaving ``async with`` without it) ends the batch.
    """

    async def commit(self) -> None:
        """Send this use case's changes; the batch is committed by ``commit_batch``."""
        await self.db.flush()

    async def commit_batch(self) -> None:
        """Make the whole batch permanent."""
        await self.db.commit()
        self._committed = True
