"""Uploading a roster: the file is stored and imported in the background; the job says how it goes.

Uploads follow the GraphQL multipart request specification (``operations``, ``map`` and the file parts).
The login is a Bearer header, never a cookie, so a page of another site cannot make a browser upload.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from province_node.api.context import Context
from province_node.api.errors import InvalidInputError, NotFoundError, RuleViolationError, typed_result
from province_node.api.ids import decode_id
from province_node.api.imports.types import ImportJobType, ImportModeType
from province_node.api.permissions import allowed
from province_node.db.tables import ImportJob
from province_node.domain.access import Permission
from province_node.domain.errors import ErrorCode, RuleViolation
from province_node.rosters.outcome import ImportMode

Info = strawberry.Info[Context, None]


@strawberry.type(description="The file was stored and its import started; follow it with `importJob(id)`.")
class ImportStarted:
    job: ImportJobType


ImportRosterResult = Annotated[
    ImportStarted | InvalidInputError | NotFoundError | RuleViolationError, strawberry.union("ImportRosterResult")
]


def _started(row: ImportJob) -> ImportStarted:
    return ImportStarted(job=ImportJobType(row=row))


@strawberry.type
class ImportMutations:
    @strawberry.mutation(
        description="Upload a member roster or organisation summary (.xlsx, .xls, .ods or .csv, up to 300 MB) "
        "to import into the subtree of `organisation`.",
        extensions=allowed(Permission.WRITE_MEMBERS),
    )
    async def import_roster(
        self,
        info: Info,
        file: Upload,
        organisation: strawberry.ID,
        mode: ImportModeType = ImportMode.ALL_OR_NOTHING,  # type: ignore[valid-type]
        issue_temporary_codes: Annotated[
            bool, strawberry.argument(description="Give units and unions without a USCC a temporary code.")
        ] = False,
    ) -> ImportRosterResult:
        uow = info.context.uow

        async def start() -> ImportJob:
            if not isinstance(file, UploadFile):
                raise RuleViolation(ErrorCode.INVALID_ARGUMENT, "file 须以 multipart 表单上传文件")
            return await info.context.imports.start(
                uow,
                file.file,
                file_name=file.filename or "upload",
                organisation_id=decode_id("Organisation", organisation, what="工会组织"),
                mode=ImportMode(mode),
                issue_temporary_codes=issue_temporary_codes,
            )

        return await typed_result(uow, start, _started)
