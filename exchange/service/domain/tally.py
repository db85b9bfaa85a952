"""The national tally: members by province and by every dimension, kept by deltas.

A counted row (a current membership) contributes one to ``(province, "total", "")``, to
``(province, "status", status)`` and to ``(province, <dimension>, <code>)`` for every dimension (code
``""`` when the dimension is unknown). A change of rows changes the tally by the contributions of the new
rows minus those of the old: the tally is never recomputed by scanning the index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
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

    Rows are counted by their whole content first (``Counter`` counts in C, the rows before as well as after:
    ``subtract`` of a plain iterable would loop in Python), so a batch of many similar people costs one
    expansion per distinct row.
    """
    rows = Counter(after for _, after in changes if after is not None and after.counted)
    rows.subtract(Counter(before for before, _ in changes if before is not None and before.counted))
    counter: Counter[TallyKey] = Counter()
    for row, count in rows.items():
        if count:
            for key in contributions(row):
                counter[key] += count
    return {key: count for key, count in counter.items() if count}
