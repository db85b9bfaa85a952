"""The national tally, kept by deltas: it always equals a count over the index rows."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.service.domain import tally
from exchange.service.domain.index_rules import IndexLedger
from exchange.service.domain.model import EVENT_STATUSES, Conflict, IndexEvent, IndexRow, IndexStatus

MALE = ("1", 1980, None, None, None, None, None, None, None)
FEMALE = ("2", None, "21", None, None, None, None, None, None)


def recount(rows: dict[str, IndexRow]) -> dict[tally.TallyKey, int]:
    """The tally as a GROUP BY over the rows would give it."""
    counter: Counter[tally.TallyKey] = Counter()
    for row in rows.values():
        counter.update(tally.contributions(row))
    return dict(counter)


def test_a_counted_row_counts_in_the_total_its_status_and_every_dimension() -> None:
    keys = tally.contributions(IndexRow("43", IndexStatus.RETIRED, MALE))
    assert ("43", "total", "") in keys
    assert ("43", "status", "retired") in keys
    assert ("43", "gender", "1") in keys
    assert ("43", "birthYear", "1980") in keys
    assert ("43", "education", "") in keys
    assert len(keys) == 11


def test_claimed_and_ended_rows_count_nowhere() -> None:
    assert tally.contributions(IndexRow("43", IndexStatus.CLAIMED, MALE)) == []
    assert tally.contributions(IndexRow("43", IndexStatus.ENDED, MALE)) == []


def test_a_change_within_a_province_moves_only_what_changed() -> None:
    before, after = IndexRow("43", IndexStatus.ACTIVE, MALE), IndexRow("43", IndexStatus.ACTIVE, FEMALE)
    assert tally.deltas([(before, after)]) == {
        ("43", "gender", "1"): -1,
        ("43", "gender", "2"): 1,
        ("43", "birthYear", "1980"): -1,
        ("43", "birthYear", ""): 1,
        ("43", "education", ""): -1,
        ("43", "education", "21"): 1,
    }


def test_a_row_passing_to_another_province_moves_the_person_between_provinces() -> None:
    changed = tally.deltas([(IndexRow("42", IndexStatus.ACTIVE, MALE), IndexRow("43", IndexStatus.ACTIVE, MALE))])
    assert changed[("42", "total", "")] == -1
    assert changed[("43", "total", "")] == 1


TOKENS = [c * 64 for c in "abcd"]
events = st.builds(
    IndexEvent,
    token=st.sampled_from(TOKENS),
    province=st.sampled_from(["42", "43", "44"]),
    status=st.sampled_from(sorted(EVENT_STATUSES)),
    dimensions=st.sampled_from([MALE, FEMALE]),
    previous_token=st.none() | st.sampled_from(TOKENS),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(events, min_size=1, max_size=8), min_size=1, max_size=6))
def test_the_tally_kept_by_deltas_equals_a_recount_after_any_sequence_of_requests(
    requests: list[list[IndexEvent]],
) -> None:
    rows: dict[str, IndexRow] = {}
    conflicts: list[Conflict] = []
    kept: Counter[tally.TallyKey] = Counter()
    for request in requests:  # each request starts from what the previous ones stored, as in the service
        ledger = IndexLedger(rows, [conflict for conflict in conflicts if conflict.open])
        ledger.apply_all(request)
        changes = ledger.changed_rows()
        kept.update(tally.deltas(changes.values()))
        for token, (_, after) in changes.items():
            if after is None:
                rows.pop(token, None)
            else:
                rows[token] = after
        known = {id(conflict) for conflict in conflicts}
        conflicts += [conflict for conflict in ledger.touched_conflicts() if id(conflict) not in known]
        for token in TOKENS:  # the invariant: open conflicts name the row's province as holder
            row = ledger.row(token)
            for conflict in ledger.open_conflicts(token):
                assert row is not None
                assert row.holds
                assert conflict.holder == row.province
                assert conflict.claimant != row.province
    assert {key: count for key, count in kept.items() if count} == recount(rows)
