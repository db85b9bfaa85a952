"""Merging the partial statistics of provinces into national ones.

Each province node counts its own members; the nation's figures are the provinces' figures **added**:
counts and sums add, an average is merged as sum / count (never an average of averages), and a count of
distinct persons cannot be added across provinces at all (someone may be in two during a transfer or a
conflict) — it comes from the exchange's identity index instead. Rows are keyed by the codes of the
dimensions; labels come from the same national code lists everywhere and are carried along.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

AGE: Final = "age"  # the sum of members' ages, in whole years
AGED: Final = "aged"  # how many members that sum is over (those whose birth date is recorded)


class MismatchedDimensions(ValueError):
    """Partial counts grouped by different dimensions cannot be merged."""


@dataclass(frozen=True, slots=True)
class KeyValue:
    """One value of one dimension; ``code`` is ``None`` for "not recorded"."""

    dimension: str
    code: str | None
    label: str


@dataclass(frozen=True, slots=True)
class PartialRow:
    """A province's count (and sums, e.g. of ages) for one combination of dimension values."""

    keys: tuple[KeyValue, ...]
    count: int
    sums: Mapping[str, int] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str | None, ...]:
        """What the row is merged by."""
        return tuple(key.code for key in self.keys)


@dataclass(frozen=True, slots=True)
class PartialCounts:
    """One province's answer: its rows and when they were counted (or last confirmed); the node's tag for it,
    to ask whether it still holds."""

    province: str
    dimensions: tuple[str, ...]
    rows: tuple[PartialRow, ...]
    as_of: str
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class MergedRow:
    """The nation's count (and sums) for one combination of dimension values."""

    keys: tuple[KeyValue, ...]
    count: int
    sums: Mapping[str, int] = field(default_factory=dict)

    def average(self, measure: str, over: str | None = None) -> float | None:
        """The mean of ``measure`` over the row: its merged sum over its merged count, or over the merged sum
        ``over`` when only some members have the measure (``None`` when there is nobody to average)."""
        return average_of(self.sums, self.count, measure, over)


def average_of(sums: Mapping[str, int], count: int, measure: str, over: str | None = None) -> float | None:
    """``sums[measure]`` over ``sums[over]`` (or over ``count``); ``None`` when either is missing or zero."""
    denominator = count if over is None else sums.get(over, 0)
    if denominator == 0 or measure not in sums:
        return None
    return sums[measure] / denominator


@dataclass(frozen=True, slots=True)
class MergedCounts:
    """The merge of every province that answered."""

    dimensions: tuple[str, ...]
    rows: tuple[MergedRow, ...]
    total: int
    provinces: tuple[str, ...]

    @property
    def sums(self) -> dict[str, int]:
        """Every measure summed over all rows."""
        totals: dict[str, int] = {}
        for row in self.rows:
            for measure, value in row.sums.items():
                totals[measure] = totals.get(measure, 0) + value
        return totals


def _order(codes: tuple[str | None, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((code is None, code or "") for code in codes)  # "not recorded" last


def merge_partial_counts(dimensions: Iterable[str], partials: Iterable[PartialCounts]) -> MergedCounts:
    """Add up the provinces' partial counts grouped by ``dimensions``; rows ordered by their codes.

    Raises ``MismatchedDimensions`` when a province grouped by other dimensions than asked.
    """
    wanted = tuple(dimensions)
    counts: dict[tuple[str | None, ...], int] = {}
    sums: dict[tuple[str | None, ...], dict[str, int]] = {}
    keys: dict[tuple[str | None, ...], tuple[KeyValue, ...]] = {}
    provinces: list[str] = []
    for partial in partials:
        if partial.dimensions != wanted:
            raise MismatchedDimensions(f"province {partial.province} grouped by {partial.dimensions}, not {wanted}")
        provinces.append(partial.province)
        for row in partial.rows:
            if len(row.keys) != len(wanted) or any(k.dimension != d for k, d in zip(row.keys, wanted, strict=True)):
                raise MismatchedDimensions(f"a row of province {partial.province} has keys {row.keys}")
            codes = row.codes
            keys.setdefault(codes, row.keys)
            counts[codes] = counts.get(codes, 0) + row.count
            merged_sums = sums.setdefault(codes, {})
            for measure, value in row.sums.items():
                merged_sums[measure] = merged_sums.get(measure, 0) + value
    rows = tuple(
        MergedRow(keys=keys[codes], count=counts[codes], sums=sums[codes]) for codes in sorted(counts, key=_order)
    )
    return MergedCounts(
        dimensions=wanted, rows=rows, total=sum(row.count for row in rows), provinces=tuple(sorted(provinces))
    )
