"""DataLoaders of units, created per request."""

from __future__ import annotations

from collections.abc import Sequence

from aiodataloader import DataLoader
from sqlalchemy import select

from province_node.db.tables import Unit
from province_node.services.unit_of_work import UnitOfWork


class UnitByIdLoader(DataLoader[int, Unit | None]):
    """Units by id, for relations of records already in scope (a member's unit, a union's units)."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Unit | None]:
        rows = await self.uow.db.scalars(select(Unit).where(Unit.id.in_(keys)))
        found = {row.id: row for row in rows}
        return [found.get(key) for key in keys]
