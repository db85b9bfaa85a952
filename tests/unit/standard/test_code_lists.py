"""Code lists: completeness against the national standards and lookup the way clerks type."""

from __future__ import annotations

import pycountry
import pytest

from exchange.standard import UnknownCodeList, code_list, code_list_names

STANDARD_LISTS = [
    "unit_nature",
    "union_type",
    "id_type",
    "ethnicity",
    "political_status",
    "education",
    "household_type",
    "employment_status",
    "union_position",
    "position_kind",
    "new_employment_form",
    "gender",
    "province",
]


def test_every_list_named_in_the_standard_exists() -> None:
    assert set(STANDARD_LISTS) <= set(code_list_names())


def test_ethnicity_has_the_56_groups_of_gb_t_3304_plus_other_and_foreign_origin() -> None:
    ethnicity = code_list("ethnicity")
    groups = [entry for entry in ethnicity if entry.code.isdigit() and 1 <= int(entry.code) <= 56]
    assert [entry.code for entry in groups] == [f"{number:02d}" for number in range(1, 57)]
    assert (groups[0].label, groups[-1].label) == ("汉族", "基诺族")
    assert {entry.label for entry in ethnicity} >= {"其他", "外国血统"}
    assert len(ethnicity) == 58


def test_province_has_the_31_mainland_divisions_of_gb_t_2260() -> None:
    province = code_list("province")
    assert len(province) == 31
    assert (province.label("11"), province.label("42"), province.label("65")) == (
        "北京市",
        "湖北省",
        "新疆维吾尔自治区",
    )
    assert not {"71", "81", "82"} & {entry.code for entry in province}


def test_country_follows_iso_3166() -> None:
    assert {entry.code for entry in code_list("country")} == {country.alpha_3 for country in pycountry.countries}
    assert code_list("country").label("CHN") == "中国"


@pytest.mark.parametrize(
    ("list_name", "typed", "code"),
    [
        ("ethnicity", "汉族", "01"),
        ("ethnicity", "汉", "01"),
        ("ethnicity", "01", "01"),
        ("ethnicity", "1", "01"),
        ("ethnicity", 1, "01"),
        ("ethnicity", 1.0, "01"),
        ("education", "本科", "20"),
        ("education", "研究生（博士/硕士）", "10"),
        ("education", "研究生(博士/硕士)", "10"),
        ("political_status", "团员", "03"),
        ("political_status", " 中共党员 ", "01"),
        ("union_type", "单建", "1"),
        ("gender", "male", "1"),
        ("gender", "女", "2"),
        ("province", "湖南", "43"),
        ("new_employment_form", "外卖骑手", "2"),
        ("country", "china", "CHN"),
    ],
)
def test_a_cell_finds_its_code_by_code_label_english_or_alias(list_name: str, typed: object, code: str) -> None:
    entry = code_list(list_name).find(typed)
    assert entry is not None
    assert entry.code == code


@pytest.mark.parametrize("typed", ["火星族", "", None, True, 3.5, "x" * 1000, ["汉族"]])
def test_anything_else_finds_nothing(typed: object) -> None:
    assert code_list("ethnicity").find(typed) is None


@pytest.mark.parametrize("name", STANDARD_LISTS)
def test_every_entry_has_a_code_and_a_chinese_label(name: str) -> None:
    for entry in code_list(name):
        assert entry.code
        assert entry.label
        assert entry.label_en


def test_an_unknown_list_is_a_clear_error() -> None:
    with pytest.raises(UnknownCodeList, match="no_such_list"):
        code_list("no_such_list")


def test_lists_are_loaded_once() -> None:
    assert code_list("ethnicity") is code_list("ethnicity")
