"""The kinds of units (单位) grassroots unions are founded in, with how common and how large each is.

A kind fixes a unit's nature (``unit_nature`` code), its sector, the size of its union (members drawn
from a log-normal distribution: most unions are small, a few have thousands), where in the hierarchy
such a union usually hangs (a school under the education union, a factory in a development zone or a
township), the years such unions were founded, and how its unit is named and registered (the USCC's
registration authority follows the unit's nature: 11 organs, 12 public institutions, 91 enterprises,
92 individual businesses, 51/52 social organisations, N2 village collectives).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from province_node.synthetic import credit_codes as authority
from province_node.synthetic import names
from province_node.synthetic.people import SURNAMES


class Sector(StrEnum):
    """The system a unit belongs to, which decides the industry union above it."""

    EDUCATION = "education"
    HEALTH = "health"
    FINANCE = "finance"
    CONSTRUCTION = "construction"
    MANUFACTURING = "manufacturing"
    COMMERCE = "commerce"
    GOVERNMENT = "government"
    AGRICULTURE = "agriculture"
    SERVICES = "services"


class Placement(StrEnum):
    """Where a grassroots union hangs (seed 001's levels)."""

    CITY_DIRECT = "city_direct"  # 市总直属基层工会
    CITY_INDUSTRY = "city_industry"  # under a city industry (system) union of its sector
    COUNTY_DIRECT = "county_direct"  # directly under a county or district federation
    COUNTY_INDUSTRY = "county_industry"  # under a county's industry union or department federation
    ZONE = "zone"  # under a county's development-zone federation
    TOWNSHIP = "township"  # under a township or street federation
    COMMUNITY = "community"  # a village or community joint union (level 5) under a township federation


CITY_PLACEMENTS: Final = frozenset({Placement.CITY_DIRECT, Placement.CITY_INDUSTRY})


@dataclass(frozen=True, slots=True)
class Where:
    """The places a unit is named after: its province, city, county and township."""

    province_short: str  # 湖南
    city: str  # 长沙市 (the province's name for a municipality)
    city_short: str  # 长沙
    county: str  # 芙蓉区, 桃源县: the county's own name
    county_full: str  # 长沙市芙蓉区, 桃源县: how its organisations are prefixed
    township: str  # 定王台街道, 陬市镇, or "" above the townships
    placement: Placement

    @property
    def local(self) -> str:
        """The most local name a unit at this placement carries: the city's, or the county's."""
        return self.city if self.placement in CITY_PLACEMENTS else self.county_full

    def enterprise_prefix(self, rng: random.Random) -> str:
        """The 行政区划 part of an enterprise name: the province, city or county it registered in."""
        roll = rng.random()
        if roll < 0.3:
            return self.province_short
        if roll < 0.75 or self.placement in CITY_PLACEMENTS or self.county.endswith("区"):
            return self.city_short
        return self.county


Namer = Callable[[random.Random, Where], tuple[str, str]]  # -> (unit name, USCC authority + category)


@dataclass(frozen=True, slots=True)
class UnitKind:
    """One kind of unit: its nature, sector, union size, usual placements, founding years and names."""

    key: str
    nature: str
    sector: Sector
    weight: float  # relative number of grassroots unions of this kind
    median: float  # median members of its union
    sigma: float  # log-normal spread of the union's members
    founded: tuple[int, int]  # years its unions were founded, first and last
    placements: tuple[tuple[Placement, float], ...]
    name: Namer | None  # None for a joint union, whose several units are named by ``small_unit``

    def size(self, rng: random.Random) -> int:
        """Members of one union of this kind: at least 3, rarely more than a few thousand."""
        return max(3, min(60_000, round(rng.lognormvariate(math.log(self.median), self.sigma))))

    def placement(self, rng: random.Random) -> Placement:
        """Where one union of this kind usually hangs."""
        return names.pick_weighted(rng, self.placements)


def _company(form: str, trades: tuple[str, ...]) -> Namer:
    def name(rng: random.Random, where: Where) -> tuple[str, str]:
        return (
            f"{where.enterprise_prefix(rng)}{names.trade_name(rng)}{names.pick(rng, trades)}{form}",
            authority.ENTERPRISE,
        )

    return name


def _private_company(trades: tuple[str, ...]) -> Namer:
    def name(rng: random.Random, where: Where) -> tuple[str, str]:
        form = "有限责任公司" if rng.random() < 0.12 else "有限公司"
        return (
            f"{where.enterprise_prefix(rng)}{names.trade_name(rng)}{names.pick(rng, trades)}{form}",
            authority.ENTERPRISE,
        )

    return name


def _invested(trade_names: tuple[str, ...]) -> Namer:
    def name(rng: random.Random, where: Where) -> tuple[str, str]:
        business = names.pick(rng, names.MANUFACTURING) if rng.random() < 0.8 else "实业"
        return f"{names.pick(rng, trade_names)}（{where.city_short}）{business}有限公司", authority.ENTERPRISE

    return name


def _financial(rng: random.Random, where: Where) -> tuple[str, str]:
    if where.placement in CITY_PLACEMENTS:
        return f"{names.pick(rng, names.BANKS)}{where.city_short}分行", authority.ENTERPRISE
    roll = rng.random()
    if roll < 0.15:
        county = names.short_place_name(where.county)
        return f"{where.province_short}{county}农村商业银行股份有限公司", authority.ENTERPRISE
    if roll < 0.3:
        return f"{names.pick(rng, names.INSURERS)}{where.county}支公司", authority.ENTERPRISE
    return f"{names.pick(rng, names.BANKS)}{where.county}支行", authority.ENTERPRISE


_CITY_STATE_FIRMS: Final = (
    "城市建设投资集团有限公司", "公共交通集团有限公司", "水务投资集团有限公司", "国有资本投资运营集团有限公司",
    "交通建设投资有限公司", "燃气有限公司", "供销集团有限公司", "旅游发展集团有限公司",
)  # fmt: skip
_COUNTY_STATE_FIRMS: Final = (
    "城市建设投资有限公司", "自来水有限公司", "国有资产经营有限公司", "粮食购销有限公司", "交通建设投资有限公司",
    "农业发展投资有限公司",
)  # fmt: skip


def _state_owned(rng: random.Random, where: Where) -> tuple[str, str]:
    if rng.random() < 0.5:
        firms = _CITY_STATE_FIRMS if where.placement in CITY_PLACEMENTS else _COUNTY_STATE_FIRMS
        return f"{where.local}{names.pick(rng, firms)}", authority.ENTERPRISE
    return (
        f"{where.city_short}{names.trade_name(rng)}{names.pick(rng, names.MANUFACTURING)}集团有限公司",
        authority.ENTERPRISE,
    )


def _collective(rng: random.Random, where: Where) -> tuple[str, str]:
    if where.township and rng.random() < 0.5:
        return (
            f"{where.county_full}{where.township}{names.place_name(rng)}村股份经济合作社",
            authority.VILLAGE_COLLECTIVE,
        )
    return f"{where.county_full}{names.trade_name(rng)}{names.pick(rng, names.MANUFACTURING)}厂", authority.ENTERPRISE


def _organ(rng: random.Random, where: Where) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.15:
        return f"中共{where.local}委{names.pick(rng, names.PARTY_DEPARTMENTS)}", authority.GOVERNMENT
    if roll < 0.2:
        return f"国家税务总局{where.local}税务局", authority.GOVERNMENT
    return f"{where.local}{names.pick(rng, names.DEPARTMENTS)}", authority.GOVERNMENT


def _township_organ(rng: random.Random, where: Where) -> tuple[str, str]:
    if where.township.endswith("街道"):
        return f"{where.county_full}{where.township}办事处", authority.GOVERNMENT
    return f"{where.county_full}{where.township}人民政府", authority.GOVERNMENT


_COUNTY_SCHOOLS: Final = ("实验小学", "实验中学", "职业中专学校", "特殊教育学校")


def _school(rng: random.Random, where: Where) -> tuple[str, str]:
    if where.township:
        bare = where.township.removesuffix("街道").removesuffix("镇").removesuffix("乡")
        kind = names.pick(rng, ("中心学校", "中学", "中心小学", "中心幼儿园"))
        if rng.random() < 0.3:
            bare, kind = names.place_name(rng), "小学"
        return f"{where.county_full}{bare}{kind}", authority.PUBLIC_INSTITUTION
    roll = rng.random()
    if roll < 0.5:
        top = 20 if where.placement in CITY_PLACEMENTS else 8
        return f"{where.local}第{names.numeral(1 + names.below(rng, top))}中学", authority.PUBLIC_INSTITUTION
    if roll < 0.7:
        return (
            f"{where.local}{names.pick(rng, ('实验小学', '实验中学', '职业中专学校', '特殊教育学校'))}",
            authority.PUBLIC_INSTITUTION,
        )
    if roll < 0.75 and where.placement in CITY_PLACEMENTS:
        return f"{where.city_short}职业技术学院", authority.PUBLIC_INSTITUTION
    return f"{where.local}{names.place_name(rng)}小学", authority.PUBLIC_INSTITUTION


_HOSPITALS: Final = ("人民医院", "中医医院", "妇幼保健院", "疾病预防控制中心", "第二人民医院", "精神病医院", "急救中心")


def _hospital(rng: random.Random, where: Where) -> tuple[str, str]:
    if where.township:
        clinic = "社区卫生服务中心" if where.township.endswith("街道") else "卫生院"
        return f"{where.county_full}{where.township.removesuffix('街道')}{clinic}", authority.PUBLIC_INSTITUTION
    if where.placement in CITY_PLACEMENTS and rng.random() < 0.4:
        return f"{where.city}第{names.numeral(1 + names.below(rng, 6))}人民医院", authority.PUBLIC_INSTITUTION
    return f"{where.local}{names.pick(rng, _HOSPITALS)}", authority.PUBLIC_INSTITUTION


def _institution(rng: random.Random, where: Where) -> tuple[str, str]:
    return f"{where.local}{names.pick(rng, names.INSTITUTIONS)}", authority.PUBLIC_INSTITUTION


def _social(rng: random.Random, where: Where) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.35:
        return f"{where.county_full}{names.pick(rng, names.ASSOCIATIONS)}", authority.SOCIAL_ORGANISATION
    if roll < 0.7:
        return f"{where.county_full}{names.trade_name(rng)}幼儿园", authority.PRIVATE_NON_ENTERPRISE
    if roll < 0.85:
        return f"{where.enterprise_prefix(rng)}{names.trade_name(rng)}职业培训学校", authority.PRIVATE_NON_ENTERPRISE
    return f"{where.province_short}{names.trade_name(rng)}律师事务所", authority.LAW_FIRM


P = Placement
UNIT_KINDS: Final = (
    UnitKind("private_manufacturing", "05", Sector.MANUFACTURING, 14, 45, 1.1, (1995, 2021),
             ((P.TOWNSHIP, 50), (P.ZONE, 40), (P.COUNTY_INDUSTRY, 5), (P.CITY_INDUSTRY, 5)),
             _private_company(names.MANUFACTURING)),
    UnitKind("private_services", "05", Sector.COMMERCE, 16, 16, 0.9, (1998, 2022),
             ((P.TOWNSHIP, 80), (P.ZONE, 5), (P.COUNTY_INDUSTRY, 10), (P.CITY_INDUSTRY, 5)),
             _private_company(names.SERVICES)),
    UnitKind("private_construction", "05", Sector.CONSTRUCTION, 5, 35, 1.0, (1995, 2020),
             ((P.TOWNSHIP, 40), (P.COUNTY_INDUSTRY, 40), (P.CITY_INDUSTRY, 20)),
             _private_company(names.CONSTRUCTION)),
    UnitKind("joint_stock", "08", Sector.MANUFACTURING, 3, 150, 1.2, (1993, 2018),
             ((P.ZONE, 40), (P.CITY_INDUSTRY, 20), (P.CITY_DIRECT, 15), (P.TOWNSHIP, 25)),
             _company("股份有限公司", names.MANUFACTURING)),
    UnitKind("financial", "03", Sector.FINANCE, 2.5, 45, 0.7, (1985, 2012),
             ((P.COUNTY_INDUSTRY, 80), (P.CITY_INDUSTRY, 20)), _financial),
    UnitKind("state_owned", "03", Sector.MANUFACTURING, 4, 110, 1.2, (1958, 2015),
             ((P.CITY_DIRECT, 35), (P.CITY_INDUSTRY, 35), (P.COUNTY_DIRECT, 30)), _state_owned),
    UnitKind("foreign_invested", "09", Sector.MANUFACTURING, 1.5, 180, 1.0, (1992, 2016),
             ((P.ZONE, 70), (P.TOWNSHIP, 20), (P.CITY_INDUSTRY, 10)), _invested(names.FOREIGN_NAMES)),
    UnitKind("hmt_invested", "10", Sector.MANUFACTURING, 1, 200, 1.0, (1990, 2015),
             ((P.ZONE, 70), (P.TOWNSHIP, 20), (P.CITY_INDUSTRY, 10)), _invested(names.HMT_NAMES)),
    UnitKind("collective", "04", Sector.AGRICULTURE, 2, 15, 0.7, (1960, 2012),
             ((P.TOWNSHIP, 85), (P.COUNTY_DIRECT, 15)), _collective),
    UnitKind("joint_operation", "07", Sector.MANUFACTURING, 0.3, 30, 0.8, (1985, 2005),
             ((P.TOWNSHIP, 70), (P.ZONE, 30)), _company("联营公司", names.MANUFACTURING)),
    UnitKind("government", "01", Sector.GOVERNMENT, 7, 35, 0.6, (1950, 2002),
             ((P.COUNTY_INDUSTRY, 45), (P.COUNTY_DIRECT, 25), (P.CITY_DIRECT, 15), (P.CITY_INDUSTRY, 15)), _organ),
    UnitKind("township_government", "01", Sector.GOVERNMENT, 3, 40, 0.4, (1955, 2002),
             ((P.TOWNSHIP, 100),), _township_organ),
    UnitKind("school", "02", Sector.EDUCATION, 8, 55, 0.7, (1952, 2012),
             ((P.COUNTY_INDUSTRY, 60), (P.TOWNSHIP, 25), (P.CITY_INDUSTRY, 15)), _school),
    UnitKind("hospital", "02", Sector.HEALTH, 4, 80, 1.1, (1952, 2012),
             ((P.COUNTY_INDUSTRY, 50), (P.CITY_INDUSTRY, 30), (P.TOWNSHIP, 20)), _hospital),
    UnitKind("institution", "02", Sector.GOVERNMENT, 2, 25, 0.6, (1960, 2014),
             ((P.COUNTY_INDUSTRY, 40), (P.COUNTY_DIRECT, 30), (P.CITY_DIRECT, 30)), _institution),
    UnitKind("social", "99", Sector.SERVICES, 3, 12, 0.6, (2000, 2022),
             ((P.TOWNSHIP, 60), (P.COUNTY_DIRECT, 40)), _social),
)  # fmt: skip

# A joint grassroots union (联合基层工会) covers several small units; its weight is against the kinds above.
JOINT_UNION: Final = UnitKind(
    "joint_union", "06", Sector.SERVICES, 20, 30, 0.7, (2005, 2023),
    ((P.COMMUNITY, 60), (P.TOWNSHIP, 30), (P.ZONE, 10)), None,
)  # fmt: skip
# Units a joint union covers: mostly individual businesses, some small private firms.
_SMALL_UNIT_NATURES: Final = (("06", 60), ("05", 35), ("99", 5))


def small_unit(rng: random.Random, where: Where) -> tuple[str, str, str]:
    """A unit covered by a joint union: (name, nature, USCC authority + category)."""
    nature = names.pick_weighted(rng, _SMALL_UNIT_NATURES)
    place = f"{where.county_full}{where.township}"
    if nature == "06":
        shop = names.pick(rng, names.SHOPS)
        owner = f"{names.pick(rng, SURNAMES)}记" if rng.random() < 0.5 else names.trade_name(rng)
        return f"{place}{owner}{shop}", nature, authority.INDIVIDUAL_BUSINESS
    if nature == "05":
        return (
            f"{where.enterprise_prefix(rng)}{names.trade_name(rng)}{names.pick(rng, names.SERVICES)}有限公司",
            nature,
            (authority.ENTERPRISE),
        )
    return (
        f"{place}{names.trade_name(rng)}{names.pick(rng, names.TRADES)}服务部",
        nature,
        authority.PRIVATE_NON_ENTERPRISE,
    )
