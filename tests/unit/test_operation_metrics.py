"""Operation names as metric labels: bounded, whatever names clients invent."""

from __future__ import annotations

from unionfed.operation_metrics import MAX_NAME_LENGTH, OperationNames


def test_a_named_operation_is_labelled_by_its_name() -> None:
    assert OperationNames().label("NationalStatistics") == "NationalStatistics"


def test_an_operation_without_a_name_is_anonymous() -> None:
    assert OperationNames().label(None) == "anonymous"


def test_names_beyond_the_capacity_are_counted_as_other() -> None:
    names = OperationNames(capacity=3)
    labels = [names.label(f"Q{i}") for i in range(10)]
    assert labels == ["Q0", "Q1", "Q2"] + ["other"] * 7
    assert names.label("Q1") == "Q1"


def test_an_overlong_name_is_counted_as_other() -> None:
    assert OperationNames().label("Q" * (MAX_NAME_LENGTH + 1)) == "other"
