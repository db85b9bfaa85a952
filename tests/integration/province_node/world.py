"""A small Hunan built through the real use cases, for tests that need a province with people in it.

湖南省总工会 (root; admin hn_admin)
└── 长沙市总工会 (admin cs_admin)
    ├── 芙蓉区总工会 (clerk fr_clerk, viewer fr_viewer)
    │   └── 芙蓉科技公司工会 (grassroots) ── unit 芙蓉科技有限公司, 3 members
    └── 天心区总工会 (clerk tx_clerk)
        └── 天心物流公司工会 (grassroots) ── unit 天心物流有限公司, 2 members
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from sqlalchemy import update

from exchange.standard.checksums import mod11_2_check
from province_node.db.tables import Account, Organisation, Unit
from province_node.domain.access import Caller, Role
from province_node.domain.lifecycle import EndReason, StatusChange
from province_node.services import accounts, organisations, units
from province_node.services.bootstrap import bootstrap_tenant
from province_node.services.members import MemberRow
from province_node.services.membership import change_status, register_member
from province_node.services.unit_of_work import Database, UnitOfWork
from province_node.synthetic.credit_codes import ENTERPRISE, GRASSROOTS_UNION, OTHER_UNION, make_uscc
from province_node.synthetic.people import Person, PersonFactory
from province_node.tenant import Tenant

TODAY = datetime.date(2026, 11, 22)
PASSWORD = "Test-password-2026"


@dataclass
class World:
    """Ids and logins of the small Hunan."""

    tenant: Tenant
    root: Organisation
    city: Organisation
    furong: Organisation
    tianxin: Organisation
    furong_union: Organisation
    tianxin_union: Organisation
    furong_unit: Unit
    tianxin_unit: Unit
    furong_members: list[MemberRow] = field(default_factory=list)
    tianxin_members: list[MemberRow] = field(default_factory=list)
    people: PersonFactory = field(default_factory=lambda: PersonFactory("43", random.Random(1), TODAY))
    persons: dict[int, Person] = field(default_factory=dict)  # member id -> the person registered

    def caller(self, organisation: Organisation, role: Role = Role.ADMIN) -> Caller:
        """A caller governing ``organisation`` (for calling use cases directly)."""
        return Caller(
            account_id=1,
            username="hn_admin",
            role=role,
            organisation_id=organisation.id,
            scope_path=organisation.path,
            province="43",
        )

    def uow(self, caller: Caller | None) -> UnitOfWork:
        """A unit of work on a fresh session (close it with ``close``)."""
        return UnitOfWork(Database(self.tenant.sessions()), self.tenant, caller, TODAY)

    @property
    def members(self) -> list[MemberRow]:
        """Every member registered while building the world."""
        return [*self.furong_members, *self.tianxin_members]

    def id_number(self, row: MemberRow) -> str:
        """The member's ID number in clear, as registered."""
        return self.persons[row.member.id].id_number

    def phone(self, row: MemberRow) -> str:
        """The member's phone number in clear, as registered."""
        return self.persons[row.member.id].phone

    async def register(self, union: Organisation, unit: Unit, person: Person | None = None) -> MemberRow:
        """Register ``person`` (a new synthetic one by default) in ``union`` and ``unit``, as the province admin."""
        person = person or self.people.person()
        uow = self.uow(self.caller(self.root))
        try:
            row = await register_member(uow, {**person.record(), "union": str(union.id), "unit": str(unit.id)})
        finally:
            await uow.db.session.close()
        self.persons[row.member.id] = person
        return row

    async def change_status(self, row: MemberRow, change: StatusChange, end_reason: EndReason | None = None) -> str:
        """Change a member's status as the province admin; the new status."""
        uow = self.uow(self.caller(self.root))
        try:
            changed = await change_status(uow, row.member.id, change, end_reason=end_reason)
        finally:
            await uow.db.session.close()
        return changed.membership.status


