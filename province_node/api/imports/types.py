"""GraphQL types of import jobs: where a job stands, how far it got and what it found."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry

from province_node.api.context import Context
from province_node.api.ids import global_id
from province_node.api.organisations.types import OrganisationType
from province_node.api.permissions import allowed
from province_node.db.tables import ImportJob
from province_node.domain.access import Permission
from province_node.rosters.jobs import JobStatus, elapsed
from province_node.rosters.outcome import ImportMode

Info = strawberry.Info[Context, None]

ImportModeType = strawberry.enum(
    ImportMode,
    name="ImportMode",
    description="DRY_RUN checks and writes nothing; ALL_OR_NOTHING writes only a file without refused rows; "
    "ACCEPT_VALID writes the accepted rows and reports the others.",
)
ImportJobStatusType = strawberry.enum(JobStatus, name="ImportJobStatus", description="Where an import job stands.")


@strawberry.type(description="One reason a row was refused.")
class ImportRowReason:
    field: str = strawberry.field(description="The row's field, e.g. `idNumber` or `union`.")
    code: str = strawberry.field(description="A stable code: the standard's problem code or the import's.")
    message: str


@strawberry.type(description="A refused row: its number as the spreadsheet shows it, and why.")
class RejectedRow:
    row: int
    reasons: list[ImportRowReason]


@strawberry.type(description="Why a file could not be imported at all.")
class ImportFailure:
    code: str = strawberry.field(
        description="FILE_TYPE, FILE_CORRUPT, FILE_ENCRYPTED, FILE_EMPTY, FILE_TOO_LARGE, CSV_ENCODING, "
        "HEADER_NOT_FOUND, COLUMNS_MISSING, NOT_PERMITTED, INTERRUPTED, INTERNAL_ERROR, ..."
    )
    message: str


@strawberry.type(description="What an import found and did.")
class ImportOutcome:
    job_id: strawberry.Private[int]
    summary: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="Data rows read.")
    def rows(self) -> int:
        return int(self.summary["rows"])

    @strawberry.field
    def created(self) -> int:
        return int(self.summary["created"])

    @strawberry.field
    def updated(self) -> int:
        return int(self.summary["updated"])

    @strawberry.field
    def unchanged(self) -> int:
        return int(self.summary["unchanged"])

    @strawberry.field(description="Rows refused (the first 1,000 are listed in `rejections`, all in the report).")
    def rejected_row_count(self) -> int:
        return int(self.summary["rejectedRows"])

    @strawberry.field(description="Rows accepted with a warning.")
    def warning_row_count(self) -> int:
        return int(self.summary["warningRows"])

    @strawberry.field(description="True when rows were written to the database.")
    def written(self) -> bool:
        return bool(self.summary["written"])

    @strawberry.field(description="Headers of the file that match no column of the layout (their cells are not read).")
    def ignored_columns(self) -> list[str]:
        return list(self.summary["ignoredColumns"])

    @strawberry.field
    def rows_per_second(self) -> int | None:
        value = self.summary.get("rowsPerSecond")
        return int(value) if value is not None else None

    @strawberry.field(
        description="Refused rows in file order, with their reasons: for roles that may see personal data (the "
        "reasons quote the refused values, ID numbers and phones among them), and each read is audited.",
        extensions=allowed(Permission.READ_PERSONAL_DATA),
    )
    def rejections(self, info: Info, first: int = 100) -> list[RejectedRow] | None:  # null when refused
        info.context.personal_reads.add_import_rejections(self.job_id)
        return [
            RejectedRow(row=item["row"], reasons=[ImportRowReason(**reason) for reason in item["reasons"]])
            for item in self.summary["rejections"][: max(0, min(first, 1000))]
        ]


@strawberry.type(name="ImportJob", description="An uploaded spreadsheet being imported, or imported.")
class ImportJobType:
    row: strawberry.Private[ImportJob]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return global_id("ImportJob", self.row.id)

    @strawberry.field(description="The name of the uploaded file.")
    def file_name(self) -> str:
        return self.row.file_name

    @strawberry.field
    def status(self) -> ImportJobStatusType:  # type: ignore[valid-type]
        return JobStatus(self.row.status)

    @strawberry.field
    def mode(self) -> ImportModeType:  # type: ignore[valid-type]
        return ImportMode(self.row.mode)

    @strawberry.field(description="member_roster or organisation_summary, once the file was recognised.")
    def layout(self) -> str | None:
        return self.row.layout

    @strawberry.field(description="The organisation whose subtree the rows go to.")
    async def organisation(self, info: Info) -> OrganisationType:
        row = await info.context.loaders.organisation_by_id.load(self.row.organisation_id)
        if row is None:
            raise RuntimeError("an import job in scope has an organisation out of scope")
        return OrganisationType(row=row)

    @strawberry.field(description="Username of the account that uploaded the file.")
    async def submitted_by(self, info: Info) -> str | None:
        return await info.context.loaders.username_by_account.load(self.row.account_id)

    @strawberry.field
    def created_at(self) -> datetime.datetime:
        return self.row.created_at

    @strawberry.field
    def started_at(self) -> datetime.datetime | None:
        return self.row.started_at

    @strawberry.field
    def finished_at(self) -> datetime.datetime | None:
        return self.row.finished_at

    @strawberry.field(description="Seconds the import has run (so far, while it runs).")
    def elapsed_seconds(self) -> float | None:
        seconds = elapsed(self.row)
        return round(seconds, 1) if seconds is not None else None

    @strawberry.field(
        description="Rows of the file. Once it has been read whole (SUCCEEDED, CHECKED, REFUSED): the rows actually "
        "read. Before that, and for a FAILED or INTERRUPTED job: the rows the sheet declares, header rows included, "
        "as a hint for a progress bar (null when the sheet does not say so cheaply)."
    )
    def rows_total(self) -> int | None:
        return self.row.rows_total

    @strawberry.field(description="Rows read so far.")
    def rows_done(self, info: Info) -> int:
        return info.context.imports.progress.get(self.row.id, self.row.rows_done)

    @strawberry.field(description="What the import found and did, once finished.")
    def outcome(self) -> ImportOutcome | None:
        return ImportOutcome(job_id=self.row.id, summary=self.row.summary) if self.row.summary is not None else None

    @strawberry.field(description="Why the file could not be imported (status FAILED or INTERRUPTED).")
    def failure(self) -> ImportFailure | None:
        error = self.row.error
        return ImportFailure(code=error["code"], message=error["message"]) if error else None

    @strawberry.field(description="Where to download the refused rows with their reasons (Bearer login required).")
    def error_report_url(self, info: Info) -> str | None:
        if not self.row.report_path:
            return None
        return (
            f"/p/{info.context.tenant.province}/files/imports/{global_id('ImportJob', self.row.id)}/error-report.xlsx"
        )
