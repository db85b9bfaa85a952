"""Statistics over HTTP: counts by one and two dimensions equal counts taken in Python from the members
the test registered; a subtree filter narrows them; unknown codes are refused; an answer kept for the data
version is counted again as soon as anything is written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from exchange.standard import china_today
from province_node.domain.lifecycle import StatusChange
from province_node.domain.statistics import age_band
from province_node.services.statistics_version import compact_statistics_changes
from tests.integration.province_node.conftest import (
    Enrolled,
    GraphQLClient,
    StatementCounter,
    fetch,
    gid,
    scalar,
)
from tests.integration.province_node.world import World

pytestmark = pytest.mark.anyio

STATISTICS = """query($by: [StatisticsDimension!]!, $f: MemberFilterInput) { statistics(groupBy: $by, filter: $f) {
    dimensions total rows { count keys { dimension code label } } } }"""
CURRENT = {"active", "retired", "reserved", "transferring_out"}

# How a registered member falls into each dimension, computed from what the test registered.
DIMENSIONS: dict[str, Callable[[World, Enrolled], str | None]] = {
    "GENDER": lambda w, e: e.person.gender,
    "EDUCATION": lambda w, e: e.person.education,
    "POLITICAL_STATUS": lambda w, e: e.person.political_status,
    "HOUSEHOLD_TYPE": lambda w, e: e.person.household_type,
    "NEW_EMPLOYMENT_FORM": lambda w, e: e.person.new_employment_form,
    "AGE_BAND": lambda w, e: age_band(e.person.birth_date, china_today()),
    "STATUS": lambda w, e: e.status,
    "UNIT_NATURE": lambda w, e: "05" if e.unit_id == w.furong_unit.id else "08",
    "UNION_TYPE": lambda w, e: "1",
    "ORG_LEVEL": lambda w, e: "6",
}


async def counts(
    client: GraphQLClient, dimensions: list[str], where: Mapping[str, object] | None = None
) -> tuple[Counter[tuple[str | None, ...]], dict[str, Any]]:
    data = (await client.data(STATISTICS, {"by": dimensions, "f": where}))["statistics"]
    found: Counter[tuple[str | None, ...]] = Counter()
    for row in data["rows"]:
        found[tuple(key["code"] for key in row["keys"])] += row["count"]
    return found, data


def expected(
    world: World, roster: list[Enrolled], dimensions: list[str], keep: Callable[[Enrolled], bool]
) -> Counter[tuple[str | None, ...]]:
    return Counter(
        tuple(DIMENSIONS[dimension](world, enrolled) for dimension in dimensions)
        for enrolled in roster
        if keep(enrolled)
    )


def current(enrolled: Enrolled) -> bool:
    return enrolled.status in CURRENT


@pytest.mark.parametrize("dimension", list(DIMENSIONS))
async def test_counts_by_one_dimension_equal_the_members_registered(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient, dimension: str
) -> None:
    found, data = await counts(city_admin, [dimension])
    assert found == expected(world, roster, [dimension], current)
    assert data["total"] == sum(1 for enrolled in roster if current(enrolled))


@pytest.mark.parametrize(
    ("first", "second"), [("GENDER", "AGE_BAND"), ("EDUCATION", "UNIT_NATURE"), ("STATUS", "POLITICAL_STATUS")]
)
async def test_counts_by_two_dimensions_equal_the_members_registered(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient, first: str, second: str
) -> None:
    found, data = await counts(city_admin, [first, second])
    assert found == expected(world, roster, [first, second], current)
    assert data["dimensions"] == [first, second]


async def test_every_key_carries_its_dimension_and_chinese_label(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient
) -> None:
    _found, data = await counts(city_admin, ["GENDER", "STATUS"])
    labels = {(key["dimension"], key["code"]): key["label"] for row in data["rows"] for key in row["keys"]}
    assert labels[("GENDER", "1")] == "男"
    assert labels[("GENDER", "2")] == "女"
    assert labels[("STATUS", "retired")] == "退休"


async def test_a_subtree_filter_narrows_the_counts(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient
) -> None:
    in_furong = {"union": gid("Organisation", world.furong.id)}
    found, data = await counts(city_admin, ["GENDER"], in_furong)
    assert found == expected(world, roster, ["GENDER"], lambda e: current(e) and e.union_id == world.furong_union.id)
    assert 0 < data["total"] < sum(1 for enrolled in roster if current(enrolled))


async def test_a_county_clerk_counts_the_county_only(
    world: World, roster: list[Enrolled], furong_clerk: GraphQLClient
) -> None:
    found, _data = await counts(furong_clerk, ["EDUCATION"])
    assert found == expected(world, roster, ["EDUCATION"], lambda e: current(e) and e.union_id == world.furong_union.id)


async def test_other_filters_combine_with_the_grouping(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient
) -> None:
    found, _data = await counts(city_admin, ["STATUS"], {"statuses": ["active", "ended"], "genders": ["男"]})
    assert found == expected(
        world, roster, ["STATUS"], lambda e: e.status in {"active", "ended"} and e.person.gender == "1"
    )
    assert ("ended",) in found


@pytest.mark.parametrize(
    "where",
    [
        {"educations": ["博士后"]},
        {"genders": ["X"]},
        {"statuses": ["gone"]},
        {"ageBands": ["7"]},
        {"politicalStatuses": ["党员", "不存在"]},
        {"cardStatuses": ["3"]},
        {"maxAge": 151},
    ],
)
async def test_unknown_filter_codes_are_refused(
    world: World, city_admin: GraphQLClient, where: dict[str, object]
) -> None:
    body = await city_admin.raw(STATISTICS, {"by": ["GENDER"], "f": where})
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["INVALID_ARGUMENT"]


@pytest.mark.parametrize("dimensions", [[], ["GENDER", "GENDER"], ["GENDER", "STATUS", "EDUCATION"]])
async def test_grouping_by_none_the_same_or_more_than_two_dimensions_is_refused(
    world: World, city_admin: GraphQLClient, dimensions: list[str]
) -> None:
    body = await city_admin.raw(STATISTICS, {"by": dimensions})
    assert [error["extensions"]["code"] for error in body["errors"]] == ["INVALID_ARGUMENT"]


async def test_an_unknown_dimension_is_refused_by_the_schema(world: World, city_admin: GraphQLClient) -> None:
    body = await city_admin.raw(STATISTICS, {"by": ["SHOE_SIZE"]})
    assert [error["extensions"]["code"] for error in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "$by" in body["errors"][0]["message"]


async def test_asking_again_with_nothing_written_does_not_count_again(
    roster: list[Enrolled], city_admin: GraphQLClient, statements: StatementCounter
) -> None:
    first, _data = await counts(city_admin, ["GENDER", "AGE_BAND"])
    statements.reset()
    again, _data = await counts(city_admin, ["GENDER", "AGE_BAND"])
    assert again == first
    assert not [statement for statement in statements.statements if "GROUP BY" in statement]


async def test_a_kept_answer_is_counted_again_once_a_member_registers(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient
) -> None:
    before, _data = await counts(city_admin, ["GENDER"])
    person = world.people.person()
    await world.register(world.furong_union, world.furong_unit, person)
    after, _data = await counts(city_admin, ["GENDER"])
    assert after == before + Counter({(person.gender,): 1})


async def test_a_kept_answer_is_counted_again_once_a_status_changes(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient
) -> None:
    before, _data = await counts(city_admin, ["STATUS"])
    active = next(
        row for row in world.members if row.member.id in {e.member_id for e in roster if e.status == "active"}
    )
    await world.change_status(active, StatusChange.RETIRE)
    after, _data = await counts(city_admin, ["STATUS"])
    assert after == before - Counter({("active",): 1}) + Counter({("retired",): 1})


async def test_a_kept_answer_is_never_given_to_a_caller_of_another_subtree(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient, furong_clerk: GraphQLClient
) -> None:
    everyone, _data = await counts(city_admin, ["EDUCATION"])
    furong_only, _data = await counts(furong_clerk, ["EDUCATION"])
    assert furong_only == expected(
        world, roster, ["EDUCATION"], lambda e: current(e) and e.union_id == world.furong_union.id
    )
    assert furong_only != everyone


async def test_reading_statistics_does_not_change_the_data_version(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient
) -> None:
    version = await scalar(world.tenant, "SELECT sum(weight) FROM statistics_change")
    await counts(city_admin, ["GENDER"])
    await counts(city_admin, ["AGE_BAND", "STATUS"])
    assert await scalar(world.tenant, "SELECT sum(weight) FROM statistics_change") == version


async def test_folding_the_change_rows_keeps_the_data_version(world: World, roster: list[Enrolled]) -> None:
    [(rows, version)] = await fetch(world.tenant, "SELECT count(*), sum(weight) FROM statistics_change")
    assert rows > 1
    await compact_statistics_changes(world.tenant.engine)
    assert await fetch(world.tenant, "SELECT count(*), sum(weight) FROM statistics_change") == [(1, version)]
