"""The national tally: members by province and by every dimension, kept by deltas.

A counted row (a current membership) contributes one to ``(province, "total", "")``, to
``(province, "status", status)`` and to ``(province, <dimension>, <code>)`` for every dimension (code
``""`` when the dimension is unknown). A change of rows changes the tally by the contributions of the new
rows minus those of the old: the tally is never recomputed by scanning the index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from operator import itemgetter
from typing import Final

from exchange.service.domain.model import DIMENSION_WIRE_NAMES, IndexRow

TOTAL: Final = "total"
STATUS: Final = "status"
GROUPINGS: Final = (*DIMENSION_WIRE_NAMES, STATUS)  # what aggregates may be grouped by

TallyKey = tuple[str, str, str]  # (province, grouping, code)


def code(value: str | int | None) -> str:
    """The tally code of a dimension value (``""`` for unknown)."""
    return "" if value is None else str(value)


def contributions(row: IndexRow | None) -> list[TallyKey]:
    """The tally entries one row counts in (none unless the row is counted)."""
    if row is None or not row.counted:
        return []
    province = row.province
    keys = [(province, TOTAL, ""), (province, STATUS, row.status.value)]
    keys += [(province, name, code(value)) for name, value in zip(DIMENSION_WIRE_NAMES, row.dimensions, strict=True)]
    return keys


def deltas(changes: Collection[tuple[IndexRow | None, IndexRow | None]]) -> dict[TallyKey, int]:
    """The summed tally changes of rows going from ``before`` to ``after`` (zero changes left out).

    Rows are counted by their whole content first, all of them and in C (``map`` and ``Counter``; the rows
    before as well as after: ``subtract`` of a plain iterable would loop in Python); whether a row counts
    is asked once per distinct row, and a batch of many similar people costs one expansion per distinct row.
    """
    rows = Counter(map(itemgetter(1), changes))
    rows.subtract(Counter(map(itemgetter(0), changes)))
    counter: Counter[TallyKey] = Counter()
    for row, count in rows.items():
        if count:
            for key in contributions(row):  # none for no row or a row not counted
                counter[key] += count
    return {key: count for key, count in counter.items() if count}
