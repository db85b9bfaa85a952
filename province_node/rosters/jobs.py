"""Import jobs: an uploaded spreadsheet imported in the background of the node, with progress and outcome.

An upload is stored under the tenant's import folder and recorded as a job; a task of the node process
runs the import (the bulk path works in a thread and worker processes, so the node keeps serving) and
writes its progress to the job every second, then its outcome: the summary with the first rejected rows,
the error report's location, or the reason the file could not be imported. One import runs at a time per
tenant (each uses every core); later uploads wait ``queued``.

The upload holds ID numbers in clear, so it is deleted as soon as its import ends; the error report (the
refused rows, for the clerk to correct) is kept ``REPORTS_KEPT_DAYS`` days. A node that stops with jobs
unfinished marks them ``interrupted`` when it starts again: the import's transaction was rolled back with
the process, so the database is as before, and uploading the file again does the whole import.

A job runs as its uploader's account stands when it starts, not as it stood at upload: an account that was
disabled, moved to another organisation or given a role that may not import meanwhile fails its waiting
jobs (``NOT_PERMITTED``) and nothing of them is written; the import checks the account again before it
commits (``uploader.py``).
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import shutil
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, select, update

from province_node.db.tables import ImportJob, Organisation, is_within
from province_node.domain.access import Caller, Permission, Role
from province_node.domain.errors import DomainError, ErrorCode, NotFound, RuleViolation
from province_node.rosters.imports import ImportRequest, import_file
from province_node.rosters.outcome import ImportMode
from province_node.rosters.reading import SpreadsheetError, row_count_hint
from province_node.rosters.uploader import AccountNow, uploader_as_now
from province_node.services import accounts
from province_node.services.organisations import organisation_in_scope
from province_node.services.unit_of_work import Database, UnitOfWork
from province_node.tenant import Tenant

_log = logging.getLogger(__name__)
LARGEST_UPLOAD_BYTES = 300 * 1024**2
PROGRESS_SECONDS = 1.0
REJECTIONS_KEPT = 1000
REPORTS_KEPT_DAYS = 7
RUNNING_AT_ONCE = 1  # an import uses every core; a second one would only slow both down
UNFINISHED_PER_ACCOUNT = 3  # uploads of one account waiting or running at once


class JobStatus(StrEnum):
    """Where an import job stands."""

    QUEUED = "queued"  # stored, waiting for the import before it
    RUNNING = "running"
    SUCCEEDED = "succeeded"  # the rows were written (in accept-valid mode, the valid ones)
    CHECKED = "checked"  # a dry run: every row checked, nothing written, as asked
    REFUSED = "refused"  # nothing written: an all-or-nothing file with refused rows
    FAILED = "failed"  # the file could not be imported at all (wrong type, no header, ...)
    INTERRUPTED = "interrupted"  # the node stopped while it ran; nothing of it was kept


UNFINISHED = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
INTERRUPTED_ERROR = {"code": "INTERRUPTED", "message": "导入期间节点停止运行，本次导入未写入任何数据；请重新上传"}


def finished_status(mode: ImportMode, *, written: bool) -> JobStatus:
    """How a job that read its whole file ended: a dry run is checked; otherwise written or refused."""
    if mode is ImportMode.DRY_RUN:
        return JobStatus.CHECKED
    return JobStatus.SUCCEEDED if written else JobStatus.REFUSED


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


async def _refuse_past_the_account_share(uow: UnitOfWork, caller: Caller) -> None:
    """Refuse an upload of an account that has ``UNFINISHED_PER_ACCOUNT`` jobs waiting or running: imports of a
    tenant run one at a time, so one account must not fill the queue (or the disk) ahead of everyone else.
    Counted under a lock on the account, so two uploads of one account count one after the other."""
    await uow.db.hold_lock(f"import-share/{caller.account_id}")
    unfinished = await uow.db.scalar(
        select(func.count()).where(ImportJob.account_id == caller.account_id, ImportJob.status.in_(UNFINISHED))
    )
    if unfinished >= UNFINISHED_PER_ACCOUNT:
        raise RuleViolation(
            ErrorCode.IMPORT_QUEUE_FULL,
            f"您已有 {unfinished} 个导入在排队或进行中（每个账号最多 {UNFINISHED_PER_ACCOUNT} 个），"
            "请等它们完成后再上传",
        )


@dataclass
class ImportJobs:
    """The import jobs of one tenant in this node process."""

    tenant: Tenant
    folder: Path
    progress: dict[int, int] = field(default_factory=dict)  # rows read so far, by running job
    _turns: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(RUNNING_AT_ONCE))
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def recover(self) -> int:
        """At start-up: mark jobs a previous process left unfinished ``interrupted`` (they will never finish;
        their transaction died with that process) and delete their uploads and expired reports."""
        async with self.tenant.sessions() as session:
            stale = list(
                await session.scalars(
                    update(ImportJob)
                    .where(ImportJob.status.in_(UNFINISHED))
                    .values(status=JobStatus.INTERRUPTED.value, finished_at=_now(), error=INTERRUPTED_ERROR)
                    .returning(ImportJob.id)
                )
            )
            await session.commit()
        for job_id in stale:
            _remove_upload(self.folder / str(job_id))
        await asyncio.to_thread(self._prune_reports)
        return len(stale)

    def _prune_reports(self) -> None:
        limit = time.time() - REPORTS_KEPT_DAYS * 86_400
        for folder in self.folder.glob("*/"):
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)

    async def start(
        self,
        uow: UnitOfWork,
        upload: BinaryIO,
        *,
        file_name: str,
        organisation_id: int,
        mode: ImportMode,
        issue_temporary_codes: bool,
    ) -> ImportJob:
        """Store an upload, record its job and start importing it; returns the job as recorded."""
        caller = uow.caller
        caller.require(Permission.WRITE_MEMBERS)
        organisation = await organisation_in_scope(uow, organisation_id)
        await _refuse_past_the_account_share(uow, caller)
        job = ImportJob(
            file_name=Path(file_name).name[:200] or "upload",
            mode=mode.value,
            status=JobStatus.QUEUED.value,
            organisation_id=organisation.id,
            account_id=caller.account_id,
        )
        uow.db.add(job)
        await uow.db.flush()
        folder = self.folder / str(job.id)
        stored = folder / f"upload{Path(job.file_name).suffix.lower()[:8]}"
        size = await asyncio.to_thread(_store, upload, stored)
        if size > LARGEST_UPLOAD_BYTES:
            shutil.rmtree(folder, ignore_errors=True)
            raise RuleViolation(
                ErrorCode.INVALID_ARGUMENT, f"文件超过 {LARGEST_UPLOAD_BYTES // 1024**2} MB，请拆分后分批上传"
            )
        job.upload_path = str(stored)
        job.rows_total = await asyncio.to_thread(_row_count_hint, stored)
        await uow.commit()
        request = ImportRequest(
            path=stored,
            file_name=job.file_name,
            organisation_id=organisation.id,
            mode=mode,
            report_path=folder / "error-report.xlsx",
            issue_temporary_codes=issue_temporary_codes,
        )
        task = asyncio.create_task(self._run(job.id, caller, request), name=f"import-job-{job.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _set(self, job_id: int, **values: Any) -> None:
        async with self.tenant.sessions() as session:
            await session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))
            await session.commit()

    async def _run(self, job_id: int, caller: Caller, request: ImportRequest) -> None:
        async with self._turns:
            self.progress[job_id] = 0
            await self._set(job_id, status=JobStatus.RUNNING.value, started_at=_now(), heartbeat_at=_now())
            reporter = asyncio.create_task(self._report_progress(job_id))
            try:
                await self._set(job_id, **await self._outcome(caller, request, job_id))
            finally:
                reporter.cancel()
                self.progress.pop(job_id, None)
                _remove_upload(request.path.parent)

    async def _uploader(self, uploaded_by: Caller) -> Caller:
        """The uploader as their account stands now (read again: the job may have waited since the upload)."""
        async with self.tenant.sessions() as session:
            found = await accounts.account_and_scope(
                UnitOfWork(Database(session), self.tenant, None), uploaded_by.account_id
            )
        if found is None:
            return uploader_as_now(uploaded_by, None)
        account, scope_path = found
        now = AccountNow(account.disabled_at is None, account.organisation_id, Role(account.role), scope_path)
        return uploader_as_now(uploaded_by, now)

    async def _outcome(self, caller: Caller, request: ImportRequest, job_id: int) -> dict[str, Any]:
        """The job's final columns: its summary, or why it failed."""
        try:
            uploader = await self._uploader(caller)
            summary = await import_file(
                self.tenant, uploader, request, progress=lambda rows: self._advance(job_id, rows)
            )
        except (SpreadsheetError, DomainError) as error:
            code = error.code if isinstance(error, SpreadsheetError) else error.code.value
            return _failed({"code": code, "message": error.message})
        except Exception:
            _log.exception("import job %s failed", job_id)
            problem = {"code": "INTERNAL_ERROR", "message": "导入时发生内部错误，未写入任何数据；请联系系统管理员"}
            return _failed(problem)
        return {
            "finished_at": _now(),
            "status": finished_status(request.mode, written=summary.written).value,
            "layout": summary.layout,
            "rows_total": summary.rows,  # the hint counted the header rows too
            "rows_done": summary.rows,
            "summary": summary.as_json(rejections_shown=REJECTIONS_KEPT),
            "report_path": summary.report,
        }

    def _advance(self, job_id: int, rows: int) -> None:
        # Called from the import's thread: a plain dictionary update, read by the reporter task.
        self.progress[job_id] = self.progress.get(job_id, 0) + rows

    async def _report_progress(self, job_id: int) -> None:
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            await self._set(job_id, rows_done=self.progress.get(job_id, 0), heartbeat_at=_now())

    async def wait(self) -> None:
        """Wait for the jobs this process is running (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _failed(problem: dict[str, str]) -> dict[str, Any]:
    """The final columns of a job that failed now, for ``problem`` (its code and message)."""
    return {"finished_at": _now(), "status": JobStatus.FAILED.value, "error": problem}


def _row_count_hint(path: Path) -> int | None:
    try:
        return row_count_hint(path)
    except (SpreadsheetError, OSError, ValueError):
        return None  # the import itself will say what is wrong with the file


def _remove_upload(folder: Path) -> None:
    # The upload holds ID numbers in clear: it goes as soon as its import ends; the report stays a while.
    for upload in folder.glob("upload*"):
        upload.unlink(missing_ok=True)


def _store(upload: BinaryIO, destination: Path) -> int:
    destination.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with destination.open("wb") as out:
        while chunk := upload.read(1 << 20):
            size += len(chunk)
            if size > LARGEST_UPLOAD_BYTES:
                break
            out.write(chunk)
    return size


async def job_in_scope(uow: UnitOfWork, job_id: int) -> ImportJob:
    """A job whose organisation is in the caller's subtree; ``NotFound`` otherwise."""
    job: ImportJob | None = await uow.db.scalar(
        select(ImportJob)
        .join(Organisation, Organisation.id == ImportJob.organisation_id)
        .where(ImportJob.id == job_id, is_within(Organisation.path, uow.caller.scope_path))
    )
    if job is None:
        raise NotFound("导入任务")
    return job


async def recent_jobs(uow: UnitOfWork, limit: int) -> list[ImportJob]:
    """The latest jobs of the caller's subtree, newest first."""
    rows = await uow.db.scalars(
        select(ImportJob)
        .join(Organisation, Organisation.id == ImportJob.organisation_id)
        .where(is_within(Organisation.path, uow.caller.scope_path))
        .order_by(ImportJob.id.desc())
        .limit(limit)
    )
    return list(rows)


def elapsed(job: ImportJob) -> float | None:
    """Seconds the job has run (so far, while running)."""
    if job.started_at is None:
        return None
    return ((job.finished_at or _now()) - job.started_at).total_seconds()


__all__ = ["ImportJobs", "JobStatus", "elapsed", "job_in_scope", "recent_jobs"]