def resident_id(region: str, birth: datetime.date, sequence: int) -> str:
    """A valid 18-digit resident ID; an odd ``sequence`` is a man's, an even one a woman's."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + mod11_2_check(body)


def _union(rng: random.Random, name: str, level: str, union_type: str, code: str) -> dict[str, object]:
    kind = GRASSROOTS_UNION if level == "6" else OTHER_UNION
    return {
        "name": name,
        "orgLevel": level,
        "unionType": union_type,
        "creditCode": make_uscc(rng, kind, code),
        "foundedOn": "2001-05-06",
        "leader": "王建国",
        "phone": "0731-84512345",
    }


async def _create(uow: UnitOfWork, parent: Organisation, record: dict[str, object]) -> Organisation:
    return await organisations.create_organisation(uow, parent_id=parent.id, record=record)


async def _account(uow: UnitOfWork, organisation: Organisation, username: str, role: Role) -> None:
    issued = await accounts.create_account(
        uow, organisation_id=organisation.id, username=username, role=role, display_name=None
    )
    # Tests log in with a known password; the first-login change has tests of its own.
    await uow.db.execute(
        update(Account)
        .where(Account.id == issued.account.id)
        .values(password_hash=uow.tenant.passwords.hash(PASSWORD), must_change_password=False)
    )
    await uow.commit()


async def build_world(tenant: Tenant) -> World:
    """Build the small Hunan through the use cases, as its administrators would."""
    rng = random.Random(43)
    uow = UnitOfWork(Database(tenant.sessions()), tenant, None, TODAY)
    root = await bootstrap_tenant(
        uow,
        root=_union(rng, "湖南省总工会", "1", "4", "430000"),
        admin_username="hn_admin",
        admin_password=PASSWORD,
        must_change_password=False,
    )
    admin = Caller(
        account_id=1, username="hn_admin", role=Role.ADMIN, organisation_id=root.id, scope_path=root.path, province="43"
    )
    uow = UnitOfWork(uow.db, tenant, admin, TODAY)
    city = await _create(uow, root, _union(rng, "长沙市总工会", "2", "4", "430100"))
    furong = await _create(uow, city, _union(rng, "芙蓉区总工会", "3", "4", "430102"))
    tianxin = await _create(uow, city, _union(rng, "天心区总工会", "3", "4", "430103"))
    furong_union = await _create(uow, furong, _union(rng, "芙蓉科技公司工会", "6", "1", "430102"))
    tianxin_union = await _create(uow, tianxin, _union(rng, "天心物流公司工会", "6", "1", "430103"))
    furong_unit = await units.create_unit(
        uow,
        organisation_id=furong_union.id,
        record={
            "name": "芙蓉科技有限公司",
            "creditCode": make_uscc(rng, ENTERPRISE, "430102"),
            "nature": "私营经济",
            "address": "长沙市芙蓉区五一大道1号",
            "employeeCount": 120,
        },
        covered_by=[furong_union.id],
    )
    tianxin_unit = await units.create_unit(
        uow,
        organisation_id=tianxin_union.id,
        record={
            "name": "天心物流有限公司",
            "creditCode": make_uscc(rng, ENTERPRISE, "430103"),
            "nature": "股份制",
            "address": "长沙市天心区芙蓉南路8号",
            "employeeCount": 80,
        },
        covered_by=[tianxin_union.id],
    )
    for organisation, username, role in (
        (city, "cs_admin", Role.ADMIN),
        (furong, "fr_clerk", Role.CLERK),
        (furong, "fr_viewer", Role.VIEWER),
        (tianxin, "tx_clerk", Role.CLERK),
    ):
        await _account(uow, organisation, username, role)
    world = World(tenant, root, city, furong, tianxin, furong_union, tianxin_union, furong_unit, tianxin_unit)
    for union, unit, count, found in (
        (furong_union, furong_unit, 3, world.furong_members),
        (tianxin_union, tianxin_unit, 2, world.tianxin_members),
    ):
        for _ in range(count):
            person = world.people.person()
            row = await register_member(uow, {**person.record(), "union": str(union.id), "unit": str(unit.id)})
            world.persons[row.member.id] = person
            found.append(row)
    await uow.db.session.close()
    return world
