"""The planned organisation tree of a province: shaped like the seeds, valid, skewed, deterministic."""

from __future__ import annotations

import collections
import datetime
import statistics

import pytest

from exchange.standard import (
    ProblemCode,
    current_city_codes,
    current_county_codes,
    profile,
    region_name,
    validate_union_record,
    validate_unit_record,
    validate_uscc,
)
from province_node.synthetic.hierarchy import (
    GRASSROOTS_LEVEL,
    Organisation,
    ProvinceHierarchy,
    plan_province,
)

AS_OF = datetime.date(2026, 11, 22)
NATIONAL = profile("national")
# The registration authority + category a unit's USCC may start with, by the unit's nature.
AUTHORITIES = {
    "01": {"11"},
    "02": {"12"},
    "03": {"91"},
    "04": {"91", "N2"},
    "05": {"91"},
    "06": {"92"},
    "07": {"91"},
    "08": {"91"},
    "09": {"91"},
    "10": {"91"},
    "99": {"31", "51", "52"},
}


@pytest.fixture(scope="module")
def hunan() -> ProvinceHierarchy:
    return plan_province("43", 300_000, seed=7, as_of=AS_OF)


def grassroots(hierarchy: ProvinceHierarchy) -> list[Organisation]:
    return list(hierarchy.grassroots_unions())


@pytest.mark.parametrize("members", [0, 1, 7, 999, 60_000])
def test_the_members_of_the_grassroots_unions_add_up_to_the_requested_total(members: int) -> None:
    hierarchy = plan_province("43", members, seed=1, as_of=AS_OF)
    assert sum(union.members for union in hierarchy.grassroots_unions()) == members
    assert hierarchy.root.subtree_members() == members
    assert sum(1 for _ in hierarchy.member_slots()) == members


def test_the_members_of_a_union_add_up_over_its_units(hunan: ProvinceHierarchy) -> None:
    for union in grassroots(hunan):
        assert union.units
        assert sum(unit.members for unit in union.units) == union.members
        assert all(unit.members >= 1 and unit.employee_count >= unit.members for unit in union.units)


def test_the_same_seed_plans_the_same_tree_and_another_seed_another() -> None:
    def shape(hierarchy: ProvinceHierarchy) -> list[object]:
        return [
            (organisation.record(), [unit.record() for unit in organisation.units])
            for organisation in hierarchy.organisations()
        ]

    first = plan_province("43", 20_000, seed=5, as_of=AS_OF)
    assert shape(first) == shape(plan_province("43", 20_000, seed=5, as_of=AS_OF))
    assert shape(first) != shape(plan_province("43", 20_000, seed=6, as_of=AS_OF))


def test_every_city_of_the_province_has_a_federation_under_the_province_federation(hunan: ProvinceHierarchy) -> None:
    root = hunan.root
    assert (root.name, root.level, root.union_type, root.region) == ("湖南省总工会", "1", "4", "430000")
    cities = [child for child in root.children if child.level == "2"]
    assert [city.region for city in cities] == list(current_city_codes("43"))
    assert cities[0].name == "长沙市总工会"
    assert all(city.union_type == "4" and city.name == f"{region_name(city.region)}总工会" for city in cities)


def test_every_county_in_use_has_a_federation_under_its_city(hunan: ProvinceHierarchy) -> None:
    counties = {
        organisation.region: (parent, organisation)
        for parent, organisation in hunan.walk()
        if organisation.level == "3" and organisation.union_type == "4"
    }
    assert sorted(counties) == sorted(current_county_codes("43"))
    for code, (parent, county) in counties.items():
        assert parent is not None
        assert parent.region == f"{code[:4]}00"
        assert county.name.endswith("总工会")
    assert counties["430102"][1].name == "长沙市芙蓉区总工会"
    assert counties["430725"][1].name == "桃源县总工会"


def test_levels_and_union_types_follow_the_seeds(hunan: ProvinceHierarchy) -> None:
    seen = collections.Counter((organisation.level, organisation.union_type) for organisation in hunan.organisations())
    assert set(seen) == {
        ("1", "4"),  # 省总工会
        ("2", "4"),  # 市总工会
        ("3", "4"),  # 县/区总工会
        ("3", "5"),  # 市产业（系统）工会
        ("3", "3"),  # 市直属机关工会联合会
        ("4", "3"),  # 乡镇/街道工会联合会, 开发区工会联合会, 县局工会联合会
        ("4", "5"),  # 县教育工会, 县金融工会
        ("5", "2"),  # 村/社区联合工会
        ("6", "1"),  # 单独基层工会
        ("6", "2"),  # 联合基层工会
    }
    for parent, child in hunan.walk():
        if parent is not None:
            assert child.level > parent.level, (parent.name, child.name)
            assert not parent.is_grassroots
        if not child.is_grassroots:
            assert child.members == 0
            assert not child.units


