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
def _region_names() -> dict[str, str]:
    names: dict[str, str] = {}
    source = resources.files("exchange.standard").joinpath("data/regions.csv")
    with source.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            # A code reused over time keeps its latest name (rows are sorted by code, then name).
            names[row["code"]] = row["name"]
    return names


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
