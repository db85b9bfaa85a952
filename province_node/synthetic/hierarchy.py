"""A province's union organisation tree at a requested scale, as plain data: no database, no members.

Shaped like the seeds (001: Changsha's four levels; 004: Taoyuan county's unions)::

    province federation (省总工会, level 1)
    ├── city federations (市总工会, level 2): one per prefecture-level division in use
    │   ├── county and district federations (县/区总工会, level 3): one per county-level division in use
    │   │   ├── township and street federations (乡镇/街道工会联合会, level 4)
    │   │   │   ├── village and community joint unions (村/社区联合工会, level 5, 联合基层工会)
    │   │   │   └── grassroots unions (level 6): 单建, or 联合 covering several small units
    │   │   ├── industry unions and department federations (县教育工会, 县卫生健康局工会联合会, level 4)
    │   │   ├── a development-zone federation in some counties (桃源高新区工会联合会, level 4)
    │   │   └── grassroots unions directly under the county (县人大常委会机关工会)
    │   ├── city industry (system) unions (市教育工会, 市医务工会 …, level 3) with grassroots unions
    │   └── grassroots unions directly under the city (市总直属基层工会)
    └── the counties of a municipality, and directly administered counties, under the province itself

Union sizes are skewed like real ones: many unions of 5-50 members, a few enterprises with thousands.
``plan_province`` draws unions until their members add up to the requested total exactly. City and county
federations always exist (they are the administrative map); township federations, industry unions and
zones exist where unions hang below them. The tree is deterministic for a seed and an ``as_of`` date.

No member is made here: ``ProvinceHierarchy.member_slots`` says which union and unit each member
belongs to, and a caller (the roster writer, a loader into a node's database) makes people for them.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from exchange.standard import current_city_codes, current_county_codes, region_name
from province_node.synthetic import names
from province_node.synthetic.credit_codes import GRASSROOTS_UNION, ORGANISATION_CODES, OTHER_UNION, numbered_uscc
from province_node.synthetic.people import chinese_name, mobile_phone
from province_node.synthetic.units import (
    CITY_PLACEMENTS,
    JOINT_UNION,
    UNIT_KINDS,
    Placement,
    Sector,
    UnitKind,
    Where,
    small_unit,
)

# org_level codes
PROVINCE_LEVEL: Final = "1"
CITY_LEVEL: Final = "2"
COUNTY_LEVEL: Final = "3"
TOWNSHIP_LEVEL: Final = "4"
COMMUNITY_LEVEL: Final = "5"
GRASSROOTS_LEVEL: Final = "6"
# union_type codes
SINGLE_UNION: Final = "1"  # 单独基层工会（单建）
JOINT_UNION_TYPE: Final = "2"  # 联合基层工会
FEDERATION: Final = "3"  # 工会联合会（区域/行业）
LOCAL_FEDERATION: Final = "4"  # 地方总工会
INDUSTRY_UNION: Final = "5"  # 产业（系统）工会
GRASSROOTS_TYPES: Final = frozenset({SINGLE_UNION, JOINT_UNION_TYPE})

# Industry unions by sector: (name after the city's or county's, union type).
CITY_INDUSTRY_UNIONS: Final = {
    Sector.EDUCATION: ("教育工会", INDUSTRY_UNION),
    Sector.HEALTH: ("医务工会", INDUSTRY_UNION),
    Sector.FINANCE: ("金融工会", INDUSTRY_UNION),
    Sector.CONSTRUCTION: ("建设工会", INDUSTRY_UNION),
    Sector.MANUFACTURING: ("机械冶金工会", INDUSTRY_UNION),
    Sector.COMMERCE: ("财贸轻纺烟草工会", INDUSTRY_UNION),
    Sector.AGRICULTURE: ("农林水利工会", INDUSTRY_UNION),
    Sector.GOVERNMENT: ("直属机关工会联合会", FEDERATION),
}
COUNTY_INDUSTRY_UNIONS: Final = {
    Sector.EDUCATION: ("教育工会", INDUSTRY_UNION),
    Sector.FINANCE: ("金融工会", INDUSTRY_UNION),
    Sector.HEALTH: ("卫生健康局工会联合会", FEDERATION),
    Sector.CONSTRUCTION: ("住房和城乡建设局工会联合会", FEDERATION),
    Sector.MANUFACTURING: ("工业和信息化局工会联合会", FEDERATION),
    Sector.COMMERCE: ("商务局工会联合会", FEDERATION),
    Sector.GOVERNMENT: ("直属机关工会联合会", FEDERATION),
}
ZONE_KINDS: Final = ("高新区", "经济开发区", "工业园", "高新技术产业开发区")
JOINT_UNION_NAMES: Final = ("小微企业联合工会", "个体工商户联合工会", "新就业形态劳动者联合工会")
# Area codes of Hunan's cities for landlines; other provinces get a stable made-up one per city.
AREA_CODES: Final = {
    "4301": "0731", "4302": "0731", "4303": "0731", "4304": "0734", "4305": "0739", "4306": "0730", "4307": "0736",
    "4308": "0744", "4309": "0737", "4310": "0735", "4311": "0746", "4312": "0745", "4313": "0738", "4331": "0743",
}  # fmt: skip
TEMPORARY_UNIT_SHARE: Final = 0.25  # of the individual businesses in joint unions: no licence, a temporary code
TEMPORARY_UNION_SHARE: Final = 0.04  # of village and community joint unions: no legal-person status yet
UNIONS_PER_TOWNSHIP: Final = 4  # a township federation is opened for about this many unions
TERM_YEARS: Final = 5  # a union committee's term (届期)


@dataclass(slots=True)
class Unit:
    """A unit (单位) a grassroots union covers, with how many of the union's members work there."""

    name: str
    nature: str  # unit_nature code
    region: str  # county-level division code where it is
    credit_code: str | None  # None: no legal-person status, the node issues a temporary code
    address: str
    employee_count: int
    members: int

    @property
    def needs_temporary_code(self) -> bool:
        """True for a unit without a USCC, to be given a temporary code (临时赋码) when stored."""
        return self.credit_code is None

    def record(self) -> dict[str, object]:
        """The unit as a record of the standard (for ``validate_unit_record`` and the unit services)."""
        record: dict[str, object] = {
            "name": self.name,
            "nature": self.nature,
            "address": self.address,
            "employeeCount": self.employee_count,
        }
        if self.credit_code is not None:
            record["creditCode"] = self.credit_code
        return record


