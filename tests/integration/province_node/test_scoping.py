"""Scope: an account sees and changes its organisation's subtree only, whatever ids it sends.

芙蓉区 and 天心区 are sibling counties under 长沙市; a 芙蓉区 clerk must get nothing of 天心区 (null for
queries, NOT_FOUND for mutations, the database unchanged), while the city admin sees both.
"""

from __future__ import annotations

import datetime

import pytest

from tests.integration.province_node.conftest import GraphQLClient, database_snapshot, gid
from tests.integration.province_node.world import World, resident_id

pytestmark = pytest.mark.anyio

MEMBER = "query($id: ID!) { member(id: $id) { name union { name } } }"
MEMBER_BY_ID_NUMBER = "query($n: String!) { memberByIdNumber(idNumber: $n) { name } }"
MEMBER_IDS = "query($f: MemberFilterInput) { members(filter: $f, first: 100) { totalCount edges { node { id } } } }"
ORGANISATION = "query($id: ID!) { organisation(id: $id) { name } }"
UNIT = "query($id: ID!) { unit(id: $id) { name } }"
STATISTICS = "query($f: MemberFilterInput) { statistics(groupBy: [GENDER], filter: $f) { total } }"
UPDATE_MEMBER = """mutation($id: ID!) { updateMember(id: $id, input: {education: "初中"}) {
    __typename ... on Error { code message } } }"""
CHANGE_STATUS = """mutation($id: ID!) { changeMemberStatus(id: $id, change: RETIRE) {
    __typename ... on Error { code message } } }"""
MOVE_MEMBER = """mutation($id: ID!, $union: ID!, $unit: ID!) { moveMember(id: $id, union: $union, unit: $unit) {
    __typename ... on Error { code message } } }"""
CREATE_ORGANISATION = """mutation($parent: ID!) { createOrganisation(parent: $parent, input: {name: "天心区某街道工会",
    orgLevel: "街道", unionType: "联合基层工会", foundedOn: "2020-01-01", leader: "李四", phone: "13812345678"},
    issueTemporaryCode: true) { __typename ... on Error { code message } } }"""
NEW_PERSON_ID = resident_id("430102", datetime.date(1990, 3, 7), 123)
REGISTER = f"""mutation($union: ID!, $unit: ID!) {{ registerMember(input: {{name: "赵六", idNumber: "{NEW_PERSON_ID}",
    phone: "13812345678", ethnicity: "汉族", politicalStatus: "群众", education: "本科",
    union: $union, unit: $unit}}) {{ __typename }} }}"""


def ids(world: World, rows: str) -> set[str]:
    members = world.furong_members if rows == "furong" else world.tianxin_members
    return {gid("Member", row.member.id) for row in members}


def listed(data: dict[str, object]) -> set[str]:
    members = data["members"]
    assert isinstance(members, dict)
    return {edge["node"]["id"] for edge in members["edges"]}


async def test_a_county_clerk_reads_a_member_of_the_county(world: World, furong_clerk: GraphQLClient) -> None:
    data = await furong_clerk.data(MEMBER, {"id": gid("Member", world.furong_members[0].member.id)})
    assert data["member"]["union"] == {"name": "芙蓉科技公司工会"}


async def test_a_member_of_the_other_county_is_null_even_by_a_guessed_id(
    world: World, furong_clerk: GraphQLClient
) -> None:
    for row in world.tianxin_members:
        assert await furong_clerk.data(MEMBER, {"id": gid("Member", row.member.id)}) == {"member": None}


async def test_an_id_number_of_the_other_county_finds_nobody(world: World, furong_clerk: GraphQLClient) -> None:
    number = world.id_number(world.tianxin_members[0])
    assert await furong_clerk.data(MEMBER_BY_ID_NUMBER, {"n": number}) == {"memberByIdNumber": None}


async def test_the_member_list_holds_the_county_only(world: World, furong_clerk: GraphQLClient) -> None:
    data = await furong_clerk.data(MEMBER_IDS)
    assert listed(data) == ids(world, "furong")
    assert data["members"]["totalCount"] == 3


async def test_filtering_the_list_by_a_union_of_the_other_county_is_refused(
    world: World, furong_clerk: GraphQLClient
) -> None:
    body = await furong_clerk.raw(MEMBER_IDS, {"f": {"union": gid("Organisation", world.tianxin_union.id)}})
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["NOT_FOUND"]


async def test_statistics_of_a_union_of_the_other_county_are_refused(world: World, furong_clerk: GraphQLClient) -> None:
    body = await furong_clerk.raw(STATISTICS, {"f": {"union": gid("Organisation", world.tianxin_union.id)}})
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["NOT_FOUND"]


