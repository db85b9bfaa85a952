"""The people of a planned province: valid, varied resident IDs and attributes in a workforce's proportions."""

from __future__ import annotations

import collections
import datetime
import re

import pytest

from exchange.standard import current_county_codes, profile, validate_member, validate_resident_id
from province_node.synthetic.hierarchy import plan_province
from province_node.synthetic.people import EDUCATION
from province_node.synthetic.rosters import RosterEntry, roster_entries

AS_OF = datetime.date(2026, 11, 22)
CHINESE_NAME = re.compile(r"[\u4e00-\u9fff]{2,3}")


@pytest.fixture(scope="module")
def entries() -> list[RosterEntry]:
    return list(roster_entries(plan_province("43", 20_000, seed=11, as_of=AS_OF), seed=11))


def test_every_id_is_a_valid_resident_id_of_a_county_of_the_province(entries: list[RosterEntry]) -> None:
    counties = set(current_county_codes("43"))
    for entry in entries:
        person = entry.person
        verdict = validate_resident_id(person.id_number, today=AS_OF)
        assert verdict.valid, (person.id_number, verdict.errors)
        assert not verdict.warnings
        assert person.id_number[:6] in counties
        assert 1955 <= person.birth_date.year <= 2006
        assert verdict.birth_date == person.birth_date
        assert verdict.gender == person.gender


def test_id_numbers_are_all_different_and_varied(entries: list[RosterEntry]) -> None:
    numbers = [entry.person.id_number for entry in entries]
    assert len(set(numbers)) == len(numbers)
    assert len({number[:6] for number in numbers}) > 100  # most of Hunan's 122 counties
    assert len({number[6:10] for number in numbers}) >= 45  # birth years spread over 1958-2005
    assert {number[17] for number in numbers} == set("0123456789X")


def test_most_members_hold_an_id_issued_where_they_work(entries: list[RosterEntry]) -> None:
    hierarchy = plan_province("43", 20_000, seed=11, as_of=AS_OF)
    regions = [unit.region for _, unit in hierarchy.member_slots()]
    at_home = sum(entry.person.id_number[:6] == region for entry, region in zip(entries, regions, strict=True))
    assert 0.65 <= at_home / len(entries) <= 0.8


def test_members_have_chinese_names_and_mobile_phones(entries: list[RosterEntry]) -> None:
    for entry in entries:
        assert CHINESE_NAME.fullmatch(entry.person.name)
        assert re.fullmatch(r"1[3-9]\d{9}", entry.person.phone)


def test_every_person_is_a_valid_member_under_every_profile(entries: list[RosterEntry]) -> None:
    for name in ("national", "hunan", "hubei"):
        for entry in entries[:2000]:
            record = {**entry.person.record(), "unit": entry.unit, "union": entry.union}
            verdict = validate_member(record, profile(name), today=AS_OF)
            assert verdict.valid, verdict.errors
            assert not verdict.warnings


def test_coded_fields_follow_a_workforce(entries: list[RosterEntry]) -> None:
    count = len(entries)
    men = sum(entry.person.gender == "1" for entry in entries)
    assert 0.52 <= men / count <= 0.58
    education = collections.Counter(entry.person.education for entry in entries)
    total = sum(weight for _, weight in EDUCATION)
    for code, weight in EDUCATION:
        assert abs(education[code] / count - weight / total) < 0.02, code
    han = sum(entry.person.ethnicity == "01" for entry in entries)
    assert 0.9 <= han / count <= 0.97  # Hunan's Tujia, Miao, Dong and Yao minorities
    members_only = sum(entry.person.union_position == "99" for entry in entries)
    assert 0.85 <= members_only / count <= 0.95


def test_the_same_seed_gives_the_same_people() -> None:
    hierarchy = plan_province("43", 500, seed=4, as_of=AS_OF)
    assert list(roster_entries(hierarchy, seed=4)) == list(roster_entries(hierarchy, seed=4))
    assert list(roster_entries(hierarchy, seed=4)) != list(roster_entries(hierarchy, seed=5))
