"""Mutations of union organisations: create, update, move a subtree, dissolve."""

from __future__ import annotations

from typing import Annotated

import strawberry

from province_node.api.context import Context
from province_node.api.errors import InvalidInputError, NotFoundError, RuleViolationError, typed_result
from province_node.api.ids import decode_id
from province_node.api.organisations.inputs import OrganisationChangesInput, OrganisationInput
from province_node.api.organisations.types import OrganisationType
from province_node.api.permissions import allowed
from province_node.db.tables import Organisation
from province_node.domain.access import Permission
from province_node.services import organisations

Info = strawberry.Info[Context, None]


@strawberry.type(description="The organisation as saved.")
class OrganisationSaved:
    organisation: OrganisationType


OrganisationResult = Annotated[
    OrganisationSaved | InvalidInputError | NotFoundError | RuleViolationError,
    strawberry.union("OrganisationResult"),
]


def _saved(row: Organisation) -> OrganisationSaved:
    return OrganisationSaved(organisation=OrganisationType(row=row))


def _id(value: strawberry.ID) -> int:
    return decode_id("Organisation", value, what="工会组织")


@strawberry.type
class OrganisationMutations:
    @strawberry.mutation(
        description="Create an organisation under a parent in your subtree (the upper level enters the lower).",
        extensions=allowed(Permission.WRITE_ORGANISATIONS),
    )
    async def create_organisation(
        self,
        info: Info,
        parent: strawberry.ID,
        input: OrganisationInput,
        issue_temporary_code: bool = False,
    ) -> OrganisationResult:
        uow = info.context.uow
        return await typed_result(
            uow,
            lambda: organisations.create_organisation(
                uow, parent_id=_id(parent), record=input.record(), issue_temporary=issue_temporary_code
            ),
            _saved,
        )

    @strawberry.mutation(
        description="Change an organisation's fields.", extensions=allowed(Permission.WRITE_ORGANISATIONS)
    )
    async def update_organisation(
        self,
        info: Info,
        id: strawberry.ID,
        input: OrganisationChangesInput,
    ) -> OrganisationResult:
        uow = info.context.uow
        return await typed_result(uow, lambda: organisations.update_organisation(uow, _id(id), input.changes()), _saved)

    @strawberry.mutation(
        description="Move an organisation and its subtree under another parent (隶属关系变更).",
        extensions=allowed(Permission.WRITE_ORGANISATIONS),
    )
    async def move_organisation(
        self,
        info: Info,
        id: strawberry.ID,
        new_parent: strawberry.ID,
    ) -> OrganisationResult:
        uow = info.context.uow
        return await typed_result(uow, lambda: organisations.move_organisation(uow, _id(id), _id(new_parent)), _saved)

    @strawberry.mutation(
        description="Dissolve (撤销) an organisation: only one with no organisations, members or accounts left.",
        extensions=allowed(Permission.WRITE_ORGANISATIONS),
    )
    async def dissolve_organisation(self, info: Info, id: strawberry.ID) -> OrganisationResult:
        uow = info.context.uow
        return await typed_result(uow, lambda: organisations.dissolve_organisation(uow, _id(id)), _saved)
