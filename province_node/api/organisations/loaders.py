"""DataLoaders of organisations, created per request (they cache within it)."""

from __future__ import annotations

from collections.abc import Sequence

from aiodataloader import DataLoader
from sqlalchemy import func, select

from province_node.db.tables import Membership, Organisation, Unit
from province_node.domain.lifecycle import MembershipStatus
from province_node.services import organisations, units
from province_node.services.unit_of_work import UnitOfWork


class OrganisationByIdLoader(DataLoader[int, Organisation | None]):
    """Organisations by id, ``None`` for ids outside the caller's subtree."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Organisation | None]:
        found = await organisations.organisations_by_ids(self.uow, keys)
        return [found.get(key) for key in keys]


class OrganisationNameByIdLoader(DataLoader[int, str | None]):
    """Names of organisations in or out of scope (for breadcrumbs only)."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    async def batch_load_fn(self, keys: Sequence[int]) -> list[str | None]:
        found = await organisations.names_by_ids(self.uow, keys)
        return [found.get(key) for key in keys]


class ChildrenByOrganisationLoader(DataLoader[int, list[Organisation]]):
    """Organisations directly under each organisation."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[Organisation]]:
        found = await organisations.children_of(self.uow, keys)
        return [found[key] for key in keys]


class UnitsByOrganisationLoader(DataLoader[int, list[Unit]]):
    """Units each union covers."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[Unit]]:
        found = await units.units_covered_by(self.uow, keys)
        return [found[key] for key in keys]


class MemberCountByOrganisationLoader(DataLoader[int, int]):
    """Current members in each organisation's whole subtree (one query for the batch)."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__()
        self.uow = uow

    async def batch_load_fn(self, keys: Sequence[int]) -> list[int]:
        top = Organisation.__table__.alias("top")
        union = Organisation.__table__.alias("member_union")
        rows = await self.uow.db.execute(
            select(top.c.id.label("organisation_id"), func.count(Membership.member_id).label("members"))
            .select_from(top)
            .join(union, union.c.path.op("<@")(top.c.path))
            .join(Membership, Membership.union_id == union.c.id)
            .where(top.c.id.in_(keys), Membership.status != MembershipStatus.ENDED.value)
            .group_by(top.c.id)
        )
        counts: dict[int, int] = {row.organisation_id: row.members for row in rows}
        return [counts.get(key, 0) for key in keys]