@dataclass(slots=True)
class Organisation:
    """A union organisation of the tree, with the units and members of a grassroots union."""

    name: str
    level: str  # org_level code
    union_type: str  # union_type code
    region: str  # division code: the province's, a city's or a county's
    credit_code: str | None  # 81… grassroots, 89… others; None: a temporary code is to be issued
    founded_on: datetime.date
    term_start: datetime.date
    term_end: datetime.date
    leader: str
    phone: str
    sector: Sector | None = None  # an industry union's sector, or a grassroots union's units'
    members: int = 0  # members of this union itself (grassroots unions only)
    units: list[Unit] = field(default_factory=list)
    children: list[Organisation] = field(default_factory=list)

    @property
    def is_grassroots(self) -> bool:
        """True for a grassroots union (单建 or 联合), the only kind that has units and members."""
        return self.union_type in GRASSROOTS_TYPES

    @property
    def needs_temporary_code(self) -> bool:
        """True for a grassroots union without a USCC, to be given a temporary code when stored."""
        return self.credit_code is None

    def walk(self) -> Iterator[tuple[Organisation | None, Organisation]]:
        """(parent, organisation) for this organisation and everything below it, parents first."""
        stack: list[tuple[Organisation | None, Organisation]] = [(None, self)]
        while stack:
            parent, organisation = stack.pop()
            yield parent, organisation
            stack.extend((organisation, child) for child in reversed(organisation.children))

    def subtree_members(self) -> int:
        """Members of every grassroots union in this subtree."""
        return sum(organisation.members for _, organisation in self.walk())

    def record(self) -> dict[str, object]:
        """The organisation as a record of the standard (for ``validate_union_record`` and the services)."""
        record: dict[str, object] = {
            "name": self.name,
            "orgLevel": self.level,
            "unionType": self.union_type,
            "foundedOn": self.founded_on,
            "termStart": self.term_start,
            "termEnd": self.term_end,
            "leader": self.leader,
            "phone": self.phone,
        }
        if self.credit_code is not None:
            record["creditCode"] = self.credit_code
        return record


