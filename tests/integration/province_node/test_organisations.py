"""Union organisations and units over HTTP: creating top-down, temporary codes, searching a subtree,
the hierarchy's relations, moving a subtree (members follow), dissolving only what is empty."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import psycopg
import pytest

from exchange.standard import code_list, validate_temporary_code
from province_node.synthetic.credit_codes import ENTERPRISE, GRASSROOTS_UNION, make_uscc
from tests.integration.province_node.conftest import (
    GraphQLClient,
    database_snapshot,
    fetch,
    gid,
    key_of,
    scalar,
    wait_for_lock_waiters,
)
from tests.integration.province_node.world import World

pytestmark = pytest.mark.anyio

ORGANISATION_FIELDS = """id name orgLevel { code } unionType { code } creditCode creditCodeIsTemporary foundedOn
    leader phone dissolvedAt memberCount breadcrumb parent { name }"""
RESULT = f"""__typename ... on OrganisationSaved {{ organisation {{ {ORGANISATION_FIELDS} }} }}
    ... on InvalidInputError {{ fieldErrors {{ field code }} }} ... on Error {{ code message }}"""
CREATE = f"""mutation($parent: ID!, $input: OrganisationInput!, $temporary: Boolean! = false) {{
    createOrganisation(parent: $parent, input: $input, issueTemporaryCode: $temporary) {{ {RESULT} }} }}"""
UPDATE = f"""mutation($id: ID!, $input: OrganisationChangesInput!) {{
    updateOrganisation(id: $id, input: $input) {{ {RESULT} }} }}"""
MOVE = f"mutation($id: ID!, $to: ID!) {{ moveOrganisation(id: $id, newParent: $to) {{ {RESULT} }} }}"
DISSOLVE = f"mutation($id: ID!) {{ dissolveOrganisation(id: $id) {{ {RESULT} }} }}"
ORGANISATION = f"query($id: ID!) {{ organisation(id: $id) {{ {ORGANISATION_FIELDS} }} }}"
SEARCH = """query($under: ID, $name: String, $dissolved: Boolean! = false) {
    organisations(under: $under, name: $name, includeDissolved: $dissolved, first: 100) { edges { node { name } } } }"""
UNIT_RESULT = """__typename ... on UnitSaved { unit { id name creditCode creditCodeIsTemporary nature { code }
    keptBy { name } } } ... on InvalidInputError { fieldErrors { field code } } ... on Error { code message }"""
CREATE_UNIT = f"""mutation($keptBy: ID!, $input: UnitInput!, $temporary: Boolean! = false, $coveredBy: [ID!]) {{
    createUnit(keptBy: $keptBy, input: $input, issueTemporaryCode: $temporary, coveredBy: $coveredBy) {{
    {UNIT_RESULT} }} }}"""
UPDATE_UNIT = (
    f"mutation($id: ID!, $input: UnitChangesInput!) {{ updateUnit(id: $id, input: $input) {{ {UNIT_RESULT} }} }}"
)
FIND_UNITS = """query($code: String, $name: String) { units(creditCode: $code, name: $name) {
    edges { node { name creditCode } } } }"""


def joint_union(name: str = "芙蓉区五一街道联合工会") -> dict[str, object]:
    """A joint grassroots union without legal-person status, as a county admin enters it."""
    return {
        "name": name,
        "orgLevel": "街道",
        "unionType": "联合基层工会",
        "foundedOn": "2019-03-01",
        "leader": "刘洋",
        "phone": "0731-82223333",
    }


def federation(name: str) -> dict[str, object]:
    return {
        "name": name,
        "orgLevel": "街道",
        "unionType": "地方总工会",
        "foundedOn": "2015-01-01",
        "leader": "周敏",
        "phone": "0731-82224444",
        "creditCode": make_uscc(random.Random(name), "89", "430102"),
    }


async def create(admin: GraphQLClient, parent: int, fields: dict[str, object], *, temporary: bool = False) -> Any:
    variables = {"parent": gid("Organisation", parent), "input": fields, "temporary": temporary}
    return (await admin.data(CREATE, variables))["createOrganisation"]


def names(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in data["organisations"]["edges"]]


async def paths(world: World) -> dict[int, str]:
    return {row[0]: row[1] for row in await fetch(world.tenant, "SELECT id, ltree2text(path) FROM organisation")}


# --- creating and changing -----------------------------------------------------------------------------------


async def test_an_organisation_is_created_under_its_parent(world: World, city_admin: GraphQLClient) -> None:
    saved = await create(city_admin, world.furong.id, federation("芙蓉区五一街道总工会"))
    organisation = saved["organisation"]
    assert organisation["name"] == "芙蓉区五一街道总工会"
    assert (organisation["orgLevel"], organisation["unionType"]) == ({"code": "4"}, {"code": "4"})
    assert organisation["parent"] == {"name": "芙蓉区总工会"}
    assert organisation["breadcrumb"] == ["湖南省总工会", "长沙市总工会", "芙蓉区总工会", "芙蓉区五一街道总工会"]
    assert organisation["memberCount"] == 0


async def test_a_union_without_a_credit_code_is_issued_a_valid_temporary_code(
    world: World, city_admin: GraphQLClient
) -> None:
    first = (await create(city_admin, world.furong.id, joint_union(), temporary=True))["organisation"]
    second = (await create(city_admin, world.furong.id, joint_union("芙蓉区定王台联合工会"), temporary=True))[
        "organisation"
    ]
    for organisation in (first, second):
        assert organisation["creditCodeIsTemporary"] is True
        assert organisation["creditCode"].startswith("Z43")
        assert validate_temporary_code(organisation["creditCode"]).valid
    assert first["creditCode"] != second["creditCode"]
    found = await city_admin.data(
        "query($c: String!) { organisationByCreditCode(creditCode: $c) { name } }", {"c": first["creditCode"].lower()}
    )
    assert found["organisationByCreditCode"] == {"name": "芙蓉区五一街道联合工会"}


async def test_a_grassroots_union_without_any_code_is_refused(world: World, city_admin: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    refused = await create(city_admin, world.furong.id, joint_union())
    assert refused["fieldErrors"] == [{"field": "creditCode", "code": "VALUE_REQUIRED"}]
    assert await database_snapshot(world.tenant) == before


async def test_a_credit_code_already_used_is_refused(world: World, city_admin: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    taken = {**federation("重复代码工会"), "creditCode": world.furong_union.credit_code}
    refused = await create(city_admin, world.furong.id, taken)
    assert (refused["__typename"], refused["code"]) == ("RuleViolationError", "DUPLICATE_CREDIT_CODE")
    assert await database_snapshot(world.tenant) == before


async def test_an_organisation_cannot_take_another_ones_credit_code(world: World, city_admin: GraphQLClient) -> None:
    variables = {"id": gid("Organisation", world.furong.id), "input": {"creditCode": world.tianxin.credit_code}}
    before = await database_snapshot(world.tenant)
    assert (await city_admin.data(UPDATE, variables))["updateOrganisation"]["code"] == "DUPLICATE_CREDIT_CODE"
    assert await database_snapshot(world.tenant) == before


async def test_an_organisation_is_updated(world: World, city_admin: GraphQLClient) -> None:
    variables = {
        "id": gid("Organisation", world.furong_union.id),
        "input": {"name": "芙蓉科技公司工会委员会", "leader": "陈静"},
    }
    saved = (await city_admin.data(UPDATE, variables))["updateOrganisation"]["organisation"]
    assert (saved["name"], saved["leader"]) == ("芙蓉科技公司工会委员会", "陈静")
    assert saved["creditCode"] == world.furong_union.credit_code
    audit = await fetch(world.tenant, "SELECT details FROM audit_log WHERE action = 'organisation_updated'")
    assert audit[0][0]["changes"] == {
        "name": ["芙蓉科技公司工会", "芙蓉科技公司工会委员会"],
        "leader": ["王建国", "陈静"],
    }


async def test_an_update_that_changes_nothing_answers_with_the_organisation(
    world: World, city_admin: GraphQLClient
) -> None:
    variables = {"id": gid("Organisation", world.furong.id), "input": {"name": "芙蓉区总工会"}}
    before = await database_snapshot(world.tenant)
    saved = (await city_admin.data(UPDATE, variables))["updateOrganisation"]
    assert saved["organisation"]["name"] == "芙蓉区总工会"
    assert await database_snapshot(world.tenant) == before


async def test_an_update_that_breaks_the_standard_is_refused(world: World, city_admin: GraphQLClient) -> None:
    variables = {
        "id": gid("Organisation", world.furong.id),
        "input": {"termStart": "2024-01-01", "termEnd": "2023-01-01", "phone": None},
    }
    before = await database_snapshot(world.tenant)
    refused = (await city_admin.data(UPDATE, variables))["updateOrganisation"]
    assert refused["fieldErrors"] == [
        {"field": "termEnd", "code": "TERM_ORDER"},
        {"field": "phone", "code": "VALUE_REQUIRED"},
    ]
    assert await database_snapshot(world.tenant) == before


# --- reading the hierarchy -----------------------------------------------------------------------------------


async def test_children_ancestors_and_breadcrumb_describe_the_hierarchy(
    world: World, city_admin: GraphQLClient
) -> None:
    data = await city_admin.data(
        """query($city: ID!, $union: ID!) {
             city: organisation(id: $city) { parent { name } children { name } memberCount }
             union: organisation(id: $union) { ancestors { name } breadcrumb parent { name } children { name } } }""",
        {"city": gid("Organisation", world.city.id), "union": gid("Organisation", world.furong_union.id)},
    )
    assert data["city"] == {
        "parent": None,
        "children": [{"name": "芙蓉区总工会"}, {"name": "天心区总工会"}],
        "memberCount": 5,
    }
    assert data["union"] == {
        "ancestors": [{"name": "长沙市总工会"}, {"name": "芙蓉区总工会"}],
        "breadcrumb": ["湖南省总工会", "长沙市总工会", "芙蓉区总工会", "芙蓉科技公司工会"],
        "parent": {"name": "芙蓉区总工会"},
        "children": [],
    }


async def test_a_county_clerk_sees_no_parent_above_its_county(world: World, furong_clerk: GraphQLClient) -> None:
    data = await furong_clerk.data(ORGANISATION, {"id": gid("Organisation", world.furong.id)})
    assert data["organisation"]["parent"] is None
    assert data["organisation"]["breadcrumb"] == ["湖南省总工会", "长沙市总工会", "芙蓉区总工会"]


async def test_a_search_by_part_of_the_name_stays_in_the_subtree(
    world: World, city_admin: GraphQLClient, furong_clerk: GraphQLClient
) -> None:
    assert names(await city_admin.data(SEARCH, {"name": "公司"})) == ["芙蓉科技公司工会", "天心物流公司工会"]
    assert names(await furong_clerk.data(SEARCH, {"name": "公司"})) == ["芙蓉科技公司工会"]
    assert names(await furong_clerk.data(SEARCH, {"name": "物流"})) == []
    under = {"name": "区", "under": gid("Organisation", world.tianxin.id)}
    assert names(await city_admin.data(SEARCH, under)) == ["天心区总工会"]


TYPED_SEARCH = """query($type: String, $level: String) {
    organisations(unionType: $type, orgLevel: $level, first: 100) { edges { node { name } } } }"""


async def test_a_search_by_union_type_takes_its_code_or_its_label(world: World, city_admin: GraphQLClient) -> None:
    grassroots = ["芙蓉科技公司工会", "天心物流公司工会"]
    assert names(await city_admin.data(TYPED_SEARCH, {"type": "1"})) == grassroots
    assert names(await city_admin.data(TYPED_SEARCH, {"type": code_list("union_type").label("1")})) == grassroots


async def test_a_search_by_level_finds_that_level_only(world: World, city_admin: GraphQLClient) -> None:
    assert names(await city_admin.data(TYPED_SEARCH, {"level": "3"})) == ["芙蓉区总工会", "天心区总工会"]


@pytest.mark.parametrize("arguments", [{"type": "火星"}, {"level": "xx"}], ids=["union type", "level"])
async def test_a_search_by_a_code_in_no_list_is_refused(
    world: World, city_admin: GraphQLClient, arguments: dict[str, str]
) -> None:
    assert await city_admin.error_codes(TYPED_SEARCH, arguments) == ["INVALID_ARGUMENT"]


async def test_wildcards_in_a_name_search_are_taken_literally(world: World, city_admin: GraphQLClient) -> None:
    assert names(await city_admin.data(SEARCH, {"name": "%"})) == []
    assert names(await city_admin.data(SEARCH, {"name": "_"})) == []


async def test_a_search_under_an_organisation_out_of_scope_is_refused(
    world: World, furong_clerk: GraphQLClient
) -> None:
    body = await furong_clerk.raw(SEARCH, {"under": gid("Organisation", world.tianxin.id)})
    assert [error["extensions"]["code"] for error in body["errors"]] == ["NOT_FOUND"]


# --- moving a subtree ----------------------------------------------------------------------------------------


async def test_moving_a_subtree_rewrites_every_descendant_path_and_members_follow(
    world: World, city_admin: GraphQLClient, tianxin_clerk: GraphQLClient, furong_clerk: GraphQLClient
) -> None:
    street = (await create(city_admin, world.furong_union.id, federation("芙蓉科技分会")))["organisation"]
    moved = await city_admin.data(
        MOVE, {"id": gid("Organisation", world.furong.id), "to": gid("Organisation", world.tianxin.id)}
    )
    assert moved["moveOrganisation"]["organisation"]["breadcrumb"] == [
        "湖南省总工会",
        "长沙市总工会",
        "天心区总工会",
        "芙蓉区总工会",
    ]
    after = await paths(world)
    base = f"{world.root.id}.{world.city.id}.{world.tianxin.id}.{world.furong.id}"
    assert after[world.furong.id] == base
    assert after[world.furong_union.id] == f"{base}.{world.furong_union.id}"
    street_id = key_of("Organisation", street["id"])
    assert after[street_id] == f"{base}.{world.furong_union.id}.{street_id}"
    assert (
        after[world.tianxin_union.id] == f"{world.root.id}.{world.city.id}.{world.tianxin.id}.{world.tianxin_union.id}"
    )
    members = "{ members { totalCount } }"
    assert (await tianxin_clerk.data(members))["members"]["totalCount"] == 5
    assert (await furong_clerk.data(members))["members"]["totalCount"] == 3


async def test_nothing_moves_under_its_own_descendant(world: World, city_admin: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    for new_parent in (world.furong_union, world.furong):
        result = await city_admin.data(
            MOVE, {"id": gid("Organisation", world.furong.id), "to": gid("Organisation", new_parent.id)}
        )
        assert result["moveOrganisation"]["code"] == "ORG_MOVE_INTO_OWN_SUBTREE"
    assert await database_snapshot(world.tenant) == before


async def test_an_admin_cannot_move_its_own_organisation(world: World, city_admin: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    result = await city_admin.data(
        MOVE, {"id": gid("Organisation", world.city.id), "to": gid("Organisation", world.city.id)}
    )
    assert result["moveOrganisation"]["code"] in {"ORG_OWN_ROOT", "ORG_MOVE_INTO_OWN_SUBTREE"}
    assert await database_snapshot(world.tenant) == before


async def test_the_root_cannot_move(world: World, province_admin: GraphQLClient) -> None:
    result = await province_admin.data(
        MOVE, {"id": gid("Organisation", world.root.id), "to": gid("Organisation", world.city.id)}
    )
    assert result["moveOrganisation"]["code"] in {"ORG_MOVE_ROOT", "ORG_OWN_ROOT"}


async def test_moving_under_the_same_parent_changes_nothing(world: World, city_admin: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    result = await city_admin.data(
        MOVE, {"id": gid("Organisation", world.furong.id), "to": gid("Organisation", world.city.id)}
    )
    assert result["moveOrganisation"]["organisation"]["parent"] == {"name": "长沙市总工会"}
    assert await database_snapshot(world.tenant) == before


# --- dissolving ----------------------------------------------------------------------------------------------


async def test_an_empty_organisation_is_dissolved_and_leaves_the_lists(world: World, city_admin: GraphQLClient) -> None:
    street = (await create(city_admin, world.furong.id, federation("芙蓉区东湖街道总工会")))["organisation"]
    dissolved = (await city_admin.data(DISSOLVE, {"id": street["id"]}))["dissolveOrganisation"]["organisation"]
    assert dissolved["dissolvedAt"] is not None
    assert "芙蓉区东湖街道总工会" not in names(await city_admin.data(SEARCH, {"name": "街道"}))
    assert "芙蓉区东湖街道总工会" in names(await city_admin.data(SEARCH, {"name": "街道", "dissolved": True}))
    children = await city_admin.data(
        ORGANISATION.replace("parent { name }", "children { name }"), {"id": gid("Organisation", world.furong.id)}
    )
    assert {"name": "芙蓉区东湖街道总工会"} not in children["organisation"]["children"]


async def test_dissolving_twice_answers_with_the_dissolved_organisation(
    world: World, city_admin: GraphQLClient
) -> None:
    street = (await create(city_admin, world.furong.id, federation("芙蓉区东湖街道总工会")))["organisation"]
    first = (await city_admin.data(DISSOLVE, {"id": street["id"]}))["dissolveOrganisation"]["organisation"]
    second = (await city_admin.data(DISSOLVE, {"id": street["id"]}))["dissolveOrganisation"]["organisation"]
    assert second["dissolvedAt"] == first["dissolvedAt"]


@pytest.mark.parametrize(
    ("which", "left"),
    [
        ("furong_union", "0 个下级组织、3 名在册会员、0 个有效账号"),
        ("furong", "1 个下级组织、0 名在册会员、2 个有效账号"),
    ],
)
async def test_an_organisation_with_anything_left_is_not_dissolved(
    world: World, city_admin: GraphQLClient, which: str, left: str
) -> None:
    before = await database_snapshot(world.tenant)
    result = await city_admin.data(DISSOLVE, {"id": gid("Organisation", getattr(world, which).id)})
    assert result["dissolveOrganisation"]["code"] == "ORG_NOT_EMPTY"
    assert left in result["dissolveOrganisation"]["message"]
    assert await database_snapshot(world.tenant) == before


async def test_nothing_is_created_under_a_dissolved_organisation(world: World, city_admin: GraphQLClient) -> None:
    street = (await create(city_admin, world.furong.id, federation("芙蓉区东湖街道总工会")))["organisation"]
    await city_admin.data(DISSOLVE, {"id": street["id"]})
    refused = await city_admin.data(CREATE, {"parent": street["id"], "input": federation("某社区工会")})
    assert refused["createOrganisation"]["code"] == "ORG_DISSOLVED"


# --- units ---------------------------------------------------------------------------------------------------


async def create_unit(clerk: GraphQLClient, kept_by: int, fields: dict[str, object], **options: object) -> Any:
    variables = {"keptBy": gid("Organisation", kept_by), "input": fields, **options}
    return (await clerk.data(CREATE_UNIT, variables))["createUnit"]


SHOP = {"name": "芙蓉区小李便利店", "nature": "个体工商户", "address": "长沙市芙蓉区解放西路2号", "employeeCount": 3}


async def test_a_unit_without_a_credit_code_is_registered_with_a_temporary_code(
    world: World, furong_clerk: GraphQLClient
) -> None:
    saved = await create_unit(
        furong_clerk,
        world.furong_union.id,
        SHOP,
        temporary=True,
        coveredBy=[gid("Organisation", world.furong_union.id)],
    )
    unit = saved["unit"]
    assert unit["creditCodeIsTemporary"] is True
    assert validate_temporary_code(unit["creditCode"]).valid
    assert (unit["nature"], unit["keptBy"]) == ({"code": "06"}, {"name": "芙蓉科技公司工会"})
    covered = await furong_clerk.data(
        "query($id: ID!) { organisation(id: $id) { units { name } } }",
        {"id": gid("Organisation", world.furong_union.id)},
    )
    assert {"name": "芙蓉区小李便利店"} in covered["organisation"]["units"]


async def test_a_unit_is_found_by_credit_code_and_by_part_of_its_name(
    world: World, furong_clerk: GraphQLClient, tianxin_clerk: GraphQLClient
) -> None:
    code = (await create_unit(furong_clerk, world.furong_union.id, SHOP, temporary=True))["unit"]["creditCode"]
    by_code = await furong_clerk.data(FIND_UNITS, {"code": code.lower()})
    assert by_code["units"]["edges"] == [{"node": {"name": "芙蓉区小李便利店", "creditCode": code}}]
    by_name = await furong_clerk.data(FIND_UNITS, {"name": "芙蓉"})
    assert [edge["node"]["name"] for edge in by_name["units"]["edges"]] == ["芙蓉科技有限公司", "芙蓉区小李便利店"]
    assert (await tianxin_clerk.data(FIND_UNITS, {"code": code}))["units"]["edges"] == []


async def test_a_unit_credit_code_already_registered_is_refused(world: World, furong_clerk: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    refused = await create_unit(
        furong_clerk, world.furong_union.id, {**SHOP, "creditCode": world.tianxin_unit.credit_code}
    )
    assert refused["code"] == "DUPLICATE_CREDIT_CODE"
    assert await database_snapshot(world.tenant) == before


async def test_an_invalid_unit_is_refused_field_by_field(world: World, furong_clerk: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    fields = {**SHOP, "creditCode": "91430102MA4K1234X0", "nature": "跨国公司", "employeeCount": -3}
    refused = await create_unit(furong_clerk, world.furong_union.id, fields)
    assert {(error["field"], error["code"]) for error in refused["fieldErrors"]} == {
        ("creditCode", "USCC_CHECKSUM"),
        ("nature", "CODE_UNKNOWN"),
        ("employeeCount", "VALUE_NOT_COUNT"),
    }
    assert await database_snapshot(world.tenant) == before


async def test_a_unit_is_updated(world: World, furong_clerk: GraphQLClient) -> None:
    code = make_uscc(random.Random(7), ENTERPRISE, "430102")
    saved = await furong_clerk.data(
        UPDATE_UNIT, {"id": gid("Unit", world.furong_unit.id), "input": {"creditCode": code, "nature": "股份制"}}
    )
    unit = saved["updateUnit"]["unit"]
    assert (unit["creditCode"], unit["nature"], unit["creditCodeIsTemporary"]) == (code, {"code": "08"}, False)


async def test_a_unit_update_that_changes_nothing_answers_with_the_unit(
    world: World, furong_clerk: GraphQLClient
) -> None:
    before = await database_snapshot(world.tenant)
    saved = await furong_clerk.data(
        UPDATE_UNIT, {"id": gid("Unit", world.furong_unit.id), "input": {"name": "芙蓉科技有限公司"}}
    )
    assert saved["updateUnit"]["unit"]["name"] == "芙蓉科技有限公司"
    assert await database_snapshot(world.tenant) == before


async def test_a_unit_of_the_other_county_cannot_be_updated(world: World, furong_clerk: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    saved = await furong_clerk.data(UPDATE_UNIT, {"id": gid("Unit", world.tianxin_unit.id), "input": {"name": "x"}})
    assert saved["updateUnit"]["code"] == "NOT_FOUND"
    assert await database_snapshot(world.tenant) == before


async def test_a_grassroots_union_code_is_accepted_for_a_union(world: World, city_admin: GraphQLClient) -> None:
    code = make_uscc(random.Random(9), GRASSROOTS_UNION, "430102")
    saved = await create(city_admin, world.furong.id, {**joint_union(), "creditCode": code})
    assert saved["organisation"]["creditCode"] == code
    assert saved["organisation"]["creditCodeIsTemporary"] is False


async def test_two_clerks_registering_units_with_the_same_code_at_once_make_one_unit(
    world: World, furong_clerk: GraphQLClient, tianxin_clerk: GraphQLClient, database_url: str
) -> None:
    code = make_uscc(random.Random(11), ENTERPRISE, "430100")
    forms = [(furong_clerk, world.furong_union.id), (tianxin_clerk, world.tianxin_union.id)]
    units_before = await scalar(world.tenant, "SELECT count(*) FROM unit")
    # Hold inserts into unit until both requests have passed their duplicate check: the unique credit
    # code alone must then decide.
    async with await psycopg.AsyncConnection.connect(database_url) as gate:
        await gate.execute("LOCK TABLE unit IN SHARE MODE")
        requests = [
            asyncio.create_task(create_unit(clerk, kept_by, {**SHOP, "creditCode": code})) for clerk, kept_by in forms
        ]
        await wait_for_lock_waiters(database_url, "unit", 2)
        await gate.commit()
        results = await asyncio.gather(*requests)
    assert sorted(result["__typename"] for result in results) == ["RuleViolationError", "UnitSaved"]
    assert next(result["code"] for result in results if result["__typename"] == "RuleViolationError") == (
        "DUPLICATE_CREDIT_CODE"
    )
    assert await scalar(world.tenant, "SELECT count(*) FROM unit") == units_before + 1
