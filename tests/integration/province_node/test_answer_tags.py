"""Statistics answers carry a tag (ETag); asking the same question again with it, while nothing counted has
changed, is answered 304 without a body. Any write, another caller's reach, another question, or an answer
that is not statistics alone gets a full answer."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.integration.province_node.conftest import GraphQLClient
from tests.integration.province_node.test_members import furong_input, register
from tests.integration.province_node.world import World

pytestmark = pytest.mark.anyio

BY_GENDER = "query($g: [StatisticsDimension!]!) { statistics(groupBy: $g) { rows { count } total } }"
GENDER = {"g": ["GENDER"]}


async def ask(clerk: GraphQLClient, query: str, variables: dict[str, Any], tag: str | None = None) -> httpx.Response:
    """The node's HTTP response to ``query`` asked by ``clerk``, bringing ``tag`` back when given."""
    headers = {"Authorization": f"Bearer {clerk.token}"}
    if tag is not None:
        headers["If-None-Match"] = tag
    return await clerk.http.post(
        f"/p/{clerk.province}/graphql", json={"query": query, "variables": variables}, headers=headers
    )


async def test_a_statistics_answer_asked_again_unchanged_is_answered_not_modified(city_admin: GraphQLClient) -> None:
    first = await ask(city_admin, BY_GENDER, GENDER)
    assert first.status_code == 200
    assert first.headers["etag"].startswith('"')
    again = await ask(city_admin, BY_GENDER, GENDER, first.headers["etag"])
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", first.headers["etag"])


async def test_after_a_write_the_old_tag_gets_the_new_counts_and_a_new_tag(
    world: World, city_admin: GraphQLClient, furong_clerk: GraphQLClient
) -> None:
    first = await ask(city_admin, BY_GENDER, GENDER)
    assert (await register(furong_clerk, furong_input(world)))["__typename"] == "MemberSaved"
    again = await ask(city_admin, BY_GENDER, GENDER, first.headers["etag"])
    assert again.status_code == 200
    assert again.json()["data"]["statistics"]["total"] == first.json()["data"]["statistics"]["total"] + 1
    assert again.headers["etag"] != first.headers["etag"]


async def test_a_tag_is_not_honoured_for_a_caller_of_another_reach(
    city_admin: GraphQLClient, furong_clerk: GraphQLClient
) -> None:
    city_tag = (await ask(city_admin, BY_GENDER, GENDER)).headers["etag"]
    answer = await ask(furong_clerk, BY_GENDER, GENDER, city_tag)
    assert answer.status_code == 200
    assert answer.headers["etag"] != city_tag


async def test_a_tag_is_not_honoured_for_another_question(city_admin: GraphQLClient) -> None:
    tag = (await ask(city_admin, BY_GENDER, GENDER)).headers["etag"]
    answer = await ask(city_admin, BY_GENDER, {"g": ["EDUCATION"]}, tag)
    assert answer.status_code == 200
    assert answer.json()["data"]["statistics"]["rows"]


async def test_a_tag_brought_without_a_valid_login_is_not_honoured(
    city_admin: GraphQLClient, anonymous: GraphQLClient
) -> None:
    tag = (await ask(city_admin, BY_GENDER, GENDER)).headers["etag"]
    forged = GraphQLClient(anonymous.http, "43", "not-a-token")
    answer = await ask(forged, BY_GENDER, GENDER, tag)
    assert answer.status_code == 200
    assert "etag" not in answer.headers
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_answer_with_more_than_statistics_at_its_root_carries_no_tag(city_admin: GraphQLClient) -> None:
    query = "query($g: [StatisticsDimension!]!) { statistics(groupBy: $g) { total } me { username } }"
    answer = await ask(city_admin, query, GENDER)
    assert answer.status_code == 200
    assert "errors" not in answer.json()
    assert "etag" not in answer.headers


async def test_an_answer_with_errors_carries_no_tag(city_admin: GraphQLClient) -> None:
    answer = await ask(city_admin, BY_GENDER, {"g": ["GENDER", "GENDER"]})
    assert answer.json()["errors"]
    assert "etag" not in answer.headers


async def test_a_statistics_question_sent_with_a_file_is_answered(city_admin: GraphQLClient) -> None:
    operations = {"query": BY_GENDER, "variables": {"g": ["GENDER"], "file": None}}
    answer = await city_admin.http.post(
        f"/p/{city_admin.province}/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("roster.csv", b"name\n", "text/csv")},
        headers={"Authorization": f"Bearer {city_admin.token}", "If-None-Match": '"not-this-one"'},
    )
    assert answer.status_code == 200
    assert answer.json()["data"]["statistics"]["total"] > 0
