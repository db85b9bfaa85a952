"""Empty import templates, read back as a clerk's Excel would see them: headers, drop-downs, formats, instructions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from exchange.standard import code_list, profile, profile_names
from province_node.rosters.layouts import LAYOUTS, MEMBER_ROSTER, ORGANISATION_SUMMARY, Layout
from province_node.rosters.templates import required_fields, template_columns, write_template
from province_node.rosters.workbook import CODE_SHEET, INSTRUCTIONS_SHEET
from tests.spreadsheets import (
    cells_by_header,
    column_number_formats,
    data_sheet,
    drop_downs,
    headers,
    is_red,
    open_workbook,
)
from unionfed.cli import main

COMBINATIONS = [(layout, name) for layout in LAYOUTS.values() for name in profile_names()]


def template(layout: Layout, profile_name: str) -> bytes:
    buffer = io.BytesIO()
    write_template(layout, profile(profile_name), buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("layout", "profile_name"), COMBINATIONS)
def test_a_template_has_the_exact_headers_of_its_layout_for_the_profile(layout: Layout, profile_name: str) -> None:
    sheet = data_sheet(open_workbook(template(layout, profile_name)))
    shown = headers(sheet)
    assert shown == [column.header for column in template_columns(layout, profile(profile_name))]
    assert {column.header for column in layout.columns_for(profile(profile_name))} <= set(shown)
    assert shown[: len(layout.seed_columns)] == [column.header for column in layout.seed_columns]
    for header in shown:
        column = layout.column_for(header)
        assert column is not None
        assert column.header == header


@pytest.mark.parametrize("profile_name", ["hubei", "hunan", "national"])
def test_a_member_template_offers_the_union_unit_code_and_id_type_columns_in_every_profile(profile_name: str) -> None:
    shown = headers(data_sheet(open_workbook(template(MEMBER_ROSTER, profile_name))))
    assert {"所在工会", "所在工会统一社会信用代码", "单位统一社会信用代码", "证件类型"} <= set(shown)


def test_profiles_add_the_columns_they_require() -> None:
    hubei = headers(data_sheet(open_workbook(template(MEMBER_ROSTER, "hubei"))))
    hunan = headers(data_sheet(open_workbook(template(MEMBER_ROSTER, "hunan"))))
    assert {"入会时间", "新就业形态劳动者", "政治面貌", "专兼职工会职务标识"} <= set(hubei)
    assert {"出生日期", "民族", "政治面貌"} <= set(hunan)
    assert "入会时间" not in hunan
    summary = headers(data_sheet(open_workbook(template(ORGANISATION_SUMMARY, "hubei"))))
    assert {"工会统一社会信用代码", "届期开始日期", "届期结束日期"} <= set(summary)


@pytest.mark.parametrize(("layout", "profile_name"), COMBINATIONS)
def test_every_coded_column_has_a_drop_down_of_its_code_list_labels(layout: Layout, profile_name: str) -> None:
    book = open_workbook(template(layout, profile_name))
    offered = drop_downs(book)
    coded = [column for column in template_columns(layout, profile(profile_name)) if column.code_list]
    assert set(offered) == {column.header for column in coded}
    for column in coded:
        assert column.code_list is not None
        labels = [entry.label for entry in code_list(column.code_list)]
        assert sorted(offered[column.header]) == sorted(labels), column.header


def test_the_country_drop_down_lists_all_249_countries_from_the_hidden_code_sheet_with_china_first() -> None:
    book = open_workbook(template(MEMBER_ROSTER, "national"))
    countries = drop_downs(book)["国籍"]
    assert len(countries) == 249 == len(code_list("country"))
    assert countries[0] == "中国"
    assert book[CODE_SHEET].sheet_state == "hidden"


def test_the_data_sheet_comes_first_and_is_active_then_the_instructions() -> None:
    book = open_workbook(template(MEMBER_ROSTER, "hunan"))
    assert book.sheetnames == ["工会会员花名册", INSTRUCTIONS_SHEET, CODE_SHEET]
    assert book.active is not None
    assert book.active.title == "工会会员花名册"
    assert [sheet.sheet_state for sheet in book.worksheets] == ["visible", "visible", "hidden"]


@pytest.mark.parametrize(("layout", "profile_name"), COMBINATIONS)
def test_identifier_columns_are_text_and_date_columns_are_dates_for_the_whole_column(
    layout: Layout, profile_name: str
) -> None:
    formats = column_number_formats(data_sheet(open_workbook(template(layout, profile_name))))
    for column in template_columns(layout, profile(profile_name)):
        expected = "@" if column.text else "yyyy-mm-dd" if column.date else "General"
        assert formats[column.header] == expected, column.header
    identifiers = {"身份证号码", "手机号码"} if layout is MEMBER_ROSTER else {"单位组织机构代码证", "联系电话"}
    assert all(formats[header] == "@" for header in identifiers)


@pytest.mark.parametrize(("layout", "profile_name"), COMBINATIONS)
def test_required_headers_are_red_and_bold_and_the_header_row_is_frozen(layout: Layout, profile_name: str) -> None:
    sheet = data_sheet(open_workbook(template(layout, profile_name)))
    required = required_fields(layout, profile(profile_name))
    for column in template_columns(layout, profile(profile_name)):
        cell = cells_by_header(sheet, 1)[column.header]
        assert cell.font.b
        assert is_red(cell) == (column.field in required), column.header
        assert cell.comment is not None
        assert cell.comment.text.startswith("必填" if is_red(cell) else "选填")
    assert sheet.freeze_panes == "A2"
    assert all((sheet.column_dimensions[letter].width or 0) >= 5 for letter in "ABCDEFGHIJK")


def test_the_standard_always_requires_name_id_number_gender_phone_and_unit_of_a_member() -> None:
    for name in profile_names():
        assert {"name", "idNumber", "gender", "phone", "unit"} <= required_fields(MEMBER_ROSTER, profile(name))
    assert "education" in required_fields(MEMBER_ROSTER, profile("hunan"))
    assert "education" not in required_fields(MEMBER_ROSTER, profile("hubei"))
    assert {"unit.creditCode", "union.creditCode", "union.unionType"} <= required_fields(
        ORGANISATION_SUMMARY, profile("hubei")
    )


def instruction_rows(content: bytes) -> list[tuple[object, ...]]:
    sheet = open_workbook(content)[INSTRUCTIONS_SHEET]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(("layout", "profile_name"), COMBINATIONS)
def test_the_instructions_sheet_explains_every_column_and_whether_it_is_required(
    layout: Layout, profile_name: str
) -> None:
    rows = instruction_rows(template(layout, profile_name))
    by_header = {row[0]: row for row in rows if row[0] is not None and len(row) >= 3 and row[2] is not None}
    required = required_fields(layout, profile(profile_name))
    for column in template_columns(layout, profile(profile_name)):
        line = by_header[column.header]
        assert line[1] == ("必填" if column.field in required else "选填"), column.header
        assert isinstance(line[2], str)
        assert len(line[2]) > 4
        if column.text:
            assert "文本格式" in line[2]
        if column.code_list:
            assert "下拉列表" in line[2]


def test_the_instructions_say_how_to_type_ids_dates_and_how_errors_are_reported() -> None:
    rows = instruction_rows(template(MEMBER_ROSTER, "hunan"))
    text = "\n".join(str(value) for row in rows for value in row if value is not None)
    for phrase in (
        "填写说明",
        "文本格式",
        "4.30102E+17",
        "2001-05-06",
        "2001年5月6日",
        "一证一会员",
        "行号",
        "错误代码",
    ):
        assert phrase in text, phrase
    assert "桃源县总工会会员信息必填项" in text  # the profile in force
    gender = next(row for row in rows if row[0] == "性别")
    assert "第17位" in str(gender[2])  # gender may be derived from a resident ID


def test_a_template_is_written_to_a_path_as_well(tmp_path: Path) -> None:
    target = tmp_path / "花名册.xlsx"
    write_template(ORGANISATION_SUMMARY, profile("national"), target)
    assert headers(data_sheet(open_workbook(target)))[:3] == ["序号", "单位名称", "单位组织机构代码证"]


def test_the_template_command_writes_the_template_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "hubei.xlsx"
    status = main(["template", "--layout", "member_roster", "--profile", "hubei", "--out", str(target)])
    assert status == 0
    shown = headers(data_sheet(open_workbook(target)))
    assert shown == [column.header for column in template_columns(MEMBER_ROSTER, profile("hubei"))]


def test_the_template_command_refuses_an_unknown_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["template", "--layout", "member_roster", "--profile", "beijing", "--out", str(tmp_path / "x.xlsx")])
    assert "invalid choice" in capsys.readouterr().err
