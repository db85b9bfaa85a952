"""GB/T 2260 administrative division codes, as far as identifiers need them.

Only two questions are asked of them: is a two-digit prefix a province-level division (a hard rule for
resident IDs), and has a six-digit code ever been in use (an unknown code is at most a warning: the code
is the one in force when the card was issued, and that is never compared with the birth year).
"""

from __future__ import annotations

import csv
import functools
from importlib import resources
from typing import Final

from exchange.standard.code_lists import code_list

# Hong Kong, Macao and Taiwan appear in resident ID prefixes but are not provinces of the code list.
_ID_ONLY_PREFIXES: Final = frozenset({"71", "81", "82"})


@functools.cache
def _region_rows() -> tuple[dict[str, str], ...]:
    source = resources.files("exchange.standard").joinpath("data/regions.csv")
    with source.open(encoding="utf-8") as rows:
        return tuple(csv.DictReader(rows))


@functools.cache
def _region_names() -> dict[str, str]:
    # A code reused over time is named by its current use (rows without a last year come last and win).
    rows = sorted(_region_rows(), key=lambda row: (row["last_year"] == "", row["last_year"]))
    return {row["code"]: row["name"] for row in rows}


@functools.cache
def current_county_codes(province: str) -> tuple[str, ...]:
    """County-level division codes of ``province`` in use today (e.g. 420102 江岸区 for ``"42"``)."""
    codes = {
        row["code"]
        for row in _region_rows()
        if row["code"].startswith(province)
        and not row["code"].endswith("00")
        and not row["last_year"]
        and row["name"] != "市辖区"  # a placeholder of a city's urban districts, not a county
    }
    return tuple(sorted(codes))


# Codes ending in 00 that group counties without being a prefecture-level division of their own
# (林区 422900 once grouped 神农架林区, now 429021 under Hubei's directly administered divisions).
_GROUPING_NAMES: Final = frozenset({"市辖区", "县", "林区", "省直辖县级行政单位", "自治区直辖县级行政单位"})


@functools.cache
def current_city_codes(province: str) -> tuple[str, ...]:
    """Prefecture-level division codes of ``province`` in use today (e.g. 430100 长沙市 for ``"43"``).

    Codes that only group counties (a municipality's 市辖区, a province's directly administered
    county-level divisions) are left out: their counties belong to the province directly.
    """
    codes = {
        row["code"]
        for row in _region_rows()
        if row["code"].startswith(province)
        and row["code"].endswith("00")
        and not row["code"].endswith("0000")
        and not row["last_year"]
        and row["name"] not in _GROUPING_NAMES
    }
    return tuple(sorted(codes))


@functools.cache
def resident_id_prefixes() -> frozenset[str]:
    """Two-digit prefixes a resident ID may start with: the 31 provinces plus 71, 81, 82."""
    return frozenset(entry.code for entry in code_list("province").entries) | _ID_ONLY_PREFIXES


def region_name(code: str) -> str | None:
    """The name a six-digit division code has had, or ``None`` for a code never in use."""
    return _region_names().get(code)


def is_known_region(code: str) -> bool:
    """True when the six-digit code is or was a division code."""
    return code in _region_names()
