"""Division codes the standard knows: which prefecture-level and county-level codes are in use."""

from __future__ import annotations

from exchange.standard import current_city_codes, current_county_codes, region_name


def test_the_cities_of_a_province_are_its_prefecture_level_codes_in_use() -> None:
    cities = current_city_codes("43")
    assert len(cities) == 14
    assert cities[0] == "430100"
    assert region_name("430100") == "长沙市"
    assert "433100" in cities  # 湘西土家族苗族自治州
    assert all(code.endswith("00") and not code.endswith("0000") for code in cities)


def test_a_municipality_has_no_cities_only_counties() -> None:
    assert current_city_codes("11") == ()
    assert "110101" in current_county_codes("11")


def test_codes_that_only_group_counties_are_not_cities() -> None:
    cities = current_city_codes("42")
    assert "429000" not in cities  # 省直辖县级行政单位: 仙桃, 潜江, 天门 belong to the province
    assert "422900" not in cities  # 林区: a grouping code, not a city
    assert "420100" in cities
