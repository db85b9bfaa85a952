"""Queries of import jobs in the caller's subtree."""

from __future__ import annotations

import strawberry

from province_node.api.context import Context
from province_node.api.ids import decode_id
from province_node.api.imports.types import ImportJobType
from province_node.api.permissions import allowed
from province_node.domain.access import Permission
from province_node.domain.errors import ErrorCode, NotFound, RuleViolation
from province_node.rosters.jobs import job_in_scope, recent_jobs

Info = strawberry.Info[Context, None]
LATEST_JOBS_SHOWN = 100


@strawberry.type
class ImportQueries:
    @strawberry.field(
        description="An import job by id, or null when not in your scope.", extensions=allowed(Permission.READ)
    )
    async def import_job(self, info: Info, id: strawberry.ID) -> ImportJobType | None:
        try:
            row = await job_in_scope(info.context.uow, decode_id("ImportJob", id, what="导入任务"))
        except NotFound:
            return None
        return ImportJobType(row=row)

    @strawberry.field(
        description=f"The latest import jobs of your subtree, newest first (at most {LATEST_JOBS_SHOWN}).",
        extensions=allowed(Permission.READ),
    )
    async def import_jobs(self, info: Info, first: int = 20) -> list[ImportJobType]:
        if not 0 < first <= LATEST_JOBS_SHOWN:
            raise RuleViolation(ErrorCode.INVALID_ARGUMENT, f"first 须在 1 到 {LATEST_JOBS_SHOWN} 之间")
        return [ImportJobType(row=row) for row in await recent_jobs(info.context.uow, first)]
