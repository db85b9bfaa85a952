"""Demo provinces for ``make run``: hierarchies shaped like the seeds, accounts at several levels, a few
hundred valid members, all created through the use cases (so they are validated, historied and evented).

- 43 Hunan: Changsha city's four levels (seed 001) and all 55 of Taoyuan county's unions by their names,
  members in proportion to the county's collection targets (seed 004);
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


# Seed 004's annex: every union of 桃源县 with its member collection target (the county's 30,929 + 6,760 =
# 37,689 of the city's 40,000); the demo enrols one member per hundred of the target (at least three).
TAOYUAN = "430725"


def _enrolled(target: int) -> int:
    return max(3, target // 100)


def organ_federation(name: str, target: int, organ: str) -> DemoOrg:
    """A county organ's union federation (机关工会联合会) with its members, covering the organ."""
    return DemoOrg(name, "6", "3", TAOYUAN, members=_enrolled(target), units=[DemoUnit(organ, "01")])


def organ_union(name: str, target: int, organ: str) -> DemoOrg:
    """A county organ's own union (机关工会)."""
    return grassroots(name, TAOYUAN, _enrolled(target), "01", DemoUnit(organ, "01"))


def township(name: str, target: int, *children: DemoOrg) -> DemoOrg:
    """A township's or street's union federation; its government's union holds the members unless given."""
    place = name.removesuffix("工会联合会")
    government = f"桃源县{place}" + ("" if place.endswith("办事处") else "人民政府")
    below = list(children) or [organ_union(f"{place}机关工会", target, government)]
    return DemoOrg(name, "4", "3", TAOYUAN, children=below)


TAOYUAN_UNIONS = [
    organ_federation("县委办工会联合会", 160, "中共桃源县委办公室"),
    organ_federation("县政府办工会联合会", 300, "桃源县人民政府办公室"),
    organ_federation("县委组织部工会联合会", 100, "中共桃源县委组织部"),
    organ_federation("县委宣传部工会联合会", 290, "中共桃源县委宣传部"),
    organ_federation("县委政法委工会联合会", 1200, "中共桃源县委政法委员会"),
    DemoOrg("县金融工会", "4", "5", TAOYUAN, children=[
        grassroots("桃源农村商业银行股份有限公司工会", TAOYUAN, _enrolled(600), "08"),
    ]),
    organ_federation("县委农办工会联合会", 1500, "中共桃源县委农村工作领导小组办公室"),
    DemoOrg("县教育工会", "4", "5", TAOYUAN, children=[
        grassroots("桃源县第一中学工会", TAOYUAN, _enrolled(6300) // 2, "02"),
        grassroots("桃源县职业中专学校工会", TAOYUAN, _enrolled(6300) // 2, "02"),
    ]),
    organ_federation("县财政局工会联合会", 140, "桃源县财政局"),
    organ_federation("县卫健局工会联合会", 3000, "桃源县卫生健康局"),
    organ_federation("县住建局工会联合会", 3000, "桃源县住房和城乡建设局"),
    organ_federation("县工信局工会联合会", 800, "桃源县工业和信息化局"),
    organ_federation("县商务局工会联合会", 300, "桃源县商务局"),
    organ_federation("县交通运输局工会联合会", 600, "桃源县交通运输局"),
    organ_federation("县文旅广体局工会联合会", 200, "桃源县文化旅游广电体育局"),
    organ_federation("县人社局工会联合会", 200, "桃源县人力资源和社会保障局"),
    organ_federation("县城管执法局工会联合会", 220, "桃源县城市管理和综合执法局"),
    DemoOrg("桃源高新区工会联合会", "4", "3", TAOYUAN, children=[
        grassroots("桃源高新区园区企业联合工会", TAOYUAN, _enrolled(10000),
                   "05", DemoUnit("桃源县创元铝业有限公司", "05"), DemoUnit("桃源县鑫达电子科技有限公司", "05")),
    ]),
    organ_federation("县市场监督管理局工会联合会", 1000, "桃源县市场监督管理局"),
    organ_federation("县国资与城投管理局工会联合会", 200, "桃源县国有资产和城市建设投资管理局"),
    organ_union("县人大机关工会", 44, "桃源县人大常委会机关"),
    organ_union("县政协机关工会", 35, "政协桃源县委员会机关"),
    organ_union("县发改局工会", 90, "桃源县发展和改革局"),
    organ_union("县税务局工会", 235, "国家税务总局桃源县税务局"),
    organ_union("县自然资源局工会", 220, "桃源县自然资源局"),
    organ_union("县科技局工会", 15, "桃源县科学技术局"),
    grassroots("桃源杰新纺织印染公司工会", TAOYUAN, _enrolled(180)),
    township("漳江街道办事处工会联合会", 600, DemoOrg("漳江社区联合工会", "5", "2", TAOYUAN, members=_enrolled(600),
             units=[DemoUnit("桃源县漳江镇百货商店", "06", temporary=True)])),
    township("浔阳街道办事处工会联合会", 500),
    township("青林回维乡工会联合会", 200),
    township("枫树维回乡工会联合会", 200),
    township("陬市镇工会联合会", 500, grassroots("陬市镇中心学校工会", TAOYUAN, _enrolled(500), "02")),
    township("木塘垸镇工会联合会", 200),
    township("架桥镇工会联合会", 200),
    township("盘塘镇工会联合会", 200),
    township("马鬃岭镇工会联合会", 200),
    township("双溪口镇工会联合会", 200),
    township("热市镇工会联合会", 200),
    township("黄石镇工会联合会", 200),
    township("九溪镇工会联合会", 200),
    township("漆河镇工会联合会", 300),
    township("理公港镇工会联合会", 200),
    township("牛车河镇工会联合会", 200),
    township("观音寺镇工会联合会", 200),
    township("龙潭镇工会联合会", 200),
    township("佘家坪乡工会联合会", 200),
    township("三阳港镇工会联合会", 200),
    township("泥窝潭乡工会联合会", 200),
    township("剪市镇工会联合会", 200),
    township("夷望溪镇工会联合会", 200),
    township("茶庵铺镇工会联合会", 260),
    township("西安镇工会联合会", 200),
    township("杨溪桥镇工会联合会", 200),
    township("郑家驿镇工会联合会", 200),
    township("沙坪镇工会联合会", 200),
]  # fmt: skip


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
                accounts=[("taoyuan_clerk", Role.CLERK), ("taoyuan_viewer", Role.VIEWER)], children=TAOYUAN_UNIONS),
    ]),
])  # fmt: skip

