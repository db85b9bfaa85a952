"""Membership change events: what a node's outbox sends to the exchange.

An event carries the identity token, never a name, ID number or phone: the exchange learns that a person
is (or stops being) a member of a province, and the coded dimensions national aggregates count by.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class MemberEventType(StrEnum):
    """What happened to a membership."""

    REGISTERED = "member.registered"
    UPDATED = "member.updated"
    STATUS_CHANGED = "member.status_changed"
    MOVED = "member.moved"
    CLAIM_RELEASED = "claim.released"  # a granted claim no registration followed (an import rolled back)


@dataclass(frozen=True, slots=True)
class MemberDimensions:
    """The coded attributes national aggregates count by (all codes of the standard's lists)."""

    gender: str | None = None
    birth_year: int | None = None
    education: str | None = None
    political_status: str | None = None
    household_type: str | None = None
    new_employment_form: str | None = None
    org_level: str | None = None
    union_type: str | None = None
    unit_nature: str | None = None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# (attribute, JSON key) of every dimension, read by name: ``dataclasses.asdict`` deep-copies, and cost a
# roster import 32 µs per event.
_DIMENSION_KEYS = tuple((item.name, _camel(item.name)) for item in fields(MemberDimensions))


@dataclass(frozen=True, slots=True)
class MemberEvent:
    """One change of one membership in one province."""

    type: MemberEventType
    token: str
    province: str
    status: str
    occurred_on: datetime.date
    dimensions: MemberDimensions = field(default_factory=MemberDimensions)
    previous_token: str | None = None  # set when a corrected ID number changed the person's token

    def to_payload(self) -> dict[str, Any]:
        """The JSON-ready form stored in the outbox and sent to the exchange."""
        return {
            "type": self.type.value,
            "token": self.token,
            "province": self.province,
            "status": self.status,
            "occurredOn": self.occurred_on.isoformat(),
            "dimensions": {
                key: value for name, key in _DIMENSION_KEYS if (value := getattr(self.dimensions, name)) is not None
            },
            **({"previousToken": self.previous_token} if self.previous_token else {}),
        }


def batch_payload(events: Sequence[MemberEvent]) -> dict[str, Any]:
    """An outbox row's payload: a batch of events (one for a registration, a chunk's worth for an import)."""
    return {"events": [event.to_payload() for event in events]}
