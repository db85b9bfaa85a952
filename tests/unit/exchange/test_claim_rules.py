"""What a claim gets, given the index row of the token (PROTOCOL.md, "Claims")."""

from __future__ import annotations

import pytest

from exchange.service.domain.claims import ClaimAnswer, ClaimOutcome, decide_claim
from exchange.service.domain.model import IndexRow, IndexStatus


def test_a_token_nobody_holds_is_granted() -> None:
    assert decide_claim(None, "43") == ClaimAnswer(ClaimOutcome.GRANTED)


@pytest.mark.parametrize("status", [IndexStatus.CLAIMED, IndexStatus.ACTIVE, IndexStatus.TRANSFERRING_OUT])
def test_a_token_the_claimant_holds_is_already_yours(status: IndexStatus) -> None:
    assert decide_claim(IndexRow("43", status), "43") == ClaimAnswer(ClaimOutcome.ALREADY_YOURS)


@pytest.mark.parametrize("status", [IndexStatus.CLAIMED, IndexStatus.ACTIVE, IndexStatus.RESERVED])
def test_a_token_another_province_holds_is_a_conflict_naming_it(status: IndexStatus) -> None:
    assert decide_claim(IndexRow("42", status), "43") == ClaimAnswer(ClaimOutcome.CONFLICT, "42")


@pytest.mark.parametrize("province", ["42", "43"])
def test_an_ended_membership_is_granted_again_wherever_it_was(province: str) -> None:
    assert decide_claim(IndexRow(province, IndexStatus.ENDED), "43") == ClaimAnswer(ClaimOutcome.GRANTED)