async def test_statistics_count_the_county_only(world: World, furong_clerk: GraphQLClient) -> None:
    assert (await furong_clerk.data(STATISTICS))["statistics"]["total"] == 3


@pytest.mark.parametrize("which", ["tianxin", "tianxin_union", "city", "root"])
async def test_organisations_outside_the_county_are_null(world: World, furong_clerk: GraphQLClient, which: str) -> None:
    organisation = getattr(world, which)
    assert await furong_clerk.data(ORGANISATION, {"id": gid("Organisation", organisation.id)}) == {"organisation": None}


async def test_a_unit_of_the_other_county_is_null(world: World, furong_clerk: GraphQLClient) -> None:
    assert await furong_clerk.data(UNIT, {"id": gid("Unit", world.tianxin_unit.id)}) == {"unit": None}
    assert (await furong_clerk.data(UNIT, {"id": gid("Unit", world.furong_unit.id)}))["unit"] is not None


async def test_units_of_the_other_county_are_not_found_by_credit_code(
    world: World, furong_clerk: GraphQLClient
) -> None:
    query = "query($c: String) { units(creditCode: $c) { edges { node { name } } } }"
    assert (await furong_clerk.data(query, {"c": world.tianxin_unit.credit_code}))["units"]["edges"] == []


async def test_the_city_admin_sees_both_counties(world: World, city_admin: GraphQLClient) -> None:
    assert listed(await city_admin.data(MEMBER_IDS)) == ids(world, "furong") | ids(world, "tianxin")
    data = await city_admin.data(MEMBER, {"id": gid("Member", world.tianxin_members[0].member.id)})
    assert data["member"]["union"] == {"name": "天心物流公司工会"}
    assert (await city_admin.data(ORGANISATION, {"id": gid("Organisation", world.tianxin.id)}))["organisation"] == {
        "name": "天心区总工会"
    }


async def test_the_city_admin_does_not_see_the_province_above(world: World, city_admin: GraphQLClient) -> None:
    assert await city_admin.data(ORGANISATION, {"id": gid("Organisation", world.root.id)}) == {"organisation": None}


async def test_a_member_of_the_other_county_cannot_be_updated(world: World, furong_clerk: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    result = await furong_clerk.data(UPDATE_MEMBER, {"id": gid("Member", world.tianxin_members[0].member.id)})
    assert result["updateMember"] == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
        "message": "在您的管辖范围内找不到该会员",
    }
    assert await database_snapshot(world.tenant) == before


async def test_the_status_of_a_member_of_the_other_county_cannot_be_changed(
    world: World, furong_clerk: GraphQLClient
) -> None:
    before = await database_snapshot(world.tenant)
    result = await furong_clerk.data(CHANGE_STATUS, {"id": gid("Member", world.tianxin_members[0].member.id)})
    assert result["changeMemberStatus"]["code"] == "NOT_FOUND"
    assert await database_snapshot(world.tenant) == before


