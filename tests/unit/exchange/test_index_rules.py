"""The effect of events on the index (PROTOCOL.md, "Events"), decided in memory."""

from __future__ import annotations

from exchange.service.domain.index_rules import IndexLedger
from exchange.service.domain.model import Conflict, IndexEvent, IndexRow, IndexStatus, Resolution

T, U = "a" * 64, "b" * 64
ACTIVE, RETIRED, ENDED, CLAIMED = IndexStatus.ACTIVE, IndexStatus.RETIRED, IndexStatus.ENDED, IndexStatus.CLAIMED
MALE = ("1", 1980, None, None, None, None, None, None, None)
FEMALE = ("2", 1990, None, None, None, None, None, None, None)


def event(province: str, status: IndexStatus = ACTIVE, token: str = T, **kwargs: object) -> IndexEvent:
    return IndexEvent(token, province, status, kwargs.get("dimensions", MALE), kwargs.get("previous"))  # type: ignore[arg-type]


def test_an_event_for_an_unknown_token_creates_the_row() -> None:
    ledger = IndexLedger({})
    ledger.apply(event("43"))
    assert ledger.row(T) == IndexRow("43", ACTIVE, MALE)


def test_an_event_of_the_holding_province_replaces_its_row() -> None:
    ledger = IndexLedger({T: IndexRow("43", CLAIMED)})
    ledger.apply(event("43", RETIRED, dimensions=FEMALE))
    assert ledger.row(T) == IndexRow("43", RETIRED, FEMALE)


def test_a_row_ended_elsewhere_passes_to_the_province_of_the_event() -> None:
    ledger = IndexLedger({T: IndexRow("42", ENDED, FEMALE)})
    ledger.apply(event("43"))
    assert ledger.row(T) == IndexRow("43", ACTIVE, MALE)
    assert ledger.touched_conflicts() == []


def test_a_current_event_against_a_current_holder_opens_a_conflict_and_keeps_the_holder() -> None:
    ledger = IndexLedger({T: IndexRow("42", ACTIVE, FEMALE)})
    ledger.apply(event("43"))
    assert ledger.row(T) == IndexRow("42", ACTIVE, FEMALE)
    [conflict] = ledger.open_conflicts(T)
    assert (conflict.holder, conflict.claimant, conflict.claimant_status) == ("42", "43", ACTIVE)


def test_a_claim_in_flight_holds_against_another_province_event() -> None:
    ledger = IndexLedger({T: IndexRow("42", CLAIMED)})
    ledger.apply(event("43"))
    assert ledger.row(T) == IndexRow("42", CLAIMED)
    assert len(ledger.open_conflicts(T)) == 1


def test_a_second_event_of_the_claimant_refreshes_its_conflict_instead_of_opening_another() -> None:
    stored = Conflict(T, "42", "43", ACTIVE, MALE, id=7)
    ledger = IndexLedger({T: IndexRow("42", ACTIVE)}, [stored])
    ledger.apply(event("43", RETIRED, dimensions=FEMALE))
    assert ledger.open_conflicts(T) == (stored,)
    assert (stored.claimant_status, stored.claimant_dimensions) == (RETIRED, FEMALE)


def test_the_claimant_ending_resolves_its_conflict_and_leaves_the_holder_alone() -> None:
    stored = Conflict(T, "42", "43", ACTIVE, MALE, id=7)
    ledger = IndexLedger({T: IndexRow("42", ACTIVE, FEMALE)}, [stored])
    ledger.apply(event("43", ENDED))
    assert ledger.row(T) == IndexRow("42", ACTIVE, FEMALE)
    assert (stored.resolution, stored.resolved_by) == (Resolution.ENDED, "43")
    assert ledger.open_conflicts(T) == ()


def test_the_holder_ending_passes_the_row_to_the_claimant_with_its_recorded_state() -> None:
    stored = Conflict(T, "42", "43", RETIRED, MALE, id=7)
    ledger = IndexLedger({T: IndexRow("42", ACTIVE, FEMALE)}, [stored])
    ledger.apply(event("42", ENDED))
    assert ledger.row(T) == IndexRow("43", RETIRED, MALE)
    assert (stored.resolution, stored.resolved_by) == (Resolution.ENDED, "42")