ZHEJIANG = DemoOrg("浙江省总工会", "1", "4", "330000", accounts=[("zhejiang_admin", Role.ADMIN)], children=[
    DemoOrg("湖州市总工会", "2", "4", "330500", accounts=[("huzhou_admin", Role.ADMIN)], children=[
        DemoOrg("长兴县总工会", "3", "4", "330522", accounts=[("changxing_clerk", Role.CLERK)], children=[
            DemoOrg("雉城街道总工会", "4", "3", "330522", children=[
                grassroots("长兴雉城纺织有限公司工会", "330522", 80),
                grassroots("长兴县人民医院工会", "330522", 60, "02"),
            ]),
            DemoOrg("长兴县教育工会", "4", "5", "330522", children=[
                grassroots("长兴县实验中学工会", "330522", 45, "02"),
            ]),
            DemoOrg("长兴经济技术开发区工会", "4", "3", "330522", children=[
                grassroots("长兴新能源电池股份有限公司工会", "330522", 90, "08"),
            ]),
        ]),
    ]),
])  # fmt: skip

HUBEI = DemoOrg("湖北省总工会", "1", "4", "420000", accounts=[("hubei_admin", Role.ADMIN)], children=[
    DemoOrg("武汉市总工会", "2", "4", "420100", accounts=[("wuhan_admin", Role.ADMIN)], children=[
        DemoOrg("江岸区总工会", "3", "4", "420102", accounts=[("jiangan_clerk", Role.CLERK)], children=[
            DemoOrg("一元街道工会联合会", "4", "3", "420102", children=[
                grassroots("武汉江城物流有限公司工会", "420102", 80),
                DemoOrg("一元街新就业形态联合工会", "6", "2", "420102", members=40, units=[
                    DemoUnit("武汉江岸区骑手服务站", "06", temporary=True),
                ]),
            ]),
        ]),
        DemoOrg("东湖新技术开发区总工会", "3", "4", "420111", children=[
            grassroots("武汉光谷芯片科技有限公司工会", "420111", 100, "09"),
        ]),
        DemoOrg("武昌区总工会", "3", "4", "420106", children=[
            grassroots("武汉大学工会", "420106", 70, "02"),
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
