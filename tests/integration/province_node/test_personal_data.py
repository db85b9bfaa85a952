"""Personal data (ID numbers, phones, birth dates): masked for roles that may not see them, in clear and
audited for those that may, sealed at rest, and masked in history whoever reads it."""

from __future__ import annotations

import json
import re
from typing import Any

import psycopg
import pytest

from province_node.tenant import Tenant
from tests.integration.province_node.conftest import GraphQLClient, fetch, gid, scalar
from tests.integration.province_node.world import World, resident_id

pytestmark = pytest.mark.anyio

PERSONAL = "{ members { edges { node { id idNumber phone } } } }"
ONE_MEMBER = "query($id: ID!) { member(id: $id) { idNumber phone } }"
NAMES_ONLY = "{ members { edges { node { id name gender { label } union { name } } } } }"
MASKED_ID = re.compile(r"\d{4}\*{10}[\dX]{4}")
MASKED_PHONE = re.compile(r"1\d{2}\*{4}\d{4}")


async def personal_reads(tenant: Tenant) -> list[Any]:
    return await fetch(
        tenant,
        "SELECT account.username, target_type, target_ids, details FROM audit_log "
        "LEFT JOIN account ON account.id = audit_log.account_id "
        "WHERE action = 'personal_data_read' ORDER BY audit_log.id",
    )


