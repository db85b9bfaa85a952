"""Members over HTTP: registering, correcting, every status change and move recorded in history and the
outbox, bad input refused with the database unchanged, "one ID, one member" under a race, and lists."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from exchange.standard import china_today
from province_node.domain.masking import mask_id_number
from province_node.domain.statistics import age_band, age_on
from province_node.settings import QueryLimits
from province_node.synthetic.people import Person
from tests.integration.province_node.conftest import (
    Enrolled,
    GraphQLClient,
    database_snapshot,
    fetch,
    gid,
    key_of,
    scalar,
    table_counts,
    wait_for_lock_waiters,
)
from tests.integration.province_node.world import World, resident_id

pytestmark = pytest.mark.anyio

MEMBER_FIELDS = """id name status { code } endReason { code } joinedOn union { name } unit { name }
    education { code } politicalStatus { code } history { kind actor reason changes }"""
RESULT = f"""__typename ... on MemberSaved {{ member {{ {MEMBER_FIELDS} }} }}
    ... on InvalidInputError {{ fieldErrors {{ field code }} }}
    ... on DuplicateMemberError {{ where existing {{ id }} }}
    ... on Error {{ code message }}"""
REGISTER = f"mutation($input: MemberInput!) {{ registerMember(input: $input) {{ {RESULT} }} }}"
UPDATE = f"mutation($id: ID!, $input: MemberChangesInput!) {{ updateMember(id: $id, input: $input) {{ {RESULT} }} }}"
CHANGE_STATUS = f"""mutation($id: ID!, $change: StatusChange!, $endReason: EndReason, $on: Date, $reason: String) {{
    changeMemberStatus(id: $id, change: $change, endReason: $endReason, on: $on, reason: $reason) {{ {RESULT} }} }}"""
MOVE = f"""mutation($id: ID!, $union: ID!, $unit: ID!, $reason: String) {{
    moveMember(id: $id, union: $union, unit: $unit, reason: $reason) {{ {RESULT} }} }}"""
MEMBER_IDS = """query($f: MemberFilterInput, $first: Int, $after: String) {
    members(filter: $f, first: $first, after: $after) {
        totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
BY_ID_NUMBER = "query($n: String!) { memberByIdNumber(idNumber: $n) { id name } }"


def member_input(person: Person, union: int | None, unit: int | None) -> dict[str, object]:
    """The registration form of ``person`` in ``union`` and ``unit``, as a clerk's app sends it."""
    fields = {
        key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in person.record().items()
    }
    fields["union"] = gid("Organisation", union) if union is not None else None
    fields["unit"] = gid("Unit", unit) if unit is not None else None
    return fields


def furong_input(world: World, person: Person | None = None, **changes: object) -> dict[str, object]:
    return {**member_input(person or world.people.person(), world.furong_union.id, world.furong_unit.id), **changes}


async def register(clerk: GraphQLClient, fields: dict[str, object]) -> dict[str, Any]:
    result: dict[str, Any] = (await clerk.data(REGISTER, {"input": fields}))["registerMember"]
    return result


async def change(clerk: GraphQLClient, member_id: int, kind: str, **arguments: object) -> dict[str, Any]:
    result: dict[str, Any] = (
        await clerk.data(CHANGE_STATUS, {"id": gid("Member", member_id), "change": kind, **arguments})
    )["changeMemberStatus"]
    return result


async def outbox(world: World, member_id: int) -> list[tuple[str, dict[str, Any]]]:
    rows = await fetch(
        world.tenant,
        "SELECT o.event_type, e.event FROM outbox o, jsonb_array_elements(o.payload->'events') AS e(event) "
        "WHERE e.event->>'token' = (SELECT token FROM member WHERE id = :id) ORDER BY o.id",
        id=member_id,
    )
    return [(row[0], row[1]) for row in rows]


# --- registering ---------------------------------------------------------------------------------------------


async def test_a_valid_member_is_registered_with_its_history(world: World, furong_clerk: GraphQLClient) -> None:
    person = world.people.person()
    saved = await register(furong_clerk, furong_input(world, person))
    assert saved["__typename"] == "MemberSaved", saved
    member = saved["member"]
    assert (member["name"], member["status"], member["union"], member["unit"]) == (
        person.name,
        {"code": "active"},
        {"name": "芙蓉科技公司工会"},
        {"name": "芙蓉科技有限公司"},
    )
    [event] = member["history"]
    assert (event["kind"], event["actor"]) == ("registered", "fr_clerk")
    assert event["changes"] == {"union": world.furong_union.id, "unit": world.furong_unit.id, "status": "active"}


async def test_a_registration_writes_one_outbox_event_without_personal_data(
    world: World, furong_clerk: GraphQLClient
) -> None:
    person = world.people.person()
    saved = await register(furong_clerk, furong_input(world, person))
    [(event_type, payload)] = await outbox(world, key_of("Member", saved["member"]["id"]))
    assert event_type == "member.registered"
    assert (payload["province"], payload["status"]) == ("43", "active")
    assert person.id_number not in str(payload)
    assert person.name not in str(payload)


async def test_the_new_member_is_found_in_the_list_and_by_id_number(world: World, furong_clerk: GraphQLClient) -> None:
    person = world.people.person()
    saved = await register(furong_clerk, furong_input(world, person))
    listed = await furong_clerk.data(MEMBER_IDS)
    assert saved["member"]["id"] in {edge["node"]["id"] for edge in listed["members"]["edges"]}
    found = await furong_clerk.data(BY_ID_NUMBER, {"n": person.id_number})
    assert found["memberByIdNumber"] == {"id": saved["member"]["id"], "name": person.name}


def with_wrong_check_character(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


# How a valid registration form is spoilt, and the field errors the clerk must see.
INVALID_INPUTS: dict[str, tuple[Callable[[dict[str, object]], dict[str, object]], list[list[str]]]] = {
    "id checksum": (
        lambda f: {**f, "idNumber": with_wrong_check_character(str(f["idNumber"]))},
        [["idNumber", "ID_CHECKSUM"]],
    ),
    "unknown education": (lambda f: {**f, "education": "博士后"}, [["education", "CODE_UNKNOWN"]]),
    "unknown ethnicity": (lambda f: {**f, "ethnicity": "火星族"}, [["ethnicity", "CODE_UNKNOWN"]]),
    "no union": (lambda f: {**f, "union": None}, [["union", "MEMBER_WITHOUT_UNION"]]),
    "no unit": (lambda f: {**f, "unit": None}, [["unit", "MEMBER_WITHOUT_UNIT"]]),
    "neither": (
        lambda f: {**f, "union": None, "unit": None},
        [["unit", "MEMBER_WITHOUT_UNIT"], ["union", "MEMBER_WITHOUT_UNION"]],
    ),
    "landline": (lambda f: {**f, "phone": "0731-84512345"}, [["phone", "PHONE_NOT_MOBILE"]]),
    "bad phone": (lambda f: {**f, "phone": "1381234"}, [["phone", "PHONE_FORMAT"]]),
    "gender against id": (
        lambda f: {**f, "gender": "男" if f["gender"] == "2" else "女"},
        [["gender", "GENDER_MISMATCH"]],
    ),
    "join in the future": (lambda f: {**f, "joinedOn": "2099-01-01"}, [["joinedOn", "DATE_FUTURE"]]),
    "name with digits": (lambda f: {**f, "name": "张3"}, [["name", "NAME_CHARACTERS"]]),
    "hunan needs ethnicity": (lambda f: {**f, "ethnicity": None}, [["ethnicity", "VALUE_REQUIRED"]]),
    "excel number": (lambda f: {**f, "idNumber": "4.30102E+17"}, [["idNumber", "ID_EXCEL_NUMBER"]]),
}


@pytest.mark.parametrize("case", list(INVALID_INPUTS))
async def test_invalid_fields_are_refused_field_by_field_and_nothing_is_written(
    world: World, furong_clerk: GraphQLClient, case: str
) -> None:
    spoil, expected = INVALID_INPUTS[case]
    before = await table_counts(world.tenant)
    result = await register(furong_clerk, spoil(furong_input(world)))
    assert result["__typename"] == "InvalidInputError"
    assert result["code"] == "INVALID_ARGUMENT"
    assert [[error["field"], error["code"]] for error in result["fieldErrors"]] == expected
    assert await table_counts(world.tenant) == before


async def test_every_problem_of_a_record_is_reported_at_once(world: World, furong_clerk: GraphQLClient) -> None:
    fields = furong_input(world, education="博士后", phone="123", union=None)
    result = await register(furong_clerk, fields)
    assert {(error["field"], error["code"]) for error in result["fieldErrors"]} == {
        ("education", "CODE_UNKNOWN"),
        ("phone", "PHONE_FORMAT"),
        ("union", "MEMBER_WITHOUT_UNION"),
    }


async def test_a_malformed_union_id_is_refused(world: World, furong_clerk: GraphQLClient) -> None:
    before = await table_counts(world.tenant)
    result = await register(furong_clerk, furong_input(world, union="not-an-id"))
    assert (result["__typename"], result["code"]) == ("RuleViolationError", "INVALID_ID")
    assert await table_counts(world.tenant) == before


async def test_a_unit_id_given_as_the_union_is_refused(world: World, furong_clerk: GraphQLClient) -> None:
    result = await register(furong_clerk, furong_input(world, union=gid("Unit", world.furong_unit.id)))
    assert result["code"] == "INVALID_ID"


async def test_a_member_cannot_be_placed_in_a_federation(world: World, furong_clerk: GraphQLClient) -> None:
    before = await table_counts(world.tenant)
    result = await register(furong_clerk, furong_input(world, union=gid("Organisation", world.furong.id)))
    assert (result["__typename"], result["code"]) == ("RuleViolationError", "ORG_NOT_GRASSROOTS")
    assert await table_counts(world.tenant) == before


async def test_a_duplicate_in_scope_says_which_union_holds_the_person(
    world: World, furong_clerk: GraphQLClient
) -> None:
    existing = world.furong_members[0]
    before = await table_counts(world.tenant)
    result = await register(furong_clerk, furong_input(world, world.persons[existing.member.id]))
    assert result["__typename"] == "DuplicateMemberError"
    assert (result["code"], result["where"]) == ("DUPLICATE_IN_PROVINCE", "芙蓉科技公司工会")
    assert result["existing"] == {"id": gid("Member", existing.member.id)}
    assert await table_counts(world.tenant) == before


async def test_a_duplicate_outside_the_scope_is_described_only_by_region(
    world: World, furong_clerk: GraphQLClient
) -> None:
    existing = world.tianxin_members[0]
    before = await table_counts(world.tenant)
    result = await register(furong_clerk, furong_input(world, world.persons[existing.member.id]))
    assert result["__typename"] == "DuplicateMemberError"
    assert result["where"] == "长沙市总工会辖区内的其他工会"
    assert result["existing"] is None
    assert "天心" not in result["where"] + result["message"]
    assert await table_counts(world.tenant) == before


async def test_a_fifteen_digit_number_of_a_member_is_a_duplicate(world: World, furong_clerk: GraphQLClient) -> None:
    person = next(
        world.persons[row.member.id]
        for row in world.furong_members
        if world.persons[row.member.id].birth_date.year < 2000
    )
    old_form = person.id_number[:6] + person.id_number[8:17]
    result = await register(furong_clerk, furong_input(world, person, idNumber=old_form))
    assert result["__typename"] == "DuplicateMemberError"


async def test_two_clerks_registering_the_same_person_at_once_make_one_member(
    world: World, furong_clerk: GraphQLClient, tianxin_clerk: GraphQLClient, database_url: str
) -> None:
    person = world.people.person()
    forms = [
        (furong_clerk, member_input(person, world.furong_union.id, world.furong_unit.id)),
        (tianxin_clerk, member_input(person, world.tianxin_union.id, world.tianxin_unit.id)),
    ]
    members_before = await scalar(world.tenant, "SELECT count(*) FROM member")
    # Hold inserts into member until both requests have passed their duplicate check and wait to insert:
    # the database's unique identity token alone must then decide.
    async with await psycopg.AsyncConnection.connect(database_url) as gate:
        await gate.execute("LOCK TABLE member IN SHARE MODE")
        requests = [asyncio.create_task(register(clerk, fields)) for clerk, fields in forms]
        await wait_for_lock_waiters(database_url, "member", 2)
        await gate.commit()
        results = await asyncio.gather(*requests)
    assert sorted(result["__typename"] for result in results) == ["DuplicateMemberError", "MemberSaved"]
    duplicate = next(result for result in results if result["__typename"] == "DuplicateMemberError")
    assert duplicate["code"] == "DUPLICATE_IN_PROVINCE"
    assert duplicate["where"] == "长沙市总工会辖区内的其他工会"
    assert await scalar(world.tenant, "SELECT count(*) FROM member") == members_before + 1
    saved = next(result for result in results if result["__typename"] == "MemberSaved")
    assert [event_type for event_type, _ in await outbox(world, key_of("Member", saved["member"]["id"]))] == [
        "member.registered"
    ]


# --- correcting ----------------------------------------------------------------------------------------------


async def test_an_update_is_recorded_in_history_with_the_fields_changed(
    world: World, furong_clerk: GraphQLClient
) -> None:
    row = world.furong_members[0]
    result = await furong_clerk.data(
        UPDATE, {"id": gid("Member", row.member.id), "input": {"education": "初中", "politicalStatus": "共青团员"}}
    )
    member = result["updateMember"]["member"]
    assert (member["education"], member["politicalStatus"]) == ({"code": "70"}, {"code": "03"})
    update = member["history"][-1]
    assert (update["kind"], update["actor"]) == ("updated", "fr_clerk")
    person = world.persons[row.member.id]
    expected = {"education": [person.education, "70"], "politicalStatus": [person.political_status, "03"]}
    assert update["changes"] == {field: change for field, change in expected.items() if change[0] != change[1]}
    assert [event_type for event_type, _ in await outbox(world, row.member.id)][-1] == "member.updated"


async def test_an_update_that_changes_nothing_records_nothing(world: World, furong_clerk: GraphQLClient) -> None:
    row = world.furong_members[0]
    person = world.persons[row.member.id]
    before = await database_snapshot(world.tenant)
    result = await furong_clerk.data(UPDATE, {"id": gid("Member", row.member.id), "input": {"name": person.name}})
    assert result["updateMember"]["__typename"] == "MemberSaved"
    assert await database_snapshot(world.tenant) == before


async def test_an_invalid_update_is_refused_and_changes_nothing(world: World, furong_clerk: GraphQLClient) -> None:
    row = world.furong_members[0]
    before = await database_snapshot(world.tenant)
    result = await furong_clerk.data(
        UPDATE, {"id": gid("Member", row.member.id), "input": {"education": "博士后", "phone": None}}
    )
    assert [[error["field"], error["code"]] for error in result["updateMember"]["fieldErrors"]] == [
        ["education", "CODE_UNKNOWN"],
        ["phone", "VALUE_REQUIRED"],
    ]
    assert await database_snapshot(world.tenant) == before


async def test_correcting_an_id_number_to_another_members_is_a_duplicate(
    world: World, furong_clerk: GraphQLClient
) -> None:
    row, other = world.furong_members[:2]
    other_person = world.persons[other.member.id]
    before = await database_snapshot(world.tenant)
    result = await furong_clerk.data(
        UPDATE,
        {
            "id": gid("Member", row.member.id),
            "input": {
                "idNumber": other_person.id_number,
                "gender": other_person.gender,
                "birthDate": other_person.birth_date.isoformat(),
            },
        },
    )
    assert result["updateMember"]["__typename"] == "DuplicateMemberError"
    assert await database_snapshot(world.tenant) == before


async def test_a_malformed_member_id_is_refused_by_a_mutation(world: World, furong_clerk: GraphQLClient) -> None:
    result = await furong_clerk.data(UPDATE, {"id": "!!!", "input": {"education": "初中"}})
    assert (result["updateMember"]["__typename"], result["updateMember"]["code"]) == (
        "RuleViolationError",
        "INVALID_ID",
    )


# --- the lifecycle -------------------------------------------------------------------------------------------

STATUS_CHANGES = [
    # (changes made first, the change, its end reason, the status before, the status after)
    ([], "RETIRE", None, "active", "retired"),
    ([], "RESERVE", None, "active", "reserved"),
    ([("RETIRE", None)], "REACTIVATE", None, "retired", "active"),
    ([("RESERVE", None)], "REACTIVATE", None, "reserved", "active"),
    ([], "END", "RESIGNED", "active", "ended"),
    ([("RETIRE", None)], "END", "DECEASED", "retired", "ended"),
    ([("RESERVE", None)], "END", "LEFT_JOB", "reserved", "ended"),
    ([("END", "EXPELLED")], "REJOIN", None, "ended", "active"),
]


@pytest.mark.parametrize(
    ("first", "kind", "end_reason", "before", "after"),
    STATUS_CHANGES,
    ids=[f"{case[3]}-{case[1].lower()}" for case in STATUS_CHANGES],
)
async def test_every_status_change_is_recorded_in_history_and_the_outbox(
    world: World,
    furong_clerk: GraphQLClient,
    first: list[tuple[str, str | None]],
    kind: str,
    end_reason: str | None,
    before: str,
    after: str,
) -> None:
    member_id = world.furong_members[0].member.id
    for earlier, reason in first:
        assert (await change(furong_clerk, member_id, earlier, endReason=reason))["__typename"] == "MemberSaved"
    result = await change(furong_clerk, member_id, kind, endReason=end_reason, reason="本人申请")
    member = result["member"]
    assert member["status"] == {"code": after}
    assert member["endReason"] == ({"code": end_reason.lower()} if end_reason else None)
    event = member["history"][-1]
    assert (event["kind"], event["actor"], event["reason"]) == ("status_changed", "fr_clerk", "本人申请")
    expected_changes: dict[str, object] = {"status": [before, after]}
    if end_reason:
        expected_changes["endReason"] = end_reason.lower()
    assert event["changes"] == expected_changes
    event_type, payload = (await outbox(world, member_id))[-1]
    assert (event_type, payload["status"]) == ("member.status_changed", after)


async def test_a_whole_lifecycle_reads_back_from_history_in_order(world: World, furong_clerk: GraphQLClient) -> None:
    member_id = world.furong_members[0].member.id
    for kind, reason in [("RETIRE", None), ("REACTIVATE", None), ("RESERVE", None), ("END", "OTHER"), ("REJOIN", None)]:
        await change(furong_clerk, member_id, kind, endReason=reason)
    history = await furong_clerk.data(
        f'{{ member(id: "{gid("Member", member_id)}") {{ history {{ kind changes }} }} }}'
    )
    statuses = [event["changes"].get("status") for event in history["member"]["history"]]
    assert statuses == [
        "active",
        ["active", "retired"],
        ["retired", "active"],
        ["active", "reserved"],
        ["reserved", "ended"],
        ["ended", "active"],
    ]
    assert [event_type for event_type, _ in await outbox(world, member_id)] == ["member.registered"] + [
        "member.status_changed"
    ] * 5


async def test_a_rejoin_starts_a_new_join_date(world: World, furong_clerk: GraphQLClient) -> None:
    member_id = world.furong_members[0].member.id
    await change(furong_clerk, member_id, "END", endReason="LEFT_JOB")
    rejoined = await change(furong_clerk, member_id, "REJOIN")
    assert rejoined["member"]["joinedOn"] == china_today().isoformat()
    assert rejoined["member"]["endReason"] is None


ILLEGAL_CHANGES = [
    ([], "REACTIVATE"),
    ([], "REJOIN"),
    ([("RETIRE", None)], "RETIRE"),
    ([("RETIRE", None)], "RESERVE"),
    ([("END", "LEFT_JOB")], "RETIRE"),
    ([("END", "LEFT_JOB")], "REACTIVATE"),
]


@pytest.mark.parametrize(
    ("first", "kind"),
    ILLEGAL_CHANGES,
    ids=["active-reactivate", "active-rejoin", "retired-retire", "retired-reserve", "ended-retire", "ended-reactivate"],
)
async def test_an_illegal_status_change_is_refused_and_changes_nothing(
    world: World, furong_clerk: GraphQLClient, first: list[tuple[str, str | None]], kind: str
) -> None:
    member_id = world.furong_members[0].member.id
    for earlier, reason in first:
        await change(furong_clerk, member_id, earlier, endReason=reason)
    before = await database_snapshot(world.tenant)
    result = await change(furong_clerk, member_id, kind)
    assert (result["__typename"], result["code"]) == ("RuleViolationError", "ILLEGAL_STATUS_CHANGE")
    assert await database_snapshot(world.tenant) == before


async def test_ending_without_a_reason_is_refused_and_changes_nothing(
    world: World, furong_clerk: GraphQLClient
) -> None:
    before = await database_snapshot(world.tenant)
    result = await change(furong_clerk, world.furong_members[0].member.id, "END")
    assert result["code"] == "END_REASON_REQUIRED"
    assert await database_snapshot(world.tenant) == before


async def test_a_status_change_dated_in_the_future_is_refused(world: World, furong_clerk: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    result = await change(furong_clerk, world.furong_members[0].member.id, "RETIRE", on="2099-01-01")
    assert result["code"] == "INVALID_ARGUMENT"
    assert await database_snapshot(world.tenant) == before


async def test_a_status_change_dated_before_joining_is_refused(world: World, furong_clerk: GraphQLClient) -> None:
    row = world.furong_members[0]
    joined = world.persons[row.member.id].joined_on
    result = await change(furong_clerk, row.member.id, "RETIRE", on=(joined - datetime.timedelta(days=1)).isoformat())
    assert result["code"] == "INVALID_ARGUMENT"


async def test_a_move_within_the_province_is_recorded_in_history_and_the_outbox(
    world: World, city_admin: GraphQLClient, furong_clerk: GraphQLClient, tianxin_clerk: GraphQLClient
) -> None:
    row = world.furong_members[0]
    result = await city_admin.data(
        MOVE,
        {
            "id": gid("Member", row.member.id),
            "reason": "工作调动",
            "union": gid("Organisation", world.tianxin_union.id),
            "unit": gid("Unit", world.tianxin_unit.id),
        },
    )
    member = result["moveMember"]["member"]
    assert (member["union"], member["unit"]) == ({"name": "天心物流公司工会"}, {"name": "天心物流有限公司"})
    moved = member["history"][-1]
    assert (moved["kind"], moved["actor"], moved["reason"]) == ("moved", "cs_admin", "工作调动")
    assert moved["changes"] == {
        "union": [world.furong_union.id, world.tianxin_union.id],
        "unit": [world.furong_unit.id, world.tianxin_unit.id],
    }
    assert [event_type for event_type, _ in await outbox(world, row.member.id)][-1] == "member.moved"
    member_query = "query($id: ID!) { member(id: $id) { name } }"
    assert (await furong_clerk.data(member_query, {"id": gid("Member", row.member.id)}))["member"] is None
    assert (await tianxin_clerk.data(member_query, {"id": gid("Member", row.member.id)}))["member"] is not None


async def test_an_ended_member_cannot_be_moved(world: World, city_admin: GraphQLClient) -> None:
    row = world.furong_members[0]
    await change(city_admin, row.member.id, "END", endReason="LEFT_JOB")
    before = await database_snapshot(world.tenant)
    result = await city_admin.data(
        MOVE,
        {
            "id": gid("Member", row.member.id),
            "union": gid("Organisation", world.tianxin_union.id),
            "unit": gid("Unit", world.tianxin_unit.id),
        },
    )
    assert result["moveMember"]["code"] == "MEMBERSHIP_ENDED"
    assert await database_snapshot(world.tenant) == before


async def test_a_move_to_a_unit_outside_the_scope_is_refused(world: World, furong_clerk: GraphQLClient) -> None:
    before = await database_snapshot(world.tenant)
    result = await furong_clerk.data(
        MOVE,
        {
            "id": gid("Member", world.furong_members[0].member.id),
            "union": gid("Organisation", world.furong_union.id),
            "unit": gid("Unit", world.tianxin_unit.id),
        },
    )
    assert result["moveMember"]["code"] == "NOT_FOUND"
    assert await database_snapshot(world.tenant) == before


# --- lists, filters and pages --------------------------------------------------------------------------------


def age(enrolled: Enrolled) -> int:
    return age_on(enrolled.person.birth_date, china_today())


CURRENT = {"active", "retired", "reserved", "transferring_out"}
FILTERS: dict[str, tuple[dict[str, object], Callable[[World, Enrolled], bool]]] = {
    "no filter: current members": ({}, lambda w, e: e.status in CURRENT),
    "status retired": ({"statuses": ["retired"]}, lambda w, e: e.status == "retired"),
    "status by label": ({"statuses": ["退休", "保留会籍"]}, lambda w, e: e.status in {"retired", "reserved"}),
    "status ended": ({"statuses": ["ended"]}, lambda w, e: e.status == "ended"),
    "union subtree of a county": (
        {"union": "furong"},
        lambda w, e: e.union_id == w.furong_union.id and e.status in CURRENT,
    ),
    "unit": ({"unit": "tianxin_unit"}, lambda w, e: e.unit_id == w.tianxin_unit.id and e.status in CURRENT),
    "gender": ({"genders": ["女"]}, lambda w, e: e.person.gender == "2" and e.status in CURRENT),
    "age range": ({"minAge": 30, "maxAge": 45}, lambda w, e: 30 <= age(e) <= 45 and e.status in CURRENT),
    "age bands": (
        {"ageBands": ["1", "2"]},
        lambda w, e: age_band(e.person.birth_date, china_today()) in {"1", "2"} and e.status in CURRENT,
    ),
    "education": (
        {"educations": ["大学本科", "10"]},
        lambda w, e: e.person.education in {"20", "10"} and e.status in CURRENT,
    ),
    "new employment form": (
        {"newEmploymentForms": ["否"]},
        lambda w, e: e.person.new_employment_form == "0" and e.status in CURRENT,
    ),
    "political status": (
        {"politicalStatuses": ["群众"]},
        lambda w, e: e.person.political_status == "13" and e.status in CURRENT,
    ),
    "card status": ({"cardStatuses": ["已发卡"]}, lambda w, e: e.person.card_status == "1" and e.status in CURRENT),
    "two conditions": (
        {"genders": ["男"], "educations": ["大学本科", "大学专科"], "statuses": ["active", "ended"]},
        lambda w, e: e.person.gender == "1" and e.person.education in {"20", "30"} and e.status in {"active", "ended"},
    ),
}


def filter_input(world: World, given: dict[str, object]) -> dict[str, object]:
    """The filter with ``union`` and ``unit`` given as names of the world's records turned into ids."""
    resolved = dict(given)
    if "union" in given:
        resolved["union"] = gid("Organisation", getattr(world, str(given["union"])).id)
    if "unit" in given:
        resolved["unit"] = gid("Unit", getattr(world, str(given["unit"])).id)
    return resolved


@pytest.mark.parametrize("case", list(FILTERS))
async def test_a_filtered_list_holds_exactly_the_matching_members(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient, case: str
) -> None:
    given, matches = FILTERS[case]
    expected = {gid("Member", enrolled.member_id) for enrolled in roster if matches(world, enrolled)}
    assert expected, "the roster has no member this filter should find"
    data = await city_admin.data(MEMBER_IDS, {"f": filter_input(world, given), "first": 500})
    assert {edge["node"]["id"] for edge in data["members"]["edges"]} == expected
    assert data["members"]["totalCount"] == len(expected)


async def test_pages_follow_each_other_without_gaps_or_repeats(
    world: World, roster: list[Enrolled], city_admin: GraphQLClient
) -> None:
    seen: list[str] = []
    after, pages = None, 0
    while True:
        data = (await city_admin.data(MEMBER_IDS, {"first": 4, "after": after}))["members"]
        seen += [edge["node"]["id"] for edge in data["edges"]]
        pages += 1
        assert data["totalCount"] == sum(1 for enrolled in roster if enrolled.status in CURRENT)
        assert data["pageInfo"]["hasPreviousPage"] == (pages > 1)
        assert data["pageInfo"]["startCursor"] == data["edges"][0]["cursor"]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
        assert after == data["edges"][-1]["cursor"]
    current = sorted(enrolled.member_id for enrolled in roster if enrolled.status in CURRENT)
    assert seen == [gid("Member", member_id) for member_id in current]
    assert pages == -(-len(current) // 4)


@pytest.mark.parametrize(
    "cursor",
    ["garbage!", "", "bWVtYmVyOng", "b3JnYW5pc2F0aW9uOjE"],
    ids=["not-base64", "empty", "not-a-number", "another-list's"],
)
async def test_a_malformed_cursor_is_refused(world: World, city_admin: GraphQLClient, cursor: str) -> None:
    body = await city_admin.raw(MEMBER_IDS, {"first": 2, "after": cursor})
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["INVALID_CURSOR"]


@pytest.mark.parametrize(
    "member_id",
    ["garbage", "", "TWVtYmVyOi0x", "TWVtYmVyOjk5OTk5OTk5OTk5OTk5OTk5OTk5OQ"],
    ids=["not-base64", "empty", "negative", "too-long"],
)
async def test_a_malformed_member_id_is_refused_by_a_query(
    world: World, city_admin: GraphQLClient, member_id: str
) -> None:
    body = await city_admin.raw("query($id: ID!) { member(id: $id) { name } }", {"id": member_id})
    assert body["data"] == {"member": None}
    assert [error["extensions"]["code"] for error in body["errors"]] == ["INVALID_ID"]


async def test_a_well_formed_id_of_nobody_is_null(world: World, city_admin: GraphQLClient) -> None:
    body = await city_admin.raw("query($id: ID!) { member(id: $id) { name } }", {"id": gid("Member", 987654)})
    assert body == {"data": {"member": None}}


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ({"genders": ["男", "未知"]}, "INVALID_ARGUMENT"),
        ({"statuses": ["dead"]}, "INVALID_ARGUMENT"),
        ({"minAge": -1}, "INVALID_ARGUMENT"),
        ({"union": "bm9wZQ"}, "INVALID_ID"),
    ],
)
async def test_an_unknown_filter_value_is_refused(
    world: World, city_admin: GraphQLClient, given: dict[str, object], code: str
) -> None:
    body = await city_admin.raw(MEMBER_IDS, {"f": given})
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]


async def test_a_member_is_found_by_id_number_written_in_any_accepted_form(
    world: World, furong_clerk: GraphQLClient
) -> None:
    row = world.furong_members[0]
    number = world.id_number(row)
    forms = {
        number,
        f" {number[:6]} {number[6:14]} {number[14:]} ",
        number.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    }
    if number[6:8] == "19":
        forms.add(number[:6] + number[8:17])
    for form in forms:
        found = await furong_clerk.data(BY_ID_NUMBER, {"n": form})
        assert found["memberByIdNumber"] == {"id": gid("Member", row.member.id), "name": row.member.name}, form


async def test_a_member_born_in_the_1900s_is_found_by_the_fifteen_digit_form(
    world: World, furong_clerk: GraphQLClient
) -> None:
    birth = datetime.date(1980, 6, 15)
    number = resident_id("430102", birth, 25)
    person = dataclasses.replace(
        world.people.person(), id_number=number, birth_date=birth, gender="1", joined_on=datetime.date(2005, 1, 1)
    )
    saved = await register(furong_clerk, furong_input(world, person))
    found = await furong_clerk.data(BY_ID_NUMBER, {"n": number[:6] + number[8:17]})
    assert found["memberByIdNumber"]["id"] == saved["member"]["id"]


async def test_a_malformed_id_number_in_a_lookup_is_refused(world: World, furong_clerk: GraphQLClient) -> None:
    body = await furong_clerk.raw(BY_ID_NUMBER, {"n": "43010219900307123"})
    assert body["data"] == {"memberByIdNumber": None}
    assert [error["extensions"]["code"] for error in body["errors"]] == ["INVALID_ARGUMENT"]


async def test_an_id_number_of_nobody_finds_nobody(world: World, furong_clerk: GraphQLClient) -> None:
    number = resident_id("430102", datetime.date(1991, 1, 1), 999)
    assert await furong_clerk.data(BY_ID_NUMBER, {"n": number}) == {"memberByIdNumber": None}


async def test_every_lookup_by_id_number_is_audited_found_or_not_with_the_number_masked(
    world: World, furong_clerk: GraphQLClient
) -> None:
    row = world.furong_members[0]
    nobody = resident_id("430102", datetime.date(1991, 1, 1), 999)
    await furong_clerk.data(BY_ID_NUMBER, {"n": world.id_number(row)})
    await furong_clerk.data(BY_ID_NUMBER, {"n": nobody})
    entries = await fetch(world.tenant, "SELECT a.username, l.target_ids, l.details FROM audit_log l JOIN account a "
                          "ON a.id = l.account_id WHERE l.action = 'id_number_lookup' ORDER BY l.id")  # fmt: skip
    assert entries == [
        ("fr_clerk", [row.member.id], {"found": True, "idNumber": mask_id_number(world.id_number(row))}),
        ("fr_clerk", [], {"found": False, "idNumber": mask_id_number(nobody)}),
    ]


async def lookups_recorded(world: World, username: str, count: int, *, ago: datetime.timedelta) -> None:
    """``count`` lookups by ID number of ``username`` in the audit log, ``ago`` before now."""
    async with world.tenant.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO audit_log (account_id, action, at) SELECT id, 'id_number_lookup', now() - :ago "
                "FROM account, generate_series(1, :count) WHERE username = :username"
            ),
            {"ago": ago, "count": count, "username": username},
        )