@dataclass(slots=True)
class ProvinceHierarchy:
    """A planned province: its organisation tree and the seed, date and member total it was planned for."""

    province: str
    seed: int
    as_of: datetime.date
    members: int
    root: Organisation

    def walk(self) -> Iterator[tuple[Organisation | None, Organisation]]:
        """(parent, organisation) for every organisation, parents first (the order to create them in)."""
        return self.root.walk()

    def organisations(self) -> Iterator[Organisation]:
        """Every organisation, parents first."""
        return (organisation for _, organisation in self.root.walk())

    def grassroots_unions(self) -> Iterator[Organisation]:
        """Every grassroots union, in tree order."""
        return (organisation for organisation in self.organisations() if organisation.is_grassroots)

    def units(self) -> Iterator[tuple[Organisation, Unit]]:
        """(grassroots union, unit) for every unit."""
        return ((union, unit) for union in self.grassroots_unions() for unit in union.units)

    def member_slots(self) -> Iterator[tuple[Organisation, Unit]]:
        """(grassroots union, unit) once per member, union by union: where each member is to be placed."""
        for union, unit in self.units():
            yield from itertools.repeat((union, unit), unit.members)


def _years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(slots=True)
class _City:
    code: str
    name: str
    short: str
    org: Organisation
    industry: dict[Sector, Organisation] = field(default_factory=dict)


@dataclass(slots=True)
class _County:
    code: str
    name: str  # its own name: 桃源县, 芙蓉区
    full: str  # its organisations' prefix: 桃源县, 长沙市芙蓉区
    urban: bool
    city: _City | None  # None when it hangs under the province directly and there are cities
    org: Organisation
    township_count: int  # how many townships the county really has
    zone_name: str | None
    industry: dict[Sector, Organisation] = field(default_factory=dict)
    zone: Organisation | None = None
    townships: list[tuple[str, Organisation]] = field(default_factory=list)
    township_weights: list[float] = field(default_factory=list)  # cumulative


@dataclass(frozen=True, slots=True)
class _Draw:
    kind: UnitKind
    size: int
    placement: Placement
    county: _County


