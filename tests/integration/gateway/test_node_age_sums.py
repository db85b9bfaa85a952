"""What the gateway merges averages from: a province node's statistics rows carry the sum of their members'
ages and how many members it is over (real PostgreSQL, the node app over HTTP)."""

from __future__ import annotations

import httpx
import pytest

from exchange.standard import china_today
from province_node.domain.statistics import age_on
from tests.integration.province_node.conftest import GraphQLClient
from tests.integration.province_node.world import PASSWORD, World

pytestmark = pytest.mark.anyio
AGES_BY_GENDER = "{ statistics(groupBy: [GENDER]) { rows { keys { code } count ageSum ageCount averageAge } } }"


async def test_each_row_has_the_sum_of_its_members_ages_and_their_count(
    world: World, client: httpx.AsyncClient
) -> None:
    admin = await GraphQLClient(client, "43").login("hn_admin", PASSWORD)
    rows = (await admin.data(AGES_BY_GENDER))["statistics"]["rows"]
    today = china_today()
    expected: dict[str, list[int]] = {}
    for row in world.members:
        person = world.persons[row.member.id]
        expected.setdefault(person.gender, []).append(age_on(person.birth_date, today))
    assert {row["keys"][0]["code"]: (row["count"], row["ageSum"], row["ageCount"]) for row in rows} == {
        gender: (len(ages), float(sum(ages)), len(ages)) for gender, ages in expected.items()
    }
    assert all(row["averageAge"] == row["ageSum"] / row["ageCount"] for row in rows)