async def test_lookups_by_id_number_past_the_hourly_allowance_are_refused(
    world: World, furong_clerk: GraphQLClient, tianxin_clerk: GraphQLClient
) -> None:
    allowance = QueryLimits().id_number_lookups_per_hour
    await lookups_recorded(world, "fr_clerk", allowance, ago=datetime.timedelta(minutes=50))
    number = world.id_number(world.furong_members[0])
    body = await furong_clerk.raw(BY_ID_NUMBER, {"n": number})
    assert [error["extensions"]["code"] for error in body["errors"]] == ["TOO_MANY_LOOKUPS"]
    assert "上限" in body["errors"][0]["message"]
    assert await tianxin_clerk.data(BY_ID_NUMBER, {"n": number}) == {"memberByIdNumber": None}  # another account


async def test_lookups_by_id_number_older_than_an_hour_do_not_count(world: World, furong_clerk: GraphQLClient) -> None:
    await lookups_recorded(world, "fr_clerk", QueryLimits().id_number_lookups_per_hour, ago=datetime.timedelta(hours=2))
    row = world.furong_members[0]
    found = await furong_clerk.data(BY_ID_NUMBER, {"n": world.id_number(row)})
    assert found["memberByIdNumber"]["id"] == gid("Member", row.member.id)


async def test_a_lookup_by_id_number_asked_twice_in_one_request_is_refused(
    world: World, furong_clerk: GraphQLClient
) -> None:
    numbers = [world.id_number(row) for row in world.furong_members[:2]]
    twice = """query($a: String!, $b: String!) {
      a: memberByIdNumber(idNumber: $a) { id } b: memberByIdNumber(idNumber: $b) { id } }"""
    assert await furong_clerk.error_codes(twice, {"a": numbers[0], "b": numbers[1]}) == ["QUERY_TOO_COMPLEX"]