def test_federations_are_named_after_their_places(hunan: ProvinceHierarchy) -> None:
    for parent, organisation in hunan.walk():
        if organisation.level == "4" and organisation.union_type == "3" and parent is not None:
            assert organisation.name.endswith("工会联合会")
        if organisation.level == "4" and parent is not None and parent.region == "430102":
            assert organisation.name.startswith("长沙市芙蓉区") or "芙蓉" in organisation.name
    industry = [organisation.name for organisation in hunan.organisations() if organisation.union_type == "5"]
    assert "长沙市教育工会" in industry
    assert any(name.endswith("县教育工会") for name in industry)


def test_a_single_union_is_named_after_its_unit(hunan: ProvinceHierarchy) -> None:
    for union in grassroots(hunan):
        if union.union_type == "1":
            [unit] = union.units
            assert union.name in (f"{unit.name}工会", f"{unit.name}工会委员会")
        else:
            assert union.name.endswith("联合工会")


def test_names_of_units_and_organisations_are_unique(hunan: ProvinceHierarchy) -> None:
    names = [organisation.name for organisation in hunan.organisations()]
    units = [unit.name for _, unit in hunan.units()]
    assert len(set(names)) == len(names)
    assert len(set(units)) == len(units)


def test_every_organisation_record_passes_the_standard(hunan: ProvinceHierarchy) -> None:
    for organisation in hunan.organisations():
        verdict = validate_union_record(organisation.record(), NATIONAL, today=AS_OF)
        if organisation.needs_temporary_code:
            assert organisation.is_grassroots
            assert [(error.code, error.field) for error in verdict.errors] == [
                (ProblemCode.VALUE_REQUIRED, "creditCode")
            ]
        else:
            assert verdict.valid, (organisation.name, verdict.errors)
            assert not verdict.warnings


def test_union_codes_start_81_for_grassroots_unions_and_89_for_the_others(hunan: ProvinceHierarchy) -> None:
    for organisation in hunan.organisations():
        if organisation.credit_code is None:
            continue
        assert validate_uscc(organisation.credit_code).valid
        assert organisation.credit_code[:2] == ("81" if organisation.is_grassroots else "89")
        assert organisation.credit_code[2:8] in (organisation.region, f"{organisation.region[:4]}00")


def test_unit_codes_are_usccs_of_the_authority_that_registers_such_units(hunan: ProvinceHierarchy) -> None:
    for _, unit in hunan.units():
        assert validate_unit_record(unit.record(), NATIONAL, today=AS_OF).valid or unit.needs_temporary_code
        if unit.credit_code is not None:
            assert validate_uscc(unit.credit_code).valid
            assert unit.credit_code[:2] in AUTHORITIES[unit.nature], (unit.name, unit.credit_code)
            assert unit.credit_code[2:6] == unit.region[:4]


def test_credit_codes_are_unique(hunan: ProvinceHierarchy) -> None:
    codes = [organisation.credit_code for organisation in hunan.organisations() if organisation.credit_code]
    codes += [unit.credit_code for _, unit in hunan.units() if unit.credit_code]
    assert len(set(codes)) == len(codes)


def test_a_few_small_units_and_joint_unions_wait_for_a_temporary_code(hunan: ProvinceHierarchy) -> None:
    units = [unit for _, unit in hunan.units()]
    temporary = [unit for unit in units if unit.needs_temporary_code]
    assert 0.03 < len(temporary) / len(units) < 0.15
    assert {unit.nature for unit in temporary} == {"06"}  # individual businesses without a licence
    unions = [union for union in grassroots(hunan) if union.needs_temporary_code]
    assert unions
    assert all(union.level == "5" and union.union_type == "2" for union in unions)


