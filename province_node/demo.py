"""Demo provinces for ``make run``: hierarchies shaped like the seeds, accounts at several levels, a few
hundred valid members, all created through the use cases (so they are validated, historied and evented).

- 43 Hunan: Changsha city's four levels (seed 001) and Taoyuan county's unions by their names (seed 004);
- 33 Zhejiang: Changxing county (seed 003);
- 42 Hubei: Wuhan, under the Hubei profile (seed 000).

Seeding is idempotent: a tenant that already has its root organisation is left alone.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from sqlalchemy import select, update

from exchange.standard import china_today
from province_node.db.tables import Account, Organisation
from province_node.domain.access import Caller, Role
from province_node.domain.lifecycle import EndReason, StatusChange
from province_node.services import accounts, organisations, units
from province_node.services.bootstrap import bootstrap_tenant, root_organisation
from province_node.services.membership import change_status, register_member
from province_node.services.unit_of_work import Database, UnitOfWork
from province_node.synthetic.credit_codes import (
    ENTERPRISE,
    GOVERNMENT,
    GRASSROOTS_UNION,
    OTHER_UNION,
    PUBLIC_INSTITUTION,
    make_uscc,
)
from province_node.synthetic.people import PersonFactory
from province_node.tenant import Tenant

DEMO_PASSWORD = "Demo-2026-union"  # noqa: S105 - the documented password of the demo accounts
_CODE_KIND = {"01": GOVERNMENT, "02": PUBLIC_INSTITUTION}


@dataclass
class DemoUnit:
    """A unit, its nature code, and whether it has no USCC (a temporary code is issued)."""

    name: str
    nature: str
    temporary: bool = False


@dataclass
class DemoOrg:
    """One organisation of a demo tree with what hangs below it."""

    name: str
    level: str
    union_type: str
    region: str
    members: int = 0
    units: list[DemoUnit] = field(default_factory=list)
    accounts: list[tuple[str, Role]] = field(default_factory=list)
    children: list[DemoOrg] = field(default_factory=list)


def grassroots(name: str, region: str, members: int, nature: str = "05", *units_: DemoUnit) -> DemoOrg:
    """A grassroots union covering the unit named like it (or the given units, for a joint union)."""
    covered = list(units_) or [DemoUnit(name.removesuffix("工会"), nature)]
    return DemoOrg(name, "6", "2" if units_ else "1", region, members=members, units=covered)


HUNAN = DemoOrg("湖南省总工会", "1", "4", "430000", accounts=[("hunan_admin", Role.ADMIN)], children=[
    DemoOrg("长沙市总工会", "2", "4", "430100", accounts=[("changsha_admin", Role.ADMIN)], children=[
        DemoOrg("芙蓉区总工会", "3", "4", "430102", accounts=[("furong_clerk", Role.CLERK)], children=[
            DemoOrg("定王台街道工会联合会", "4", "3", "430102", children=[
                DemoOrg("藩后街社区联合工会", "5", "2", "430102", members=12, units=[
                    DemoUnit("长沙市芙蓉区藩后街老字号粉店", "06", temporary=True),
                    DemoUnit("长沙市芙蓉区藩后街便民超市", "06", temporary=True),
                ]),
                grassroots("湖南湘绣城有限公司工会", "430102", 25),
            ]),
        ]),
        DemoOrg("长沙县总工会", "3", "4", "430121", children=[
            DemoOrg("星沙街道工会联合会", "4", "3", "430121", children=[
                grassroots("长沙经开区湘江机械有限公司工会", "430121", 30, "08"),
            ]),
        ]),
        DemoOrg("长沙市教育工会", "3", "5", "430100", children=[
            grassroots("长沙市第一中学工会", "430102", 20, "02"),
        ]),
    ]),
    DemoOrg("常德市总工会", "2", "4", "430700", accounts=[("changde_admin", Role.ADMIN)], children=[
        DemoOrg("桃源县总工会", "3", "4", "430725",
                accounts=[("taoyuan_clerk", Role.CLERK), ("taoyuan_viewer", Role.VIEWER)], children=[
            DemoOrg("县委办工会联合会", "6", "3", "430725", members=10,
                    units=[DemoUnit("中共桃源县委办公室", "01")]),
            DemoOrg("县教育工会", "4", "5", "430725", children=[
                grassroots("桃源县第一中学工会", "430725", 25, "02"),
            ]),
            DemoOrg("县金融工会", "4", "5", "430725", children=[
                grassroots("桃源农村商业银行股份有限公司工会", "430725", 15, "08"),
            ]),
            DemoOrg("桃源高新区工会联合会", "4", "3", "430725", children=[
                grassroots("桃源杰新纺织印染公司工会", "430725", 30),
            ]),
            grassroots("县人大机关工会", "430725", 8, "01", DemoUnit("桃源县人大常委会机关", "01")),
            DemoOrg("漳江街道办事处工会联合会", "4", "3", "430725", children=[
                DemoOrg("漳江社区联合工会", "5", "2", "430725", members=10, units=[
                    DemoUnit("桃源县漳江镇百货商店", "06", temporary=True),
                ]),
            ]),
            DemoOrg("陬市镇工会联合会", "4", "3", "430725", children=[
                grassroots("陬市镇中心学校工会", "430725", 12, "02"),
            ]),
        ]),
    ]),
])  # fmt: skip

ZHEJIANG = DemoOrg("浙江省总工会", "1", "4", "330000", accounts=[("zhejiang_admin", Role.ADMIN)], children=[
    DemoOrg("湖州市总工会", "2", "4", "330500", accounts=[("huzhou_admin", Role.ADMIN)], children=[
        DemoOrg("长兴县总工会", "3", "4", "330522", accounts=[("changxing_clerk", Role.CLERK)], children=[
            DemoOrg("雉城街道总工会", "4", "3", "330522", children=[
                grassroots("长兴雉城纺织有限公司工会", "330522", 40),
                grassroots("长兴县人民医院工会", "330522", 35, "02"),
            ]),
            DemoOrg("长兴县教育工会", "4", "5", "330522", children=[
                grassroots("长兴县实验中学工会", "330522", 25, "02"),
            ]),
            DemoOrg("长兴经济技术开发区工会", "4", "3", "330522", children=[
                grassroots("长兴新能源电池股份有限公司工会", "330522", 60, "08"),
            ]),
        ]),
    ]),
])  # fmt: skip

HUBEI = DemoOrg("湖北省总工会", "1", "4", "420000", accounts=[("hubei_admin", Role.ADMIN)], children=[
    DemoOrg("武汉市总工会", "2", "4", "420100", accounts=[("wuhan_admin", Role.ADMIN)], children=[
        DemoOrg("江岸区总工会", "3", "4", "420102", accounts=[("jiangan_clerk", Role.CLERK)], children=[
            DemoOrg("一元街道工会联合会", "4", "3", "420102", children=[
                grassroots("武汉江城物流有限公司工会", "420102", 45),
                DemoOrg("一元街新就业形态联合工会", "6", "2", "420102", members=25, units=[
                    DemoUnit("武汉江岸区骑手服务站", "06", temporary=True),
                ]),
            ]),
        ]),
        DemoOrg("东湖新技术开发区总工会", "3", "4", "420111", children=[
            grassroots("武汉光谷芯片科技有限公司工会", "420111", 60, "09"),
        ]),
        DemoOrg("武昌区总工会", "3", "4", "420106", children=[
            grassroots("武汉大学工会", "420106", 40, "02"),
        ]),
    ]),
])  # fmt: skip

DEMO_TREES = {"43": HUNAN, "33": ZHEJIANG, "42": HUBEI}


def _union_record(rng: random.Random, org: DemoOrg, today: datetime.date) -> dict[str, object]:
    kind = GRASSROOTS_UNION if org.level == "6" else OTHER_UNION
    founded = datetime.date(rng.randrange(1980, 2019), rng.randrange(1, 13), rng.randrange(1, 29))
    term_start = datetime.date(today.year - rng.randrange(0, 4), 1, 1)
    return {
        "name": org.name,
        "orgLevel": org.level,
        "unionType": org.union_type,
        "creditCode": make_uscc(rng, kind, org.region),
        "foundedOn": founded,
        "termStart": term_start,
        "termEnd": term_start.replace(year=term_start.year + 5),
        "leader": PersonFactory(org.region[:2], rng, today).name(rng.choice(("1", "2"))),
        "phone": f"0{rng.randrange(700, 799)}-8{rng.randrange(10**6, 10**7)}",
    }


@dataclass
class _Seeder:
    uow: UnitOfWork
    rng: random.Random
    people: PersonFactory
    members: int = 0

    async def account(self, organisation: Organisation, username: str, role: Role) -> None:
        issued = await accounts.create_account(
            self.uow, organisation_id=organisation.id, username=username, role=role, display_name=None
        )
        # Demo accounts get the documented password; real ones keep their initial password to change.
        await self.uow.db.execute(
            update(Account)
            .where(Account.id == issued.account.id)
            .values(password_hash=self.uow.tenant.passwords.hash(DEMO_PASSWORD), must_change_password=False)
        )
        await self.uow.commit()

    async def unit(self, union: Organisation, unit: DemoUnit, region: str) -> int:
        record = {
            "name": unit.name,
            "nature": unit.nature,
            "address": f"{union.name.removesuffix('工会')}所在地",
            "employeeCount": self.rng.randrange(20, 2000),
        }
        if not unit.temporary:
            record["creditCode"] = make_uscc(self.rng, _CODE_KIND.get(unit.nature, ENTERPRISE), region)
        created = await units.create_unit(
            self.uow, organisation_id=union.id, record=record, issue_temporary=unit.temporary, covered_by=[union.id]
        )
        return created.id

    async def register(self, union: Organisation, unit_ids: list[int]) -> None:
        record = {**self.people.person().record(), "union": str(union.id), "unit": str(self.rng.choice(unit_ids))}
        row = await register_member(self.uow, record)
        self.members += 1
        # A few life events, so histories and statistics have something to show.
        if self.members % 40 == 7:
            await change_status(self.uow, row.member.id, StatusChange.RETIRE, reason="达到退休年龄")
        elif self.members % 40 == 23:
            await change_status(
                self.uow, row.member.id, StatusChange.END, end_reason=EndReason.LEFT_JOB, reason="调离本单位"
            )

    async def plant(self, parent: Organisation, org: DemoOrg) -> None:
        record = _union_record(self.rng, org, self.uow.today)
        created = await organisations.create_organisation(self.uow, parent_id=parent.id, record=record)
        await self.grow(created, org)

    async def grow(self, organisation: Organisation, org: DemoOrg) -> None:
        for username, role in org.accounts:
            await self.account(organisation, username, role)
        unit_ids = [await self.unit(organisation, unit, org.region) for unit in org.units]
        for _ in range(org.members):
            await self.register(organisation, unit_ids)
        for child in org.children:
            await self.plant(organisation, child)


async def seed_demo(tenant: Tenant, *, seed: int = 2026) -> int:
    """Create the demo province of ``tenant`` unless it has a root already; returns members created."""
    tree = DEMO_TREES.get(tenant.province)
    if tree is None:
        return 0
    rng = random.Random(seed + int(tenant.province))  # noqa: S311 - demo data, not secrets
    today = china_today()
    async with tenant.sessions() as session:
        uow = UnitOfWork(Database(session), tenant, None, today)
        if await root_organisation(uow) is not None:
            return 0
        root_admin, _ = tree.accounts[0]
        root = await bootstrap_tenant(
            uow,
            root=_union_record(rng, tree, today),
            admin_username=root_admin,
            admin_password=DEMO_PASSWORD,
            must_change_password=False,
        )
        admin = await _root_admin(uow, root, root_admin)
        seeder = _Seeder(UnitOfWork(uow.db, tenant, admin, today), rng, PersonFactory(tenant.province, rng, today))
        await seeder.grow(root, DemoOrg(tree.name, tree.level, tree.union_type, tree.region,
                                        accounts=tree.accounts[1:], children=tree.children))  # fmt: skip
        return seeder.members


async def _root_admin(uow: UnitOfWork, root: Organisation, username: str) -> Caller:
    account_id = await uow.db.scalar(select(Account.id).where(Account.username == username))
    return Caller(
        account_id=int(account_id),
        username=username,
        role=Role.ADMIN,
        organisation_id=root.id,
        scope_path=root.path,
        province=uow.tenant.province,
    )
