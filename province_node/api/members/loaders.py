"""DataLoaders of members and their history, created per request."""

from __future__ import annotations

from collections.abc import Sequence

from aiodataloader import DataLoader
from sqlalchemy import select

from province_node.db.tables import Account, MembershipEvent
from province_node.services import members
from province_node.services.unit_of_work import UnitOfWork


class HistoryByMemberLoader(DataLoader[int, list[MembershipEvent]]):
    """Each member's history, oldest first."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[MembershipEvent]]:
        found = await members.histories(self.uow, keys)
        return [found[key] for key in keys]


class UsernameByAccountLoader(DataLoader[int, str | None]):
    """Usernames of the accounts that made changes (shown in history)."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    async def batch_load_fn(self, keys: Sequence[int]) -> list[str | None]:
        rows = await self.uow.db.execute(select(Account.id, Account.username).where(Account.id.in_(keys)))
        found = {row.id: row.username for row in rows}
        return [found.get(key) for key in keys]