def by_member(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {edge["node"]["id"]: edge["node"] for edge in data["members"]["edges"]}


async def test_a_viewer_sees_id_numbers_and_phones_masked(world: World, furong_viewer: GraphQLClient) -> None:
    shown = by_member(await furong_viewer.data(PERSONAL))
    for row in world.furong_members:
        member = shown[gid("Member", row.member.id)]
        number, phone = world.id_number(row), world.phone(row)
        assert MASKED_ID.fullmatch(member["idNumber"])
        assert member["idNumber"] == number[:4] + "*" * 10 + number[-4:]
        assert MASKED_PHONE.fullmatch(member["phone"])
        assert member["phone"] == phone[:3] + "****" + phone[-4:]


async def test_a_clerk_sees_id_numbers_and_phones_in_clear(world: World, furong_clerk: GraphQLClient) -> None:
    shown = by_member(await furong_clerk.data(PERSONAL))
    assert shown == {
        gid("Member", row.member.id): {
            "id": gid("Member", row.member.id),
            "idNumber": world.id_number(row),
            "phone": world.phone(row),
        }
        for row in world.furong_members
    }


async def test_every_clear_read_is_audited_with_the_members_and_the_account(
    world: World, furong_clerk: GraphQLClient
) -> None:
    await furong_clerk.data(PERSONAL)
    reads = await personal_reads(world.tenant)
    assert len(reads) == 1
    username, target_type, target_ids, details = reads[0]
    assert (username, target_type) == ("fr_clerk", "member")
    assert sorted(target_ids) == sorted(row.member.id for row in world.furong_members)
    assert details == {"fields": ["idNumber", "phone"]}


async def test_a_read_of_one_field_of_one_member_audits_just_that(world: World, furong_clerk: GraphQLClient) -> None:
    row = world.furong_members[1]
    await furong_clerk.data("query($id: ID!) { member(id: $id) { phone } }", {"id": gid("Member", row.member.id)})
    [(username, _type, target_ids, details)] = await personal_reads(world.tenant)
    assert (username, target_ids, details) == ("fr_clerk", [row.member.id], {"fields": ["phone"]})


async def test_each_request_writes_its_own_audit_entry(world: World, furong_clerk: GraphQLClient) -> None:
    row = world.furong_members[0]
    for _ in range(3):
        await furong_clerk.data(ONE_MEMBER, {"id": gid("Member", row.member.id)})
    assert len(await personal_reads(world.tenant)) == 3


async def test_masked_reads_are_not_audited(world: World, furong_viewer: GraphQLClient) -> None:
    await furong_viewer.data(PERSONAL)
    assert await personal_reads(world.tenant) == []


async def test_reads_without_personal_numbers_are_not_audited(world: World, furong_clerk: GraphQLClient) -> None:
    await furong_clerk.data(NAMES_ONLY)
    assert await personal_reads(world.tenant) == []


async def test_id_numbers_and_phones_are_sealed_at_rest(world: World) -> None:
    rows = await fetch(world.tenant, "SELECT id, id_number, phone, token FROM member ORDER BY id")
    assert len(rows) == len(world.members)
    for member_id, sealed_number, sealed_phone, token in rows:
        person = world.persons[member_id]
        for sealed in (bytes(sealed_number), bytes(sealed_phone)):
            assert person.id_number.encode() not in sealed
            assert person.phone.encode() not in sealed
            assert person.id_number[-8:].encode() not in sealed
        assert person.id_number not in token


async def test_no_text_column_of_the_database_holds_a_clear_id_number(world: World) -> None:
    number = world.id_number(world.furong_members[0])
    dump = await scalar(
        world.tenant,
        "SELECT string_agg(t::text, ' ') FROM (SELECT row_to_json(m) AS t FROM member m UNION ALL "
        "SELECT row_to_json(e) FROM membership_event e UNION ALL SELECT row_to_json(o) FROM outbox o UNION ALL "
        "SELECT row_to_json(a) FROM audit_log a) AS everything",
    )
    assert number not in dump
    assert world.phone(world.furong_members[0]) not in dump


async def test_history_shows_a_corrected_id_number_and_phone_masked_even_to_a_clerk(
    world: World, furong_clerk: GraphQLClient
) -> None:
    row = world.furong_members[0]
    person = world.persons[row.member.id]
    sequence = int(person.id_number[14:17])
    corrected = resident_id(person.id_number[:6], person.birth_date, (sequence + 2) % 1000)
    result = await furong_clerk.data(
        """mutation($id: ID!, $n: String!) { updateMember(id: $id, input: {idNumber: $n, phone: "13912345678"}) {
             __typename ... on MemberSaved { member { idNumber phone history { kind changes } } } } }""",
        {"id": gid("Member", row.member.id), "n": corrected},
    )
    saved = result["updateMember"]
    assert saved["__typename"] == "MemberSaved"
    assert (saved["member"]["idNumber"], saved["member"]["phone"]) == (corrected, "13912345678")
    update = saved["member"]["history"][-1]
    assert update["kind"] == "updated"
    assert update["changes"] == {
        "idNumber": [
            person.id_number[:4] + "*" * 10 + person.id_number[-4:],
            corrected[:4] + "*" * 10 + corrected[-4:],
        ],
        "phone": [person.phone[:3] + "****" + person.phone[-4:], "139****5678"],
    }
    history = json.dumps(saved["member"]["history"])
    for clear in (person.id_number, corrected, person.phone, "13912345678"):
        assert clear not in history


async def test_history_keeps_only_the_year_of_a_corrected_birth_date(
    world: World, furong_clerk: GraphQLClient, furong_viewer: GraphQLClient
) -> None:
    row = world.furong_members[0]
    person = world.persons[row.member.id]
    born = person.birth_date.replace(year=person.birth_date.year - 1, day=min(person.birth_date.day, 28))
    corrected = resident_id(person.id_number[:6], born, int(person.id_number[14:17]))
    result = await furong_clerk.data(
        """mutation($id: ID!, $n: String!, $b: String!) {
             updateMember(id: $id, input: {idNumber: $n, birthDate: $b}) { __typename } }""",
        {"id": gid("Member", row.member.id), "n": corrected, "b": born.isoformat()},
    )
    assert result["updateMember"]["__typename"] == "MemberSaved"
    history = await furong_viewer.data(
        "query($id: ID!) { member(id: $id) { history { changes } } }", {"id": gid("Member", row.member.id)}
    )
    changes = history["member"]["history"][-1]["changes"]
    assert changes["birthDate"] == [f"{person.birth_date.year}-**-**", f"{born.year}-**-**"]
    assert person.birth_date.isoformat() not in json.dumps(changes)
    assert born.isoformat() not in json.dumps(changes)
    stored = await scalar(world.tenant, "SELECT changes FROM membership_event ORDER BY id DESC LIMIT 1")
    assert stored["birthDate"] == changes["birthDate"]


async def test_history_written_with_a_full_birth_date_is_shown_with_the_year_only(
    world: World, furong_viewer: GraphQLClient, database_url: str
) -> None:
    member_id = world.furong_members[0].member.id
    written = {"birthDate": ["1990-03-07", "1991-04-08"], "education": ["初中", "高中"]}
    async with await psycopg.AsyncConnection.connect(database_url) as connection:
        await connection.execute(
            "INSERT INTO membership_event (member_id, kind, occurred_on, changes) "
            "VALUES (%s, 'updated', current_date, %s)",
            (member_id, json.dumps(written)),
        )
    history = await furong_viewer.data(
        "query($id: ID!) { member(id: $id) { history { changes } } }", {"id": gid("Member", member_id)}
    )
    assert history["member"]["history"][-1]["changes"] == {
        "birthDate": ["1990-**-**", "1991-**-**"],
        "education": ["初中", "高中"],
    }