def test_union_sizes_are_skewed_many_small_a_few_with_thousands() -> None:
    sizes = [union.members for union in grassroots(plan_province("43", 1_000_000, seed=3, as_of=AS_OF))]
    assert 20 <= statistics.median(sizes) <= 60
    assert 0.55 <= sum(size <= 50 for size in sizes) / len(sizes) <= 0.8
    assert sum(5 <= size <= 50 for size in sizes) / len(sizes) >= 0.10
    assert sum(size >= 1000 for size in sizes) >= 20
    assert max(sizes) >= 2000


def test_most_unions_stand_alone_and_a_fifth_are_joint_unions_of_several_units(hunan: ProvinceHierarchy) -> None:
    unions = grassroots(hunan)
    joint = [union for union in unions if union.union_type == "2"]
    assert 0.15 <= len(joint) / len(unions) <= 0.27
    assert statistics.mean(len(union.units) for union in joint) >= 3
    assert all(len(union.units) >= 2 for union in joint if union.members >= 2)


def test_members_by_unit_nature_look_like_a_workforce(hunan: ProvinceHierarchy) -> None:
    members: collections.Counter[str] = collections.Counter()
    for _, unit in hunan.units():
        members[unit.nature] += unit.members
    share = {nature: count / hunan.members for nature, count in members.items()}
    assert set(share) == {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "99"}
    assert max(share, key=share.__getitem__) == "05"  # private enterprises
    assert 0.20 <= share["05"] <= 0.45
    assert 0.08 <= share["02"] <= 0.25  # schools, hospitals
    assert 0.02 <= share["06"] <= 0.12  # individual businesses in joint unions
    assert share["07"] < 0.01


def test_members_concentrate_in_the_capital(hunan: ProvinceHierarchy) -> None:
    by_city: collections.Counter[str] = collections.Counter()
    for union in grassroots(hunan):
        by_city[union.region[:4]] += union.members
    (capital, members), (_, second) = by_city.most_common(2)
    assert capital == "4301"
    assert members > second
    assert 0.12 <= members / hunan.members <= 0.25
    assert len(by_city) == 14


def test_dates_are_in_the_past_and_terms_last_five_years(hunan: ProvinceHierarchy) -> None:
    for organisation in hunan.organisations():
        assert datetime.date(1950, 1, 1) <= organisation.founded_on < AS_OF
        assert organisation.founded_on <= organisation.term_start <= AS_OF
        assert organisation.term_end.year == organisation.term_start.year + 5


@pytest.mark.parametrize(
    ("province", "root", "under_root"),
    [
        ("11", "北京市总工会", "北京市东城区总工会"),  # a municipality: districts under the province itself
        ("42", "湖北省总工会", "仙桃市总工会"),  # a county-level city the province administers directly
        ("44", "广东省总工会", "东莞市总工会"),  # a city without counties has townships of its own
    ],
)
def test_other_shapes_of_provinces_are_planned_too(province: str, root: str, under_root: str) -> None:
    hierarchy = plan_province(province, 50_000, seed=2, as_of=AS_OF)
    assert hierarchy.root.name == root
    assert under_root in [child.name for child in hierarchy.root.children]
    assert hierarchy.root.subtree_members() == 50_000
    names = [organisation.name for organisation in hierarchy.organisations()]
    assert len(set(names)) == len(names)
    for _, unit in hierarchy.units():
        assert unit.credit_code is None or validate_uscc(unit.credit_code).valid


def test_a_city_without_counties_hangs_its_townships_below_itself() -> None:
    hierarchy = plan_province("44", 200_000, seed=2, as_of=AS_OF)
    [dongguan] = [child for child in hierarchy.root.children if child.name == "东莞市总工会"]
    assert any(child.level == "4" and child.name.startswith("东莞市") for child in dongguan.children)
    assert dongguan.subtree_members() > 0


@pytest.mark.parametrize(("province", "members"), [("99", 10), ("4", 10), ("43", -1)])
def test_an_unknown_province_or_a_negative_count_is_refused(province: str, members: int) -> None:
    with pytest.raises(ValueError, match=r"province|members"):
        plan_province(province, members, as_of=AS_OF)


def test_grassroots_unions_are_the_only_ones_with_units(hunan: ProvinceHierarchy) -> None:
    for organisation in hunan.organisations():
        assert bool(organisation.units) == organisation.is_grassroots
        assert organisation.is_grassroots == (organisation.union_type in ("1", "2"))
        if organisation.level == GRASSROOTS_LEVEL:
            assert organisation.is_grassroots
