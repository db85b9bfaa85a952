"""Synthetic rosters read back as an importer would: the layout's headers, text IDs, mistakes as documented."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from exchange.standard import (
    ProblemCode,
    Profile,
    profile,
    validate_member,
    validate_union_record,
    validate_unit_record,
)
from province_node.rosters.layouts import MEMBER_ROSTER, ORGANISATION_SUMMARY, Layout
from province_node.synthetic.hierarchy import ProvinceHierarchy, plan_province
from province_node.synthetic.mistakes import DirtyRow, Mistake
from province_node.synthetic.rosters import (
    RosterEntry,
    RosterReport,
    member_columns,
    roster_entries,
    write_member_roster,
    write_organisation_summary,
)

AS_OF = datetime.date(2026, 11, 22)
Rows = Sequence[Sequence[object]]


@pytest.fixture(scope="module")
def hierarchy() -> ProvinceHierarchy:
    return plan_province("43", 3_000, seed=9, as_of=AS_OF)


@pytest.fixture(scope="module")
def entries(hierarchy: ProvinceHierarchy) -> list[RosterEntry]:
    return list(roster_entries(hierarchy, seed=9))


def read(path: Path, encoding: str = "utf-8-sig") -> Rows:
    """The cells of the first sheet (or of the CSV file), header row first."""
    if path.suffix == ".xlsx":
        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    with path.open(encoding=encoding, newline="") as file:
        return [list(row) for row in csv.reader(file)]


def as_records(layout: Layout, rows: Rows) -> list[dict[str, object]]:
    """Each data row as a record of the standard: field -> cell, empty cells and unread columns left out."""
    columns = [layout.column_for(header) for header in rows[0]]
    assert all(columns), rows[0]
    return [
        {
            column.field: value
            for column, value in zip(columns, row, strict=True)
            if column is not None and column.imported and value != ""
        }
        for row in rows[1:]
    ]


def check_rows(rows: Rows, report: RosterReport, member_profile: Profile, *, union: str | None = None) -> None:
    """Clean rows pass ``validate_member``; each dirty row fails (or passes) as its ``DirtyRow`` says."""
    dirty = {row.row: row for row in report.dirty}
    records = as_records(MEMBER_ROSTER, rows)
    assert len(records) == report.rows
    normalized: dict[int, object] = {}
    for number, record in enumerate(records, start=2):
        if union is not None:
            record["union"] = union
        verdict = validate_member(record, member_profile, today=AS_OF)
        normalized[number] = verdict.values.get("idNumber")
        mistake = dirty.get(number)
        if mistake is None:
            assert verdict.valid, (number, record, verdict.errors)
            assert not verdict.warnings, (number, verdict.warnings)
            continue
        errors = {error.code for error in verdict.errors if error.field == mistake.field}
        if mistake.error is None:
            assert verdict.valid, (mistake, record, verdict.errors)
        else:
            assert mistake.error in errors, (mistake, record, verdict.errors)
        if mistake.warning is not None:
            assert mistake.warning in {warning.code for warning in verdict.warnings}
        if mistake.mistake is Mistake.DUPLICATE_ID:
            assert mistake.original_row is not None
            assert mistake.original_row < number
            assert mistake.original_row not in dirty
            assert normalized[number] == normalized[mistake.original_row]


def headers(member_profile: Profile, *, with_union: bool) -> list[str]:
    return [column.header for column in member_columns(member_profile, with_union=with_union)]


@pytest.mark.parametrize("name", ["national", "hunan", "hubei"])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_rows_with_mistakes_fail_as_documented_and_the_others_pass(
    tmp_path: Path, entries: list[RosterEntry], name: str, suffix: str
) -> None:
    path = tmp_path / f"roster{suffix}"
    report = write_member_roster(path, entries, profile(name), with_union=True, dirty=0.3, seed=1)
    rows = read(path)
    assert rows[0] == headers(profile(name), with_union=True)
    assert {row.mistake for row in report.dirty} == set(Mistake)
    check_rows(rows, report, profile(name))


def test_an_xlsx_roster_has_the_profiles_columns_and_text_ids(tmp_path: Path, entries: list[RosterEntry]) -> None:
    path = tmp_path / "roster.xlsx"
    report = write_member_roster(path, entries[:200], profile("hunan"), with_union=False)
    rows = read(path)
    assert rows[0] == [column.header for column in MEMBER_ROSTER.columns_for(profile("hunan"))]
    assert "所在工会" not in rows[0]
    assert report.rows == 200
    assert report.dirty == ()
    id_column, phone_column = rows[0].index("身份证号码"), rows[0].index("手机号码")
    for row, entry in zip(rows[1:], entries, strict=False):
        assert row[id_column] == entry.person.id_number
        assert row[phone_column] == entry.person.phone
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.cell(row=2, column=id_column + 1).number_format == "@"
    assert sheet.cell(row=2, column=phone_column + 1).number_format == "@"
    check_rows(rows, report, profile("hunan"), union=entries[0].union)


def test_coded_fields_are_written_as_labels_clerks_use(tmp_path: Path, entries: list[RosterEntry]) -> None:
    path = tmp_path / "roster.csv"
    write_member_roster(path, entries, profile("hunan"), with_union=True)
    rows = read(path)
    education = {row[rows[0].index("学历")] for row in rows[1:]}
    assert {"大学本科", "本科", "大学专科", "大专", "普通高中"} <= education
    assert {row[rows[0].index("性别")] for row in rows[1:]} == {"男", "女"}
    assert {row[rows[0].index("国籍")] for row in rows[1:]} == {"中国"}
    assert {row[rows[0].index("证件类型")] for row in rows[1:]} == {"居民身份证"}


def test_a_gb18030_csv_reads_back_with_the_right_characters(tmp_path: Path, entries: list[RosterEntry]) -> None:
    path = tmp_path / "roster.csv"
    write_member_roster(path, entries[:300], profile("national"), with_union=True, encoding="gb18030")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = read(path, encoding="gb18030")
    assert rows[0][:4] == ["序号", "姓名", "性别", "身份证号码"]
    assert [row[1] for row in rows[1:]] == [entry.person.name for entry in entries[:300]]
    assert [row[-1] for row in rows[1:]] == [entry.union for entry in entries[:300]]


def test_a_utf8_csv_starts_with_a_byte_order_mark_as_excel_writes_it(
    tmp_path: Path, entries: list[RosterEntry]
) -> None:
    path = tmp_path / "roster.csv"
    write_member_roster(path, entries[:10], profile("national"), with_union=False)
    assert path.read_bytes().startswith("\ufeff序号,姓名".encode())


def test_the_same_seed_spoils_the_same_rows_the_same_way(tmp_path: Path, entries: list[RosterEntry]) -> None:
    first, second, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    one = write_member_roster(first, entries, profile("hunan"), with_union=True, dirty=0.1, seed=3)
    two = write_member_roster(second, entries, profile("hunan"), with_union=True, dirty=0.1, seed=3)
    three = write_member_roster(other, entries, profile("hunan"), with_union=True, dirty=0.1, seed=4)
    assert first.read_bytes() == second.read_bytes()
    assert one.dirty == two.dirty
    assert one.dirty != three.dirty


def test_the_dirty_share_is_the_share_of_rows_spoilt(tmp_path: Path, entries: list[RosterEntry]) -> None:
    report = write_member_roster(tmp_path / "r.csv", entries, profile("hunan"), with_union=True, dirty=0.1, seed=2)
    assert 0.08 <= len(report.dirty) / report.rows <= 0.12
    assert len({row.row for row in report.dirty}) == len(report.dirty)


@pytest.mark.parametrize("kind", list(Mistake))
def test_each_kind_of_mistake_can_be_asked_for_alone(tmp_path: Path, entries: list[RosterEntry], kind: Mistake) -> None:
    path = tmp_path / "roster.xlsx"
    report = write_member_roster(
        path, entries[:600], profile("hubei"), with_union=True, dirty=0.5, seed=5, kinds=(kind,)
    )
    assert len(report.dirty) >= 100
    assert {row.mistake for row in report.dirty} == {kind}
    check_rows(read(path), report, profile("hubei"))


EXPECTED: dict[Mistake, tuple[set[str], ProblemCode | None]] = {
    Mistake.WRONG_CHECK_CHARACTER: ({"idNumber"}, ProblemCode.ID_CHECKSUM),
    Mistake.EXCEL_NUMBER: ({"idNumber"}, ProblemCode.ID_EXCEL_NUMBER),
    Mistake.SHORT_PHONE: ({"phone"}, ProblemCode.PHONE_FORMAT),
    Mistake.FULL_WIDTH_DIGITS: ({"idNumber", "phone"}, None),
    Mistake.TRAILING_SPACES: ({"idNumber", "name", "phone"}, None),
    Mistake.OLD_ID: ({"idNumber"}, None),
    Mistake.DUPLICATE_ID: ({"idNumber"}, None),
}


def test_each_mistake_names_its_field_and_the_standards_verdict(tmp_path: Path, entries: list[RosterEntry]) -> None:
    report = write_member_roster(tmp_path / "r.csv", entries, profile("hunan"), with_union=True, dirty=0.4, seed=8)
    for row in report.dirty:
        if row.mistake in EXPECTED:
            fields, error = EXPECTED[row.mistake]
            assert row.field in fields
            assert row.error is error
        elif row.mistake is Mistake.UNKNOWN_LABEL:
            assert row.error is ProblemCode.CODE_UNKNOWN
        else:
            assert row.error in (
                ProblemCode.VALUE_REQUIRED,
                ProblemCode.MEMBER_WITHOUT_UNIT,
                ProblemCode.MEMBER_WITHOUT_UNION,
            )
            assert row.field in profile("hunan").member | {"name", "idNumber", "phone", "unit", "union"}
    assert all(row.warning is ProblemCode.ID_UPGRADED for row in report.dirty if row.mistake is Mistake.OLD_ID)


def test_excel_mangled_ids_are_numbers_in_xlsx_and_scientific_text_in_csv(
    tmp_path: Path, entries: list[RosterEntry]
) -> None:
    kinds = (Mistake.EXCEL_NUMBER,)
    for suffix in (".xlsx", ".csv"):
        path = tmp_path / f"r{suffix}"
        report = write_member_roster(path, entries[:100], profile("national"), with_union=False, dirty=0.2, kinds=kinds)
        rows = read(path)
        id_column = rows[0].index("身份证号码")
        for dirty in report.dirty:
            value = rows[dirty.row - 1][id_column]
            original = entries[dirty.row - 2].person.id_number
            if suffix == ".xlsx":
                assert value == float(original[:15] + "000")
            else:
                assert value == f"{original[0]}.{original[1:6]}E+17"


def test_a_roster_other_than_xlsx_or_csv_is_refused(tmp_path: Path, entries: list[RosterEntry]) -> None:
    with pytest.raises(ValueError, match=r"\.xlsx or \.csv"):
        write_member_roster(tmp_path / "roster.xls", entries[:1], profile("national"), with_union=False)
    with pytest.raises(ValueError, match="between 0 and 1"):
        write_member_roster(tmp_path / "roster.csv", entries[:1], profile("national"), with_union=False, dirty=2)


def summary_records(rows: Rows) -> list[dict[str, object]]:
    return as_records(ORGANISATION_SUMMARY, rows)


def split(record: dict[str, object], prefix: str) -> dict[str, object]:
    values = {key.removeprefix(prefix): value for key, value in record.items() if key.startswith(prefix)}
    return {key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in values.items()}


@pytest.mark.parametrize("name", ["national", "hubei"])
def test_the_organisation_summary_has_a_row_per_unit_that_passes_the_standard(
    tmp_path: Path, hierarchy: ProvinceHierarchy, name: str
) -> None:
    path = tmp_path / "summary.xlsx"
    report = write_organisation_summary(path, hierarchy, profile(name))
    rows = read(path)
    assert rows[0] == [column.header for column in ORGANISATION_SUMMARY.columns_for(profile(name))]
    units = list(hierarchy.units())
    assert report.rows == len(rows) - 1 == len(units)
    assert report.unions == len({id(union) for union, _ in units})
    member_count = rows[0].index("会员人数")
    assert sum(float(str(row[member_count])) for row in rows[1:]) == hierarchy.members
    note = rows[0].index("备注")
    for row, record, (union, unit) in zip(rows[1:], summary_records(rows), units, strict=True):
        assert str(row[note]).startswith("隶属：")
        unit_verdict = validate_unit_record(split(record, "unit."), profile(name), today=AS_OF)
        union_record = {**split(record, "union."), "orgLevel": union.level}
        union_verdict = validate_union_record(union_record, profile(name), today=AS_OF)
        if unit.needs_temporary_code:
            assert "单位无法人资格" in str(row[note])
            assert [error.field for error in unit_verdict.errors] == ["creditCode"]
        else:
            assert unit_verdict.valid, unit_verdict.errors
        if union.needs_temporary_code:
            assert [error.field for error in union_verdict.errors] == ["creditCode"]
        else:
            assert union_verdict.valid, union_verdict.errors


def test_a_summary_can_cover_one_subtree(tmp_path: Path, hierarchy: ProvinceHierarchy) -> None:
    city = hierarchy.root.children[0]
    report = write_organisation_summary(tmp_path / "city.csv", city, profile("national"))
    assert report.rows == sum(len(union.units) for _, union in city.walk() if union.is_grassroots)
    rows = read(tmp_path / "city.csv")
    assert all(str(row[rows[0].index("工会名称")]) for row in rows[1:])


def test_dirty_rows_are_recorded_with_the_row_number_a_clerk_sees() -> None:
    row = DirtyRow(2, Mistake.SHORT_PHONE, "phone", ProblemCode.PHONE_FORMAT)
    assert (row.row, row.original_row, row.warning) == (2, None, None)
