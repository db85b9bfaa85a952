"""What an import keeps: a dry run nothing, all-or-nothing everything or nothing, accept-valid the valid rows.
Importing a file again changes nothing; a changed field is an update with its history and outbox event."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from exchange.standard.events import MemberDimensions, MemberEvent, MemberEventType
from province_node.rosters.outcome import ImportMode
from province_node.synthetic.people import Person
from tests.integration.province_node.conftest import fetch, table_counts
from tests.integration.province_node.world import TODAY, World
from tests.integration.rosters.importing import furong_roster, member_rows, people, run_import, written_counts
from tests.roster_files import HUNAN_HEADERS, member_record, table, write_sheet

pytestmark = pytest.mark.anyio


def with_bad_phone(world: World, path: Path, persons: list[Person], bad: int) -> Path:
    """A Furong roster of ``persons`` whose row of ``persons[bad]`` has a 10-digit phone."""
    records = [member_record(person, world.furong_unit.name, world.furong_union.name) for person in persons]
    records[bad]["手机号码"] = str(records[bad]["手机号码"])[:10]
    return write_sheet(path, table(HUNAN_HEADERS, records))


async def events(world: World) -> list[tuple[Any, ...]]:
    return await fetch(world.tenant, "SELECT member_id, kind, changes, reason FROM membership_event ORDER BY id")


async def test_a_dry_run_writes_nothing_and_says_what_would_be_created(world: World, tmp_path: Path) -> None:
    path = with_bad_phone(world, tmp_path / "r.xlsx", people(world, 3), bad=1)
    before = await written_counts(world.tenant)
    summary = await run_import(world, path, world.furong, mode=ImportMode.DRY_RUN)
    assert (summary.rows, summary.created, sorted(summary.rejected), summary.written) == (3, 2, [3], False)
    assert await written_counts(world.tenant) == before


async def test_a_clean_dry_run_writes_nothing_either(world: World, tmp_path: Path) -> None:
    path = furong_roster(world, tmp_path / "r.xlsx", people(world, 3))
    before = await written_counts(world.tenant)
    summary = await run_import(world, path, world.furong, mode=ImportMode.DRY_RUN)
    assert (summary.created, summary.rejected, summary.written) == (3, {}, False)
    assert await written_counts(world.tenant) == before


async def test_all_or_nothing_writes_nothing_when_one_row_is_refused(world: World, tmp_path: Path) -> None:
    path = with_bad_phone(world, tmp_path / "r.xlsx", people(world, 3), bad=2)
    before = await written_counts(world.tenant)
    summary = await run_import(world, path, world.furong)
    assert summary.mode is ImportMode.ALL_OR_NOTHING
    assert (sorted(summary.rejected), summary.written) == ([4], False)
    assert [reason.code for reason in summary.rejected[4]] == ["PHONE_FORMAT"]
    assert await written_counts(world.tenant) == before


async def test_all_or_nothing_writes_every_row_of_a_clean_file_with_history_outbox_and_one_audit_entry(
    world: World, tmp_path: Path
) -> None:
    before = await written_counts(world.tenant)
    summary = await run_import(world, furong_roster(world, tmp_path / "r.xlsx", people(world, 3)), world.furong)
    assert (summary.created, summary.written) == (3, True)
    after = await written_counts(world.tenant)
    assert {name: after[name] - before[name] for name in after} == {
        "organisation": 0, "unit": 0, "organisation_unit": 0, "member": 3, "membership": 3, "membership_event": 3,
        "outbox": 1, "audit_log": 1,
    }  # fmt: skip
    [(payload, count)] = await fetch(world.tenant, "SELECT payload, event_count FROM outbox ORDER BY id DESC LIMIT 1")
    assert count == 3
    assert {event["type"] for event in payload["events"]} == {"member.registered"}


STORED_EVENT_VALUES = """
    SELECT m.token, m.gender, m.birth_date, m.education, m.political_status, m.household_type,
           m.new_employment_form, o.org_level, o.union_type, u.nature, ms.status, ms.joined_on
    FROM member m JOIN membership ms ON ms.member_id = m.id
    JOIN organisation o ON o.id = ms.union_id JOIN unit u ON u.id = ms.unit_id
    WHERE m.token = ANY(:tokens)"""


async def test_each_imported_member_has_an_event_with_what_the_exchange_counts_of_them(
    world: World, tmp_path: Path
) -> None:
    summary = await run_import(world, furong_roster(world, tmp_path / "r.xlsx", people(world, 3)), world.furong)
    [(payload,)] = await fetch(world.tenant, "SELECT payload FROM outbox ORDER BY id DESC LIMIT 1")
    tokens = [event["token"] for event in payload["events"]]
    stored = {row[0]: row for row in await fetch(world.tenant, STORED_EVENT_VALUES, tokens=tokens)}
    assert summary.created == len(stored) == 3
    expected = []
    for token in tokens:
        _, gender, birth, education, political, household, new_form, level, union_type, nature, status, joined = stored[
            token
        ]
        dimensions = MemberDimensions(gender, birth.year, education, political, household, new_form, level,
                                      union_type, nature)  # fmt: skip
        event = MemberEvent(MemberEventType.REGISTERED, token, "43", status, joined or TODAY, dimensions)
        expected.append(event.to_payload())
    assert payload["events"] == expected


async def test_accept_valid_writes_the_valid_rows_and_reports_the_others(world: World, tmp_path: Path) -> None:
    persons = people(world, 3)
    path = with_bad_phone(world, tmp_path / "r.xlsx", persons, bad=0)
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert (summary.created, sorted(summary.rejected), summary.written) == (2, [2], True)
    names = {row[1] for row in await member_rows(world.tenant)}
    assert {person.name for person in persons[1:]} <= names
    assert persons[0].name not in names


async def test_importing_the_same_file_again_changes_nothing(world: World, tmp_path: Path) -> None:
    path = furong_roster(world, tmp_path / "r.xlsx", people(world, 4))
    await run_import(world, path, world.furong)
    members, counts = await member_rows(world.tenant), await table_counts(world.tenant)
    again = await run_import(world, path, world.furong)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 4, {})
    assert await member_rows(world.tenant) == members  # updated_at included
    after = await table_counts(world.tenant)
    assert {name: after[name] - counts[name] for name in after if after[name] != counts[name]} == {"audit_log": 1}


async def test_importing_registered_members_again_in_a_roster_with_fewer_columns_changes_nothing(
    world: World, tmp_path: Path
) -> None:
    persons = [world.persons[row.member.id] for row in world.furong_members]
    path = furong_roster(world, tmp_path / "r.xlsx", persons)  # no 会员卡状态, 新就业形态, 专兼职 or 入会时间
    members, history = await member_rows(world.tenant), await events(world)
    summary = await run_import(world, path, world.furong)
    assert (summary.updated, summary.unchanged) == (0, len(persons))
    assert (await member_rows(world.tenant), await events(world)) == (members, history)


async def test_a_changed_field_is_an_update_with_history_and_an_outbox_event(world: World, tmp_path: Path) -> None:
    member = world.furong_members[0]
    person = world.persons[member.member.id]
    changed = dataclasses.replace(person, education="10" if person.education != "10" else "20")
    path = furong_roster(world, tmp_path / "r.xlsx", [changed])
    summary = await run_import(world, path, world.furong)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    member_id, kind, changes, reason = (await events(world))[-1]
    assert (member_id, kind, reason) == (member.member.id, "updated", "导入花名册 r.xlsx")
    assert changes == {"education": [person.education, changed.education]}
    [(event_type, payload)] = await fetch(
        world.tenant, "SELECT event_type, payload FROM outbox ORDER BY id DESC LIMIT 1"
    )
    assert event_type == "member.updated"
    assert payload["events"][0]["dimensions"]["education"] == changed.education


async def test_a_changed_phone_is_recorded_masked_in_the_history(world: World, tmp_path: Path) -> None:
    member = world.furong_members[1]
    person = world.persons[member.member.id]
    changed = dataclasses.replace(person, phone="13912345678")
    summary = await run_import(world, furong_roster(world, tmp_path / "r.xlsx", [changed]), world.furong)
    assert summary.updated == 1
    _, _, changes, _ = (await events(world))[-1]
    assert changes == {"phone": [f"{person.phone[:3]}****{person.phone[-4:]}", "139****5678"]}
