"""Merging provinces' partial counts: counts add, averages are merged sums over merged counts."""

from __future__ import annotations

import pytest

from gateway.domain.statistics_merge import (
    KeyValue,
    MismatchedDimensions,
    PartialCounts,
    PartialRow,
    merge_partial_counts,
)

MALE = KeyValue("GENDER", "1", "男")
FEMALE = KeyValue("GENDER", "2", "女")
UNKNOWN = KeyValue("GENDER", None, "未填写")


def partial(province: str, *rows: PartialRow) -> PartialCounts:
    return PartialCounts(province=province, dimensions=("GENDER",), rows=rows, as_of="2026-11-22T08:00:00+00:00")


def test_counts_of_the_same_key_are_added_across_provinces() -> None:
    hunan = partial("43", PartialRow((MALE,), 3), PartialRow((FEMALE,), 2))
    hubei = partial("42", PartialRow((MALE,), 4))
    merged = merge_partial_counts(["GENDER"], [hunan, hubei])
    assert [(row.keys[0].code, row.count) for row in merged.rows] == [("1", 7), ("2", 2)]
    assert merged.total == 9
    assert merged.provinces == ("42", "43")


def test_rows_with_the_value_not_recorded_come_last() -> None:
    merged = merge_partial_counts(["GENDER"], [partial("43", PartialRow((UNKNOWN,), 1), PartialRow((FEMALE,), 1))])
    assert [row.keys[0].code for row in merged.rows] == ["2", None]


def test_an_average_is_the_merged_sum_over_the_merged_count_not_an_average_of_averages() -> None:
    merged = merge_partial_counts(
        ["GENDER"],
        [partial("43", PartialRow((MALE,), 1, {"age": 60})), partial("42", PartialRow((MALE,), 3, {"age": 60}))],
    )
    assert merged.rows[0].average("age") == 30.0  # (60 + 60) / 4, not (60 + 20) / 2


def test_no_answers_merge_to_no_rows() -> None:
    merged = merge_partial_counts(["GENDER"], [])
    assert (merged.rows, merged.total, merged.provinces) == ((), 0, ())


def test_a_province_grouped_by_other_dimensions_is_refused() -> None:
    other = PartialCounts(province="42", dimensions=("EDUCATION",), rows=(), as_of="")
    with pytest.raises(MismatchedDimensions):
        merge_partial_counts(["GENDER"], [partial("43"), other])


def test_the_average_of_an_empty_row_is_unknown() -> None:
    merged = merge_partial_counts(["GENDER"], [partial("43", PartialRow((MALE,), 0, {"age": 0}))])
    assert merged.rows[0].average("age") is None


def test_an_average_over_only_the_members_with_the_measure_uses_their_merged_count() -> None:
    merged = merge_partial_counts(
        ["GENDER"],
        [
            partial("43", PartialRow((MALE,), 4, {"age": 60, "aged": 2})),  # two of four have a birth date
            partial("42", PartialRow((MALE,), 1, {"age": 40, "aged": 1})),
        ],
    )
    assert merged.rows[0].average("age", over="aged") == 100 / 3
    assert merged.sums == {"age": 100, "aged": 3}
