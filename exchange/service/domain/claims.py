"""What a claim gets (PROTOCOL.md, "Claims"), given what the index holds for the token."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from exchange.service.domain.model import IndexRow


class ClaimOutcome(StrEnum):
    """The answer to "may this province register this person?"."""

    GRANTED = "granted"  # nobody holds the token: it is now the claimant's, status ``claimed``
    ALREADY_YOURS = "already_yours"  # the claimant already holds it (current or claimed)
    CONFLICT = "conflict"  # another province holds it


@dataclass(frozen=True, slots=True)
class ClaimAnswer:
    """An outcome, and the holding province when it is a conflict."""

    outcome: ClaimOutcome
    holder: str | None = None


def decide_claim(row: IndexRow | None, claimant: str) -> ClaimAnswer:
    """The answer to ``claimant``'s claim of a token whose index row is ``row``.

    An ended row is granted again, to its own province too (the person re-joins): the row becomes a claim.
    """
    if row is None or not row.holds:
        return ClaimAnswer(ClaimOutcome.GRANTED)
    if row.province == claimant:
        return ClaimAnswer(ClaimOutcome.ALREADY_YOURS)
    return ClaimAnswer(ClaimOutcome.CONFLICT, row.province)
