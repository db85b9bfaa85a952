"""Input types of organisation mutations: fields as written, checked by the standard."""

from __future__ import annotations

import strawberry

# Input attribute -> field name of the standard's union record.
ORGANISATION_FIELDS = {
    "name": "name",
    "org_level": "orgLevel",
    "union_type": "unionType",
    "credit_code": "creditCode",
    "founded_on": "foundedOn",
    "term_start": "termStart",
    "term_end": "termEnd",
    "leader": "leader",
    "phone": "phone",
}


@strawberry.input(description="A new union organisation's fields (labels or codes; dates as written).")
class OrganisationInput:
    name: str | None = None
    org_level: str | None = strawberry.field(default=None, description="Code list `org_level`, e.g. 基层.")
    union_type: str | None = strawberry.field(default=None, description="Code list `union_type`, e.g. 单建.")
    credit_code: str | None = strawberry.field(
        default=None, description="USCC; required for grassroots unions unless a temporary code is issued."
    )
    founded_on: str | None = None
    term_start: str | None = None
    term_end: str | None = None
    leader: str | None = None
    phone: str | None = None

    def record(self) -> dict[str, object]:
        """The record the standard validates."""
        return {field: getattr(self, name) for name, field in ORGANISATION_FIELDS.items()}


@strawberry.input(description="Organisation fields to change; left out stays, null clears.")
class OrganisationChangesInput:
    name: str | None = strawberry.UNSET
    org_level: str | None = strawberry.UNSET
    union_type: str | None = strawberry.UNSET
    credit_code: str | None = strawberry.UNSET
    founded_on: str | None = strawberry.UNSET
    term_start: str | None = strawberry.UNSET
    term_end: str | None = strawberry.UNSET
    leader: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET

    def changes(self) -> dict[str, object]:
        """The given fields, by the standard's field names."""
        return {
            field: getattr(self, name)
            for name, field in ORGANISATION_FIELDS.items()
            if getattr(self, name) is not strawberry.UNSET
        }
