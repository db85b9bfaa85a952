"""The node's exchange client reads the exchange's claim answers."""

from __future__ import annotations

import pytest

from province_node.exchange_link.client import ClaimAnswer, ClaimOutcome, claim_answer


def test_a_granted_claim_has_no_holder() -> None:
    assert claim_answer({"token": "a" * 64, "outcome": "granted"}) == ClaimAnswer(ClaimOutcome.GRANTED)


def test_a_claim_already_held_by_the_province_says_so() -> None:
    assert claim_answer({"token": "a" * 64, "outcome": "already_yours"}) == ClaimAnswer(ClaimOutcome.ALREADY_YOURS)


def test_a_conflict_names_the_province_that_holds_the_person() -> None:
    answer = claim_answer({"token": "a" * 64, "outcome": "conflict", "province": "42"})

    assert answer == ClaimAnswer(ClaimOutcome.CONFLICT, "42")


def test_an_outcome_the_node_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="surrendered"):
        claim_answer({"token": "a" * 64, "outcome": "surrendered"})
