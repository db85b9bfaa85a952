"""The index's vocabulary: statuses, dimensions, an index row, an event, a conflict.

A row of the index says which province holds a person (by identity token), in what status, with the coded
dimensions the national aggregates count by. ``claimed`` is the exchange's own status: a province was
granted the token and its registration is in flight.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, NamedTuple


class IndexStatus(StrEnum):
    """The status of an index row: a membership status of the standard, or ``claimed``."""

    CLAIMED = "claimed"  # granted to a province, its registration not yet confirmed by an event
    ACTIVE = "active"
    RETIRED = "retired"
    RESERVED = "reserved"
    TRANSFERRING_OUT = "transferring_out"
    ENDED = "ended"


# Statuses that make a person a member (counted in the aggregates, ``member: true`` in a verification).
CURRENT: Final = frozenset(
    {IndexStatus.ACTIVE, IndexStatus.RETIRED, IndexStatus.RESERVED, IndexStatus.TRANSFERRING_OUT}
)
# Statuses an event may carry.
EVENT_STATUSES: Final = CURRENT | {IndexStatus.ENDED}

# The dimensions, in the order of ``Dimensions`` tuples: (column name, wire name).
DIMENSIONS: Final[tuple[tuple[str, str], ...]] = (
    ("gender", "gender"),
    ("birth_year", "birthYear"),
    ("education", "education"),
    ("political_status", "politicalStatus"),
    ("household_type", "householdType"),
    ("new_employment_form", "newEmploymentForm"),
    ("org_level", "orgLevel"),
    ("union_type", "unionType"),
    ("unit_nature", "unitNature"),
)
DIMENSION_COLUMNS: Final = tuple(column for column, _ in DIMENSIONS)
DIMENSION_WIRE_NAMES: Final = tuple(wire for _, wire in DIMENSIONS)

# A person's coded attributes, one value per entry of ``DIMENSIONS`` (``birth_year`` an int, others str).
Dimensions = tuple[str | int | None, ...]
NO_DIMENSIONS: Final[Dimensions] = (None,) * len(DIMENSIONS)


class IndexRow(NamedTuple):
    """What the index says of one token.

    A named tuple rather than a dataclass: a request builds, compares and counts tens of thousands of these,
    and tuple construction, hashing and equality run in C (bench/README.md, "Exchange sync").
    """

    province: str
    status: IndexStatus
    dimensions: Dimensions = NO_DIMENSIONS

    @property
    def holds(self) -> bool:
        """True when the province holds the person: a current membership or a claim (not ended)."""
        return self.status is not IndexStatus.ENDED

    @property
    def counted(self) -> bool:
        """True when the person is a member of the province (counted, verified as a member)."""
        return self.status in CURRENT


class IndexEvent(NamedTuple):
    """One membership change reported by a province (a validated event of ``exchange.standard.events``).

    A named tuple for the same reason as ``IndexRow``: a request carries up to 50,000 of them.
    """

    token: str
    province: str
    status: IndexStatus
    dimensions: Dimensions = NO_DIMENSIONS
    previous_token: str | None = None
    releases_claim: bool = False  # a ``claim.released`` event: it ends a ``claimed`` row of its province only

    @property
    def current(self) -> bool:
        """True unless the event ends the membership."""
        return self.status is not IndexStatus.ENDED


class Resolution(StrEnum):
    """How a conflict was resolved."""

    ENDED = "ended"  # one side ended its membership
    CORRECTED = "corrected"  # one side corrected the ID number: the token was not the person's


@dataclass(slots=True)
class Conflict:
    """The same person current in two provinces: ``holder`` keeps the index row, ``claimant``'s state is
    kept here until the conflict is resolved. ``id`` is ``None`` until the conflict is stored."""

    token: str
    holder: str
    claimant: str
    claimant_status: IndexStatus
    claimant_dimensions: Dimensions
    id: int | None = None
    resolution: Resolution | None = None
    resolved_by: str | None = None

    @property
    def open(self) -> bool:
        """True until one side resolves it."""
        return self.resolution is None
