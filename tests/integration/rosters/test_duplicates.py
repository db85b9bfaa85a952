"""One ID, one member: a person twice in a file, or already a member elsewhere, is refused on that row,
with where the other record is."""

from __future__ import annotations

from pathlib import Path

import pytest

from province_node.domain.lifecycle import EndReason, StatusChange
from province_node.rosters.outcome import ImportMode, RowReason
from province_node.synthetic.people import Person
from tests.integration.province_node.world import World
from tests.integration.rosters.importing import furong_roster, people, run_import, written_counts
from tests.roster_files import HUNAN_HEADERS, member_record, table, write_sheet

pytestmark = pytest.mark.anyio


def only_reason(reasons: list[RowReason]) -> tuple[str, str, str]:
    [reason] = reasons
    return reason.field, reason.code, reason.message


async def test_a_person_twice_in_the_file_is_refused_on_the_later_row_naming_the_earlier_one(
    world: World, tmp_path: Path
) -> None:
    first, second, third = people(world, 3)
    path = furong_roster(world, tmp_path / "r.xlsx", [first, second, third, second])
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert summary.created == 3
    assert list(summary.rejected) == [5]
    assert only_reason(summary.rejected[5]) == (
        "idNumber",
        "DUPLICATE_IN_FILE",
        "与第 3 行是同一证件号码（一证一会员）",
    )


async def test_a_first_generation_number_and_its_eighteen_digit_form_are_the_same_person(
    world: World, tmp_path: Path
) -> None:
    person = next(person for person in (world.people.person() for _ in range(50)) if person.birth_date.year < 2000)
    records = [member_record(person, world.furong_unit.name, world.furong_union.name) for _ in range(2)]
    records[1]["身份证号码"] = person.id_number[:6] + person.id_number[8:17]
    path = write_sheet(tmp_path / "r.xlsx", table(HUNAN_HEADERS, records))
    summary = await run_import(world, path, world.furong, mode=ImportMode.DRY_RUN)
    assert [reason.code for reason in summary.rejected[3]] == ["DUPLICATE_IN_FILE"]


async def test_a_member_of_another_county_is_refused_naming_the_region_where_the_person_is(
    world: World, tmp_path: Path
) -> None:
    elsewhere = world.persons[world.tianxin_members[0].member.id]
    before = await written_counts(world.tenant)
    summary = await run_import(world, furong_roster(world, tmp_path / "r.xlsx", [elsewhere]), world.furong)
    assert only_reason(summary.rejected[2]) == (
        "idNumber",
        "DUPLICATE_IN_PROVINCE",
        "该证件号码已登记为会员，所在：长沙市总工会辖区内的其他工会（一证一会员）；如需调整请办理会籍接转",
    )
    assert await written_counts(world.tenant) == before


async def test_a_member_of_another_union_in_scope_is_refused_naming_that_union(world: World, tmp_path: Path) -> None:
    elsewhere = world.persons[world.tianxin_members[0].member.id]
    summary = await run_import(world, furong_roster(world, tmp_path / "r.xlsx", [elsewhere]), world.city)
    field, code, message = only_reason(summary.rejected[2])
    assert (field, code) == ("idNumber", "DUPLICATE_IN_PROVINCE")
    assert f"所在：{world.tianxin_union.name}" in message


async def test_a_member_whose_membership_ended_is_refused_naming_the_union(world: World, tmp_path: Path) -> None:
    ended = world.furong_members[2]
    await world.change_status(ended, StatusChange.END, EndReason.LEFT_JOB)
    path = furong_roster(world, tmp_path / "r.xlsx", [world.persons[ended.member.id]])
    summary = await run_import(world, path, world.furong)
    assert only_reason(summary.rejected[2]) == (
        "idNumber",
        "MEMBERSHIP_ENDED",
        f"该会员已终止会籍（{world.furong_union.name}）；如重新入会请在系统中办理",
    )


async def test_a_duplicate_and_the_new_rows_around_it_are_all_accounted_for(world: World, tmp_path: Path) -> None:
    fresh: list[Person] = people(world, 2)
    registered = world.persons[world.furong_members[0].member.id]
    elsewhere = world.persons[world.tianxin_members[1].member.id]
    path = furong_roster(world, tmp_path / "r.xlsx", [fresh[0], registered, elsewhere, fresh[1], fresh[0]])
    summary = await run_import(world, path, world.furong, mode=ImportMode.ACCEPT_VALID)
    assert (summary.rows, summary.created, summary.unchanged) == (5, 2, 1)
    assert {row: [reason.code for reason in reasons] for row, reasons in summary.rejected.items()} == {
        4: ["DUPLICATE_IN_PROVINCE"],
        6: ["DUPLICATE_IN_FILE"],
    }
