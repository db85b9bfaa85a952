"""The N+1 guard: the statements one request sends to PostgreSQL do not grow with the rows it returns.

Each nested relation is loaded by a per-request DataLoader in one batch, so a page of 5 members and a page
of 30 take the same number of statements.
"""

from __future__ import annotations

from typing import Any

import pytest

from exchange.standard.checksums import uscc_check
from province_node.db.tables import Organisation
from province_node.domain.lifecycle import StatusChange
from tests.integration.province_node.conftest import GraphQLClient, StatementCounter, gid
from tests.integration.province_node.world import World

pytestmark = pytest.mark.anyio

NESTED = """{ members(first: 500) { totalCount edges { node {
    name
    union { name parent { name } children { name } memberCount units { name } ancestors { name } }
    unit { name keptBy { name } }
    history { kind actor }
} } } }"""
ORGANISATIONS = """{ organisations(first: 500) { edges { node {
    name parent { name } children { name } memberCount units { name keptBy { name } } breadcrumb
} } } }"""
UNITS = "{ units(first: 500) { edges { node { name keptBy { name parent { name } } } } } }"


async def statements_for(client: GraphQLClient, statements: StatementCounter, query: str) -> tuple[int, dict[str, Any]]:
    statements.reset()
    data = await client.data(query)
    return statements.count, data


async def grow(world: World, members: int) -> None:
    """Register ``members`` more members, alternating counties, each with a status change in history."""
    for index in range(members):
        union, unit = (
            (world.furong_union, world.furong_unit) if index % 2 else (world.tianxin_union, world.tianxin_unit)
        )
        row = await world.register(union, unit)
        await world.change_status(row, StatusChange.RETIRE)


def county_union(world: World, index: int) -> Organisation:
    """A grassroots union of 芙蓉区 or of 天心区, alternately."""
    return world.furong_union if index % 2 else world.tianxin_union


async def create_street(admin: GraphQLClient, world: World, index: int) -> None:
    """A street federation under 芙蓉区 or 天心区, alternately."""
    parent = world.furong if index % 2 else world.tianxin
    created = await admin.data(
        """mutation($parent: ID!, $name: String!, $code: String!) { createOrganisation(parent: $parent, input: {
             name: $name, orgLevel: "街道", unionType: "地方总工会", creditCode: $code, foundedOn: "2015-01-01",
             leader: "周敏", phone: "0731-82224444"}) { __typename } }""",
        {"parent": gid("Organisation", parent.id), "name": f"第{index}街道总工会", "code": street_code(index)},
    )
    assert created["createOrganisation"]["__typename"] == "OrganisationSaved"


def street_code(index: int) -> str:
    body = f"8943010{index:02d}MD123456"
    return body + uscc_check(body)


async def test_a_nested_member_list_takes_the_same_statements_for_six_times_the_members(
    world: World, city_admin: GraphQLClient, statements: StatementCounter
) -> None:
    few, data = await statements_for(city_admin, statements, NESTED)
    assert data["members"]["totalCount"] == 5
    assert few > 0, "no statement was counted: the counter is not listening"
    await grow(world, 25)
    many, data = await statements_for(city_admin, statements, NESTED)
    assert data["members"]["totalCount"] == 30
    assert many == few, statements.statements


async def test_a_nested_member_list_takes_a_handful_of_statements(
    world: World, city_admin: GraphQLClient, statements: StatementCounter
) -> None:
    count, _data = await statements_for(city_admin, statements, NESTED)
    # login check, the page, its count, then one batch per relation: union, unit, history, parents, children,
    # member counts, covered units, actors
    assert 5 <= count <= 15, statements.statements


async def test_a_nested_organisation_list_does_not_grow_with_the_organisations(
    world: World, city_admin: GraphQLClient, statements: StatementCounter
) -> None:
    few, _data = await statements_for(city_admin, statements, ORGANISATIONS)
    assert few > 0
    for index in range(8):
        await create_street(city_admin, world, index)
    many, data = await statements_for(city_admin, statements, ORGANISATIONS)
    assert len(data["organisations"]["edges"]) == 5 + 8
    assert many == few, statements.statements


async def test_a_nested_unit_list_does_not_grow_with_the_units(
    world: World, city_admin: GraphQLClient, statements: StatementCounter
) -> None:
    few, _data = await statements_for(city_admin, statements, UNITS)
    assert few > 0
    for index in range(8):
        created = await city_admin.data(
            """mutation($kept: ID!, $name: String!) { createUnit(keptBy: $kept, issueTemporaryCode: true,
                 input: {name: $name, nature: "私营", address: "长沙", employeeCount: 5}) { __typename } }""",
            {"kept": gid("Organisation", county_union(world, index).id), "name": f"长沙第{index}号商店"},
        )
        assert created["createUnit"]["__typename"] == "UnitSaved"
    many, data = await statements_for(city_admin, statements, UNITS)
    assert len(data["units"]["edges"]) == 2 + 8
    assert many == few, statements.statements
