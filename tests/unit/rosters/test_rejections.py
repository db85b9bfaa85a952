"""The rejections (and warnings) of an import, kept compactly by ``RowReasons``: read like a dictionary of
row -> reasons, rows in row order, each distinct reason stored once."""

from __future__ import annotations

import pytest

from province_node.rosters import outcome
from province_node.rosters.outcome import ImportMode, ImportSummary, RowReason, RowReasons

UNIT_UNKNOWN = RowReason("unit", "UNIT_NOT_FOUND", "所属单位“长沙某公司”不在本次导入的范围内")
LABEL_UNKNOWN = RowReason("education", "CODE_UNKNOWN", "学历“家里蹲”不在代码表中")
DUPLICATE = RowReason("idNumber", "DUPLICATE_IN_FILE", "与第 2 行是同一证件号码（一证一会员）")


def excel_number(row: int) -> RowReason:
    """A reason of its own for every row: it names the row's ID number."""
    return RowReason("idNumber", "ID_EXCEL_NUMBER", f"证件号码“4301021990{row:08d}”已被 Excel 当作数字保存")


def test_reasons_of_a_row_added_in_two_steps_keep_their_order() -> None:
    rejections = RowReasons()
    rejections.add(3, [UNIT_UNKNOWN])
    rejections.add(4, [UNIT_UNKNOWN])
    rejections.add(3, [LABEL_UNKNOWN, DUPLICATE])
    assert rejections[3] == [UNIT_UNKNOWN, LABEL_UNKNOWN, DUPLICATE]


def test_rows_iterate_in_row_order_when_the_writers_rejections_arrive_late_and_out_of_order() -> None:
    rejections = RowReasons()
    for row in (2, 5, 9):  # the reader and the checker, in file order
        rejections.add(row, [UNIT_UNKNOWN])
    for row in (8, 3, 70_000, 4):  # the writer's, after the whole file
        rejections.add(row, [DUPLICATE])
    assert list(rejections) == [2, 3, 4, 5, 8, 9, 70_000]
    assert [reasons for _, reasons in rejections.items()][:3] == [[UNIT_UNKNOWN], [DUPLICATE], [DUPLICATE]]


def test_a_repeated_reason_is_stored_once() -> None:
    rejections = RowReasons()
    for row in range(2, 10_002):
        rejections.add(row, [UNIT_UNKNOWN])
    assert (len(rejections), rejections.reasons_stored) == (10_000, 1)


def test_an_equal_reason_made_afresh_is_the_same_reason() -> None:
    rejections = RowReasons()
    rejections.add(2, [RowReason("unit", "UNIT_NOT_FOUND", "所属单位“长沙某公司”不在本次导入的范围内")])
    rejections.add(3, [UNIT_UNKNOWN])
    assert rejections.reasons_stored == 1


def test_a_row_with_several_reasons_counts_as_one_row() -> None:
    rejections = RowReasons()
    rejections.add(7, [UNIT_UNKNOWN, LABEL_UNKNOWN])
    rejections.add(7, [DUPLICATE])
    assert len(rejections) == 1


def test_a_row_added_without_reasons_still_counts_with_none() -> None:
    rejections = RowReasons()
    rejections.add(5, [])
    assert (len(rejections), rejections[5]) == (1, [])


def test_a_row_never_added_is_not_there() -> None:
    rejections = RowReasons()
    rejections.add(5, [UNIT_UNKNOWN])
    assert (4 in rejections, 5 in rejections, rejections.get(65_541)) == (False, True, None)
    with pytest.raises(KeyError):
        rejections[6]


def test_empty_rejections_are_false_and_equal_an_empty_dictionary() -> None:
    rejections = RowReasons()
    assert (bool(rejections), rejections == {}) == (False, True)


def test_rejections_equal_the_dictionary_of_their_rows_and_reasons() -> None:
    rejections = RowReasons()
    rejections.add(4, [LABEL_UNKNOWN])
    rejections.add(2, [UNIT_UNKNOWN])
    assert rejections == {2: [UNIT_UNKNOWN], 4: [LABEL_UNKNOWN]}


def test_first_gives_the_first_rows_in_row_order_with_their_reasons() -> None:
    rejections = RowReasons()
    for row in (200_000, 9, 3, 65_536):
        rejections.add(row, [excel_number(row)])
    assert rejections.first(2) == [(3, [excel_number(3)]), (9, [excel_number(9)])]


def test_reasons_past_the_ones_kept_in_memory_read_back_as_they_were(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outcome, "KEPT_REASONS", 4)
    rejections = RowReasons()
    for row in range(2, 12):
        rejections.add(row, [excel_number(row), UNIT_UNKNOWN])
    assert rejections[11] == [excel_number(11), UNIT_UNKNOWN]
    assert [reasons[0] for reasons in rejections.values()] == [excel_number(row) for row in range(2, 12)]


def test_a_repeated_reason_is_stored_once_among_reasons_that_each_row_has_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outcome, "KEPT_REASONS", 4)
    rejections = RowReasons()
    for row in range(2, 102):
        rejections.add(row, [UNIT_UNKNOWN, excel_number(row)])
    assert rejections.reasons_stored == 1 + 100


def test_the_summary_counts_every_rejected_row_and_details_the_first() -> None:
    summary = ImportSummary(mode=ImportMode.ALL_OR_NOTHING, layout="member_roster", rows=3)
    summary.reject(4, [LABEL_UNKNOWN])
    summary.reject(2, [UNIT_UNKNOWN, LABEL_UNKNOWN])
    summary.warn(3, [DUPLICATE])
    shown = summary.as_json(rejections_shown=1)
    assert (shown["rejectedRows"], shown["warningRows"]) == (2, 1)
    assert shown["rejections"] == [
        {
            "row": 2,
            "reasons": [
                {"field": "unit", "code": "UNIT_NOT_FOUND", "message": UNIT_UNKNOWN.message},
                {"field": "education", "code": "CODE_UNKNOWN", "message": LABEL_UNKNOWN.message},
            ],
        }
    ]