def test_with_two_claimants_the_earliest_gets_the_row_and_the_other_now_conflicts_with_it() -> None:
    first = Conflict(T, "42", "43", ACTIVE, MALE, id=1)
    second = Conflict(T, "42", "44", ACTIVE, FEMALE, id=2)
    ledger = IndexLedger({T: IndexRow("42", ACTIVE)}, [first, second])
    ledger.apply(event("42", ENDED))
    assert ledger.row(T) == IndexRow("43", ACTIVE, MALE)
    [reopened] = ledger.open_conflicts(T)
    assert (reopened.holder, reopened.claimant, reopened.id) == ("43", "44", None)
    assert not first.open
    assert not second.open


def test_an_end_from_a_province_that_neither_holds_nor_claims_changes_nothing() -> None:
    ledger = IndexLedger({T: IndexRow("42", ACTIVE, FEMALE)})
    ledger.apply(event("43", ENDED))
    assert ledger.changed_rows() == {}
    assert ledger.touched_conflicts() == []


def test_a_previous_token_of_the_same_province_is_removed_first() -> None:
    ledger = IndexLedger({U: IndexRow("43", ACTIVE, MALE)})
    ledger.apply(event("43", previous=U))
    assert ledger.row(U) is None
    assert ledger.row(T) == IndexRow("43", ACTIVE, MALE)


def test_a_previous_token_held_by_another_province_is_left_alone() -> None:
    ledger = IndexLedger({U: IndexRow("42", ACTIVE, FEMALE)})
    ledger.apply(event("43", previous=U))
    assert ledger.row(U) == IndexRow("42", ACTIVE, FEMALE)


def test_a_corrected_token_in_conflict_passes_to_the_claimant_and_resolves_as_corrected() -> None:
    stored = Conflict(U, "43", "42", ACTIVE, FEMALE, id=3)
    ledger = IndexLedger({U: IndexRow("43", ACTIVE, MALE)}, [stored])
    ledger.apply(event("43", previous=U))
    assert ledger.row(U) == IndexRow("42", ACTIVE, FEMALE)
    assert (stored.resolution, stored.resolved_by) == (Resolution.CORRECTED, "43")


def test_changed_rows_report_the_row_before_and_after_only_for_changed_tokens() -> None:
    ledger = IndexLedger({T: IndexRow("43", ACTIVE, MALE), U: IndexRow("43", ACTIVE, MALE)})
    ledger.apply(event("43", RETIRED))
    ledger.apply(event("43", ACTIVE, token=U))
    assert ledger.changed_rows() == {T: (IndexRow("43", ACTIVE, MALE), IndexRow("43", RETIRED, MALE))}


def released(province: str) -> IndexEvent:
    return IndexEvent(T, province, ENDED, releases_claim=True)


def test_a_release_ends_a_claim_no_event_confirmed() -> None:
    ledger = IndexLedger({T: IndexRow("43", CLAIMED)})
    ledger.apply(released("43"))
    assert ledger.row(T) == IndexRow("43", ENDED, (None,) * 9)


def test_a_late_release_leaves_a_confirmed_membership_as_it_is() -> None:
    ledger = IndexLedger({T: IndexRow("43", ACTIVE, MALE)})
    ledger.apply(released("43"))
    assert ledger.row(T) == IndexRow("43", ACTIVE, MALE)
    assert ledger.changed_rows() == {}


def test_a_release_after_the_registration_in_the_same_request_changes_nothing() -> None:
    ledger = IndexLedger({T: IndexRow("43", CLAIMED)})
    ledger.apply_all([event("43"), released("43")])
    assert ledger.row(T) == IndexRow("43", ACTIVE, MALE)


def test_a_release_leaves_another_province_row_and_its_conflicts_alone() -> None:
    ledger = IndexLedger({T: IndexRow("42", ENDED, FEMALE)})
    ledger.apply(released("43"))
    assert ledger.row(T) == IndexRow("42", ENDED, FEMALE)


def test_a_released_claim_in_conflict_passes_to_the_claimant() -> None:
    ledger = IndexLedger({T: IndexRow("43", CLAIMED)})
    ledger.apply(event("42", dimensions=FEMALE))
    ledger.apply(released("43"))
    assert ledger.row(T) == IndexRow("42", ACTIVE, FEMALE)
    assert ledger.open_conflicts(T) == ()