async def test_a_member_cannot_be_moved_into_the_other_county(world: World, furong_clerk: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    variables = {
        "id": gid("Member", world.furong_members[0].member.id),
        "union": gid("Organisation", world.tianxin_union.id),
        "unit": gid("Unit", world.tianxin_unit.id),
    }
    assert (await furong_clerk.data(MOVE_MEMBER, variables))["moveMember"]["code"] == "NOT_FOUND"
    assert await database_snapshot(world.tenant) == before


async def test_a_member_of_the_other_county_cannot_be_moved_into_the_county(
    world: World, furong_clerk: GraphQLClient
) -> None:
    before = await database_snapshot(world.tenant)
    variables = {
        "id": gid("Member", world.tianxin_members[0].member.id),
        "union": gid("Organisation", world.furong_union.id),
        "unit": gid("Unit", world.furong_unit.id),
    }
    assert (await furong_clerk.data(MOVE_MEMBER, variables))["moveMember"]["code"] == "NOT_FOUND"
    assert await database_snapshot(world.tenant) == before


async def test_a_member_cannot_be_registered_in_the_other_county(world: World, furong_clerk: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    variables = {"union": gid("Organisation", world.tianxin_union.id), "unit": gid("Unit", world.tianxin_unit.id)}
    assert (await furong_clerk.data(REGISTER, variables))["registerMember"]["__typename"] == "NotFoundError"
    assert await database_snapshot(world.tenant) == before


async def test_no_organisation_can_be_created_under_the_other_county(world: World, furong_admin: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    result = await furong_admin.data(CREATE_ORGANISATION, {"parent": gid("Organisation", world.tianxin.id)})
    assert result["createOrganisation"]["code"] == "NOT_FOUND"
    assert await database_snapshot(world.tenant) == before


async def test_a_county_admin_creates_organisations_in_the_county(world: World, furong_admin: GraphQLClient) -> None:
    result = await furong_admin.data(CREATE_ORGANISATION, {"parent": gid("Organisation", world.furong.id)})
    assert result["createOrganisation"]["__typename"] == "OrganisationSaved"


async def test_a_viewer_cannot_write(world: World, furong_viewer: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    own = {"id": gid("Member", world.furong_members[0].member.id)}
    variables = {"union": gid("Organisation", world.furong_union.id), "unit": gid("Unit", world.furong_unit.id)}
    assert await furong_viewer.error_codes(UPDATE_MEMBER, own) == ["NOT_PERMITTED"]
    assert await furong_viewer.error_codes(CHANGE_STATUS, own) == ["NOT_PERMITTED"]
    assert await furong_viewer.error_codes(REGISTER, variables) == ["NOT_PERMITTED"]
    assert await database_snapshot(world.tenant) == before


async def test_a_clerk_cannot_create_organisations(world: World, furong_clerk: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    codes = await furong_clerk.error_codes(CREATE_ORGANISATION, {"parent": gid("Organisation", world.furong.id)})
    assert codes == ["NOT_PERMITTED"]
    assert await database_snapshot(world.tenant) == before


async def test_an_id_of_another_kind_is_not_accepted_for_a_member(world: World, furong_clerk: GraphQLClient) -> None:
    body = await furong_clerk.raw(MEMBER, {"id": gid("Organisation", world.furong_union.id)})
    assert body["data"] == {"member": None}
    assert [error["extensions"]["code"] for error in body["errors"]] == ["INVALID_ID"]


RESULT = "__typename ... on Error { code }"
OTHER_COUNTY_WRITES = {
    "update its union": (
        f"""mutation($a: ID!) {{ updateOrganisation(id: $a, input: {{leader: "张三"}}) {{ {RESULT} }} }}""",
        (("Organisation", "tianxin_union"),),
    ),
    "move its union into the county": (
        f"mutation($a: ID!, $b: ID!) {{ moveOrganisation(id: $a, newParent: $b) {{ {RESULT} }} }}",
        (("Organisation", "tianxin_union"), ("Organisation", "furong")),
    ),
    "move a union of the county into it": (
        f"mutation($a: ID!, $b: ID!) {{ moveOrganisation(id: $a, newParent: $b) {{ {RESULT} }} }}",
        (("Organisation", "furong_union"), ("Organisation", "tianxin")),
    ),
    "dissolve its union": (
        f"mutation($a: ID!) {{ dissolveOrganisation(id: $a) {{ {RESULT} }} }}",
        (("Organisation", "tianxin_union"),),
    ),
    "create a unit it keeps": (
        f"""mutation($a: ID!) {{ createUnit(keptBy: $a, input: {{name: "某公司", nature: "私营经济"}},
            issueTemporaryCode: true) {{ {RESULT} }} }}""",
        (("Organisation", "tianxin_union"),),
    ),
    "create a unit its union covers": (
        f"""mutation($a: ID!, $b: ID!) {{ createUnit(keptBy: $a, input: {{name: "某公司", nature: "私营经济"}},
            issueTemporaryCode: true, coveredBy: [$b]) {{ {RESULT} }} }}""",
        (("Organisation", "furong_union"), ("Organisation", "tianxin_union")),
    ),
    "update its unit": (
        f"""mutation($a: ID!) {{ updateUnit(id: $a, input: {{address: "某地"}}) {{ {RESULT} }} }}""",
        (("Unit", "tianxin_unit"),),
    ),
}


@pytest.mark.parametrize("write", sorted(OTHER_COUNTY_WRITES))
async def test_organisations_and_units_of_the_other_county_cannot_be_changed(
    world: World, furong_admin: GraphQLClient, write: str
) -> None:
    document, targets = OTHER_COUNTY_WRITES[write]
    variables = {
        name: gid(kind, getattr(world, attribute).id) for name, (kind, attribute) in zip("ab", targets, strict=False)
    }
    before = await database_snapshot(world.tenant)
    result = next(iter((await furong_admin.data(document, variables)).values()))
    assert result == {"__typename": "NotFoundError", "code": "NOT_FOUND"}
    assert await database_snapshot(world.tenant) == before


async def test_the_accounts_of_the_other_county_are_not_listed(world: World, furong_admin: GraphQLClient) -> None:
    query = "query($under: ID) { accounts(under: $under) { username } }"
    assert await furong_admin.error_codes(query, {"under": gid("Organisation", world.tianxin.id)}) == ["NOT_FOUND"]
    own = {account["username"] for account in (await furong_admin.data(query))["accounts"]}
    assert "fr_clerk" in own
    assert not any(name.startswith("tx_") for name in own)
