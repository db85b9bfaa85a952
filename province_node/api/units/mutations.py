"""Mutations of units: register (with a temporary code when there is no USCC) and update."""

from __future__ import annotations

from typing import Annotated

import strawberry

from province_node.api.context import Context
from province_node.api.errors import InvalidInputError, NotFoundError, RuleViolationError, typed_result
from province_node.api.ids import decode_id
from province_node.api.permissions import allowed
from province_node.api.units.types import UnitType
from province_node.db.tables import Unit
from province_node.domain.access import Permission
from province_node.services import units

Info = strawberry.Info[Context, None]

UNIT_FIELDS = {
    "name": "name",
    "credit_code": "creditCode",
    "nature": "nature",
    "address": "address",
    "employee_count": "employeeCount",
}


@strawberry.input(description="A unit's fields as written (nature as label or code).")
class UnitInput:
    name: str | None = None
    credit_code: str | None = strawberry.field(
        default=None, description="USCC; leave out and set `issueTemporaryCode` for a unit without one."
    )
    nature: str | None = None
    address: str | None = None
    employee_count: int | None = None

    def record(self) -> dict[str, object]:
        """The record the standard validates."""
        return {field: getattr(self, name) for name, field in UNIT_FIELDS.items()}


@strawberry.input(description="Unit fields to change; left out stays, null clears.")
class UnitChangesInput:
    name: str | None = strawberry.UNSET
    credit_code: str | None = strawberry.UNSET
    nature: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    employee_count: int | None = strawberry.UNSET

    def changes(self) -> dict[str, object]:
        """The given fields, by the standard's field names."""
        return {
            field: getattr(self, name)
            for name, field in UNIT_FIELDS.items()
            if getattr(self, name) is not strawberry.UNSET
        }


@strawberry.type(description="The unit as saved.")
class UnitSaved:
    unit: UnitType


UnitResult = Annotated[
    UnitSaved | InvalidInputError | NotFoundError | RuleViolationError, strawberry.union("UnitResult")
]


def _saved(row: Unit) -> UnitSaved:
    return UnitSaved(unit=UnitType(row=row))


@strawberry.type
class UnitMutations:
    @strawberry.mutation(
        description="Register a unit kept by an organisation of your subtree, optionally covered by unions.",
        extensions=allowed(Permission.WRITE_UNITS),
    )
    async def create_unit(
        self,
        info: Info,
        kept_by: strawberry.ID,
        input: UnitInput,
        issue_temporary_code: bool = False,
        covered_by: list[strawberry.ID] | None = None,
    ) -> UnitResult:
        uow = info.context.uow
        return await typed_result(
            uow,
            lambda: units.create_unit(
                uow,
                organisation_id=decode_id("Organisation", kept_by, what="工会组织"),
                record=input.record(),
                issue_temporary=issue_temporary_code,
                covered_by=[decode_id("Organisation", union, what="工会组织") for union in covered_by or []],
            ),
            _saved,
        )

    @strawberry.mutation(description="Change a unit's fields.", extensions=allowed(Permission.WRITE_UNITS))
    async def update_unit(
        self,
        info: Info,
        id: strawberry.ID,
        input: UnitChangesInput,
    ) -> UnitResult:
        uow = info.context.uow
        return await typed_result(
            uow, lambda: units.update_unit(uow, decode_id("Unit", id, what="单位"), input.changes()), _saved
        )