class _Planner:
    """Builds one province's tree; every random choice comes from ``rng`` in a fixed order."""

    def __init__(self, province: str, rng: random.Random, as_of: datetime.date) -> None:
        self.province = province
        self.rng = rng
        self.as_of = as_of
        self.province_name = region_name(f"{province}0000") or province
        self.province_short = names.province_short_name(province, self.province_name)
        self.org_names: set[str] = set()
        self.unit_names: set[str] = set()
        self.codes: set[str] = set()

    # -- small parts ---------------------------------------------------------------------------------

    def credit_code(self, kind: str, region: str) -> str:
        while True:
            code = numbered_uscc(kind, region, names.below(self.rng, ORGANISATION_CODES))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def founded(self, first: int, last: int) -> datetime.date:
        """A day in the years ``first``..``last``, and before this year."""
        last = min(last, self.as_of.year - 1)
        start = datetime.date(min(first, last), 1, 1).toordinal()
        return datetime.date.fromordinal(start + names.below(self.rng, datetime.date(last, 12, 31).toordinal() - start))

    def phone(self, region: str, *, mobile_share: float) -> str:
        if self.rng.random() < mobile_share:
            return mobile_phone(self.rng)
        city = region[:4] if region[2:4] != "00" else region[:2] + "01"  # the province's: its capital's
        area = AREA_CODES.get(city) or f"0{int(city) * 37 % 900 + 100}"
        return f"{area}-{2 + names.below(self.rng, 7)}{names.below(self.rng, 10**7):07d}"

    def organisation(
        self,
        parent: Organisation | None,
        name: str,
        level: str,
        union_type: str,
        region: str,
        *,
        years: tuple[int, int],
        code_region: str | None = None,
        sector: Sector | None = None,
        temporary: bool = False,
    ) -> Organisation:
        rng = self.rng
        grassroots = union_type in GRASSROOTS_TYPES
        founded = self.founded(*years)
        term_start = max(founded, self.as_of - datetime.timedelta(days=names.below(rng, TERM_YEARS * 365)))
        kind = GRASSROOTS_UNION if grassroots else OTHER_UNION
        created = Organisation(
            name=name,
            level=level,
            union_type=union_type,
            region=region,
            credit_code=None if temporary else self.credit_code(kind, code_region or region),
            founded_on=founded,
            term_start=term_start,
            term_end=_years_after(term_start, TERM_YEARS),
            leader=chinese_name(rng, "1" if rng.random() < 0.68 else "2"),
            phone=self.phone(region, mobile_share=0.55 if grassroots else 0.0),
            sector=sector,
        )
        self.org_names.add(name)
        if parent is not None:
            parent.children.append(created)
        return created

    # -- the administrative map ----------------------------------------------------------------------

    def map(self) -> tuple[Organisation, list[_County]]:
        root = self.organisation(
            None, f"{self.province_name}总工会", PROVINCE_LEVEL, LOCAL_FEDERATION, f"{self.province}0000",
            years=(1950, 1958),
        )  # fmt: skip
        cities: dict[str, _City] = {}
        for code in current_city_codes(self.province):
            name = region_name(code) or code
            org = self.organisation(root, f"{name}总工会", CITY_LEVEL, LOCAL_FEDERATION, code, years=(1950, 1985))
            cities[code] = _City(code, name, names.short_place_name(name), org)
        municipality = None if cities else _City(root.region, self.province_name, self.province_short, root)
        counties: list[_County] = []
        county_codes = current_county_codes(self.province)
        for code in county_codes:
            name = region_name(code) or code
            city = cities.get(f"{code[:4]}00", municipality)
            urban = name.endswith("区") and city is not None
            full = f"{city.name}{name}" if urban and city is not None else name
            if f"{full}总工会" in self.org_names:
                continue  # the same county under an old and a new code: keep the first
            parent = city.org if city is not None else root
            org = self.organisation(parent, f"{full}总工会", COUNTY_LEVEL, LOCAL_FEDERATION, code, years=(1950, 1990))
            counties.append(self.county(code, name, full, urban, city, org))
        for city in cities.values():  # a city without counties has townships of its own (东莞, 中山)
            if not any(county.city is city for county in counties):
                counties.append(self.county(city.code, city.name, city.name, False, city, city.org))
        return root, counties

    def county(self, code: str, name: str, full: str, urban: bool, city: _City | None, org: Organisation) -> _County:
        rng = self.rng
        township_count = rng.randint(5, 14) if urban else rng.randint(8, 24)
        zone_name = None
        if rng.random() < (0.15 if urban else 0.45):
            short = names.short_place_name(name)
            zone_name = f"{city.short if urban and city else ''}{short}{names.pick(rng, ZONE_KINDS)}"
        return _County(code, name, full, urban, city, org, township_count, zone_name)

    def weights(self, counties: list[_County]) -> list[float]:
        """Cumulative weights of the counties: a city's members split among its counties, the capital's
        city the largest, urban districts larger than rural counties."""
        rng = self.rng
        city_factor: dict[str, float] = {}
        county_factor: list[float] = []
        for county in counties:
            city = county.city.code if county.city else county.code
            if city not in city_factor:
                capital = city[2:4] in ("00", "01")
                size = 3.0 if capital else 1.0 if county.city else 0.4
                city_factor[city] = size * rng.lognormvariate(0, 0.1 if capital else 0.35)
            county_factor.append(rng.lognormvariate(0, 0.45) * (1.4 if county.urban else 1.0))
        in_city: dict[str, float] = {}
        for county, factor in zip(counties, county_factor, strict=True):
            city = county.city.code if county.city else county.code
            in_city[city] = in_city.get(city, 0.0) + factor
        weights = []
        for county, factor in zip(counties, county_factor, strict=True):
            city = county.city.code if county.city else county.code
            weights.append(city_factor[city] * factor / in_city[city])
        return list(itertools.accumulate(weights))

    # -- where a union hangs ------------------------------------------------------------------------

    def resolve(self, kind: UnitKind, placement: Placement, county: _County) -> Placement:
        """The placement made possible: no city level, no industry union of the sector, no zone."""
        if placement in CITY_PLACEMENTS and county.city is None:
            placement = Placement.COUNTY_DIRECT if placement is Placement.CITY_DIRECT else Placement.COUNTY_INDUSTRY
        if placement is Placement.CITY_INDUSTRY and kind.sector not in CITY_INDUSTRY_UNIONS:
            placement = Placement.CITY_DIRECT
        if placement is Placement.COUNTY_INDUSTRY and kind.sector not in COUNTY_INDUSTRY_UNIONS:
            placement = Placement.COUNTY_DIRECT
        if placement is Placement.ZONE and county.zone_name is None:
            placement = Placement.TOWNSHIP
        return placement

    def open_townships(self, county: _County, unions: int) -> None:
        rng = self.rng
        wanted = min(county.township_count, max(1, math.ceil(unions / UNIONS_PER_TOWNSHIP)))
        taken: set[str] = set()
        total = 0.0
        for index in range(wanted):
            name = names.township_name(rng, urban=county.urban)
            while name in taken:
                name = names.township_name(rng, urban=county.urban)
            taken.add(name)
            org = self.organisation(
                county.org, f"{county.full}{name}工会联合会", TOWNSHIP_LEVEL, FEDERATION, county.code,
                years=(1985, 2016),
            )  # fmt: skip
            county.townships.append((name, org))
            total += 1 / (index + 1) ** 0.8  # the county seat's township is the largest
            county.township_weights.append(total)

    def township(self, county: _County) -> tuple[Organisation, str]:
        weights = county.township_weights
        name, org = county.townships[bisect.bisect(weights, self.rng.random() * weights[-1])]
        return org, name

    def city_industry(self, city: _City, sector: Sector) -> Organisation:
        union = city.industry.get(sector)
        if union is None:
            suffix, union_type = CITY_INDUSTRY_UNIONS[sector]
            union = self.organisation(
                city.org, f"{city.name}{suffix}", COUNTY_LEVEL, union_type, city.code, years=(1978, 2005), sector=sector
            )
            city.industry[sector] = union
        return union

    def county_industry(self, county: _County, sector: Sector) -> Organisation:
        if county.city is not None and county.org is county.city.org:
            return self.city_industry(county.city, sector)
        union = county.industry.get(sector)
        if union is None:
            suffix, union_type = COUNTY_INDUSTRY_UNIONS[sector]
            union = self.organisation(
                county.org, f"{county.full}{suffix}", TOWNSHIP_LEVEL, union_type, county.code,
                years=(1980, 2010), sector=sector,
            )  # fmt: skip
            county.industry[sector] = union
        return union

    def zone(self, county: _County) -> Organisation:
        if county.zone is None:
            county.zone = self.organisation(
                county.org, f"{county.zone_name}工会联合会", TOWNSHIP_LEVEL, FEDERATION, county.code,
                years=(1995, 2016),
            )  # fmt: skip
        return county.zone

    def parent(self, draw: _Draw) -> tuple[Organisation, str]:
        """The organisation a drawn union hangs under, and the township it is in ("" above townships)."""
        county, placement, sector = draw.county, draw.placement, draw.kind.sector
        if placement in (Placement.TOWNSHIP, Placement.COMMUNITY):
            return self.township(county)
        if placement is Placement.ZONE:
            return self.zone(county), ""
        if placement is Placement.COUNTY_INDUSTRY:
            return self.county_industry(county, sector), ""
        if placement is Placement.COUNTY_DIRECT:
            return county.org, ""
        if county.city is None:  # resolved away already; kept for the type checker
            return county.org, ""
        if placement is Placement.CITY_INDUSTRY:
            return self.city_industry(county.city, sector), ""
        return county.city.org, ""

    # -- grassroots unions ---------------------------------------------------------------------------

    def where(self, draw: _Draw, township: str) -> Where:
        county = draw.county
        city = county.city
        return Where(
            province_short=self.province_short,
            city=city.name if city else county.name,
            city_short=city.short if city else names.short_place_name(county.name),
            county=county.name,
            county_full=county.full,
            township=township,
            placement=draw.placement,
        )

    def unit_name(self, kind: UnitKind, where: Where) -> tuple[UnitKind, str, str]:
        """A unit name not used yet; a kind whose names run out in a place gives way to a private firm."""
        while True:
            for _ in range(8):
                if kind.name is None:
                    break
                name, authority = kind.name(self.rng, where)
                if name not in self.unit_names:
                    self.unit_names.add(name)
                    return kind, name, authority
            kind = UNIT_KINDS[1]  # private services: names to spare everywhere

    def single_union(self, draw: _Draw, parent: Organisation, township: str) -> None:
        rng = self.rng
        where = self.where(draw, township)
        kind, unit_name, authority = self.unit_name(draw.kind, where)
        county = draw.county
        code_region = county.city.code if draw.placement in CITY_PLACEMENTS and county.city else county.code
        unit = Unit(
            name=unit_name,
            nature=kind.nature,
            region=county.code,
            credit_code=self.credit_code(authority, code_region),
            address=names.address(rng, f"{county.full}{township}"),
            employee_count=math.ceil(draw.size * rng.uniform(1.0, 1.6)),
            members=draw.size,
        )
        union_name = unit_name + ("工会委员会" if rng.random() < 0.05 else "工会")
        union = self.organisation(
            parent, union_name, GRASSROOTS_LEVEL, SINGLE_UNION, county.code,
            years=kind.founded, code_region=code_region, sector=kind.sector,
        )  # fmt: skip
        union.members = draw.size
        union.units.append(unit)

    def joint_union_name(self, draw: _Draw, township: str) -> str:
        rng, county = self.rng, draw.county
        attempt = 0
        while True:
            if draw.placement is Placement.COMMUNITY:
                if county.urban or township.endswith("街道"):
                    name = f"{county.full}{township}{names.street_name(rng)}社区联合工会"
                else:
                    name = f"{county.full}{township}{names.place_name(rng)}村联合工会"
            elif draw.placement is Placement.ZONE:
                name = f"{county.zone_name}{names.pick(rng, names.TRADES)}企业联合工会"
            elif rng.random() < 0.5:
                name = f"{county.full}{township}{names.pick(rng, names.TRADES)}行业联合工会"
            else:
                name = f"{county.full}{township}{names.pick(rng, JOINT_UNION_NAMES)}"
            if attempt > 20:
                name = f"{county.full}{township}{names.place_name(rng)}{names.trade_name(rng)}联合工会"
            if name not in self.org_names:
                return name
            attempt += 1

    def joint_union(self, draw: _Draw, parent: Organisation, township: str) -> None:
        rng = self.rng
        county = draw.county
        where = self.where(draw, township)
        community = draw.placement is Placement.COMMUNITY
        union = self.organisation(
            parent, self.joint_union_name(draw, township), COMMUNITY_LEVEL if community else GRASSROOTS_LEVEL,
            JOINT_UNION_TYPE, county.code, years=draw.kind.founded, sector=draw.kind.sector,
            temporary=community and rng.random() < TEMPORARY_UNION_SHARE,
        )  # fmt: skip
        union.members = draw.size
        count = min(draw.size, 2 + min(18, int(rng.expovariate(1 / 3))))
        shares = [rng.lognormvariate(0, 0.6) for _ in range(count)]
        spare = draw.size - count
        members = [1 + int(spare * share / sum(shares)) for share in shares]
        members[0] += draw.size - sum(members)
        for unit_members in members:
            while True:
                name, nature, authority = small_unit(rng, where)
                if name not in self.unit_names:
                    break
            self.unit_names.add(name)
            temporary = nature == "06" and rng.random() < TEMPORARY_UNIT_SHARE
            union.units.append(
                Unit(
                    name=name,
                    nature=nature,
                    region=county.code,
                    credit_code=None if temporary else self.credit_code(authority, county.code),
                    address=names.address(rng, f"{county.full}{township}"),
                    employee_count=math.ceil(unit_members * rng.uniform(1.0, 1.5)),
                    members=unit_members,
                )
            )

    # -- the whole province --------------------------------------------------------------------------

    def draws(self, members: int, counties: list[_County]) -> list[_Draw]:
        rng = self.rng
        kinds = (*UNIT_KINDS, JOINT_UNION)
        kind_weights = list(itertools.accumulate(kind.weight for kind in kinds))
        county_weights = self.weights(counties)
        draws: list[_Draw] = []
        remaining = members
        while remaining > 0:
            kind = kinds[bisect.bisect(kind_weights, rng.random() * kind_weights[-1])]
            size = min(kind.size(rng), remaining)
            county = counties[bisect.bisect(county_weights, rng.random() * county_weights[-1])]
            draws.append(_Draw(kind, size, self.resolve(kind, kind.placement(rng), county), county))
            remaining -= size
        return draws

    def plan(self, members: int) -> Organisation:
        root, counties = self.map()
        draws = self.draws(members, counties) if counties else []
        in_townships = {id(county): 0 for county in counties}
        for draw in draws:
            if draw.placement in (Placement.TOWNSHIP, Placement.COMMUNITY):
                in_townships[id(draw.county)] += 1
        for county in counties:
            if in_townships[id(county)]:
                self.open_townships(county, in_townships[id(county)])
        for draw in draws:
            parent, township = self.parent(draw)
            if draw.kind is JOINT_UNION:
                self.joint_union(draw, parent, township)
            else:
                self.single_union(draw, parent, township)
        for _, organisation in root.walk():  # federations first, grassroots unions after them
            organisation.children.sort(key=lambda child: (child.is_grassroots, child.level))
        return root


def plan_province(province: str, members: int, *, seed: int = 0, as_of: datetime.date) -> ProvinceHierarchy:
    """Plan the organisation tree of ``province`` (two-digit code) for ``members`` members in all.

    Deterministic for (``province``, ``members``, ``seed``, ``as_of``); ``as_of`` bounds founding dates and
    terms. Raises ``ValueError`` for an unknown province or a negative member count.
    """
    if members < 0:
        raise ValueError(f"members must be 0 or more, not {members}")
    if region_name(f"{province}0000") is None or not current_county_codes(province):
        raise ValueError(f"{province!r} is not a province code")
    rng = random.Random(f"unionfed hierarchy {province} {seed}")  # noqa: S311 - synthetic data
    root = _Planner(province, rng, as_of).plan(members)
    return ProvinceHierarchy(province=province, seed=seed, as_of=as_of, members=members, root=root)
