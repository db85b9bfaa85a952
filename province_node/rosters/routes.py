"""HTTP endpoints for roster files of one province tenant (mounted by the node app):

    GET /p/<province>/files/templates/<member_roster|organisation_summary>.xlsx
        the empty import template for the tenant's profile; no login needed
    GET /p/<province>/files/export/<members|organisations>.xlsx?under=<organisation id>
        the subtree's members or grassroots unions, as the caller of the Bearer login token sees them
        (its scope; personal numbers masked unless its role may read them); audited
    GET /p/<province>/files/imports/<import job id>/error-report.xlsx
        the refused rows of an import with the reason of each, for a caller whose scope holds the job's
        organisation and whose role may read personal data (the rows are as uploaded); audited

An export is written to a temporary file, audited and committed, then streamed and deleted: no byte leaves
before the audit entry is in the database, and the file is gone from disk once the response ends.

Failures are JSON ``{"error": {"code", "message"}}`` with the domain's stable code and a Chinese message:
401 without a valid login, 403 when the role or an unchanged initial password forbids it, 404 outside the
caller's scope, 400 for a malformed ``under``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import os
import tempfile
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from exchange.standard import profile
from province_node.api.ids import decode_id
from province_node.domain.access import Caller, Permission
from province_node.domain.errors import DomainError, ErrorCode, RuleViolation
from province_node.rosters.export import LAYOUTS, ExportKind, export_roster
from province_node.rosters.jobs import job_in_scope
from province_node.rosters.layouts import LAYOUTS as LAYOUTS_BY_NAME
from province_node.rosters.templates import write_template
from province_node.services import accounts, audit
from province_node.services.unit_of_work import Database, UnitOfWork
from province_node.tenant import Tenant

_CHUNK: Final = 64 * 1024
XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STATUS: Final = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.PASSWORD_CHANGE_REQUIRED: 403,
    ErrorCode.NOT_PERMITTED: 403,
    ErrorCode.NOT_FOUND: 404,
}


def error_response(error: DomainError) -> JSONResponse:
    """The JSON answer of a refused request: its stable code and Chinese message."""
    status = _STATUS.get(error.code, 400)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": {"code": error.code.value, "message": error.message}}, status, headers)


def attachment(filename: str, fallback: str) -> str:
    """A ``Content-Disposition`` naming the download: Chinese for browsers that read RFC 6266, ASCII else."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(filename)}"


@functools.cache
def template_bytes(layout_name: str, profile_name: str) -> bytes:
    """The template file of a layout and profile (small; built once per process)."""
    buffer = io.BytesIO()
    write_template(LAYOUTS_BY_NAME[layout_name], profile(profile_name), buffer)
    return buffer.getvalue()


async def authenticated_caller(request: Request, uow: UnitOfWork) -> Caller:
    """The caller of the request's Bearer login token, as the GraphQL endpoint authenticates it."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise RuleViolation(ErrorCode.UNAUTHENTICATED, "请先登录：请求须带 “Authorization: Bearer <登录凭证>” 头")
    caller = await accounts.authenticate(uow, token.strip())
    if caller.must_change_password:
        raise RuleViolation(ErrorCode.PASSWORD_CHANGE_REQUIRED, "首次登录须先修改初始密码")
    return caller


class RosterFiles:
    """The roster-file endpoints of one tenant."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant

    def routes(self) -> list[Route]:
        """The routes to mount on the node app."""
        prefix = f"/p/{self.tenant.province}/files"
        return [
            Route(f"{prefix}/templates/{{layout}}.xlsx", self.template, methods=["GET"]),
            Route(f"{prefix}/export/{{kind}}.xlsx", self.export, methods=["GET"]),
            Route(f"{prefix}/imports/{{job}}/error-report.xlsx", self.error_report, methods=["GET"]),
        ]

    async def template(self, request: Request) -> Response:
        """The empty template of a layout, for the tenant's profile."""
        layout = LAYOUTS_BY_NAME.get(request.path_params["layout"])
        if layout is None:
            names = "、".join(LAYOUTS_BY_NAME)
            return error_response(RuleViolation(ErrorCode.NOT_FOUND, f"没有这种名册模板，可下载：{names}"))
        content = await asyncio.to_thread(template_bytes, layout.name, self.tenant.profile.name)
        filename = f"{layout.title}（导入模板）.xlsx"
        disposition = attachment(filename, f"{layout.name}.xlsx")
        return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})

    async def export(self, request: Request) -> Response:
        """The subtree's members or organisations as the caller sees them, streamed from a temporary file."""
        try:
            kind = ExportKind(request.path_params["kind"])
        except ValueError:
            return error_response(
                RuleViolation(ErrorCode.NOT_FOUND, "只能导出 members（会员）或 organisations（组织）")
            )
        handle, path = tempfile.mkstemp(prefix="unionfed-export-", suffix=".xlsx")
        os.close(handle)
        try:
            async with self.tenant.sessions() as session:
                db = Database(session)
                caller = await authenticated_caller(request, UnitOfWork(db, self.tenant, None))
                under = request.query_params.get("under")
                uow = UnitOfWork(db, self.tenant, caller)
                async with uow:
                    organisation_id = decode_id("Organisation", under, what="工会组织") if under else None
                    summary = await export_roster(uow, kind, path, under=organisation_id)
        except DomainError as error:
            _discard(path)
            return error_response(error)
        except BaseException:
            _discard(path)
            raise
        filename = f"{summary.organisation_name}{LAYOUTS[kind].title}.xlsx"
        return stream_and_delete(path, attachment(filename, f"{kind.value}.xlsx"))

    async def error_report(self, request: Request) -> Response:
        """The error report of an import job of the caller's subtree; the download is audited first."""
        try:
            async with self.tenant.sessions() as session:
                db = Database(session)
                caller = await authenticated_caller(request, UnitOfWork(db, self.tenant, None))
                caller.require(Permission.READ_PERSONAL_DATA)
                uow = UnitOfWork(db, self.tenant, caller)
                async with uow:
                    job = await job_in_scope(uow, decode_id("ImportJob", request.path_params["job"], what="导入任务"))
                    report = Path(job.report_path) if job.report_path else None
                    if report is None or not report.is_file():
                        raise RuleViolation(
                            ErrorCode.NOT_FOUND, "该导入没有错误报告（没有被拒绝的行，或报告已过保留期）"
                        )
                    audit.record(uow, audit.AuditAction.ERROR_REPORT_DOWNLOADED, target_type="import_job",
                                 target_ids=[job.id], details={"file": job.file_name})  # fmt: skip
                    await uow.commit()
        except DomainError as error:
            return error_response(error)
        filename = f"{Path(job.file_name).stem}（错误报告）.xlsx"
        return FileResponse(report, media_type=XLSX,
                            headers={"Content-Disposition": attachment(filename, "error-report.xlsx")})  # fmt: skip


def stream_and_delete(path: str, disposition: str) -> StreamingResponse:
    """Stream a file that is deleted at once: its name goes now, its data when the stream closes the handle
    (also when the client goes away mid-download), so no export outlives its response on disk."""
    file = open(path, "rb")  # noqa: SIM115 - closed by the stream
    try:
        size = os.fstat(file.fileno()).st_size
        os.unlink(path)
    except BaseException:
        file.close()
        raise

    async def chunks() -> AsyncIterator[bytes]:
        try:
            while chunk := await asyncio.to_thread(file.read, _CHUNK):
                yield chunk
        finally:
            file.close()

    headers = {"Content-Disposition": disposition, "Content-Length": str(size)}
    return StreamingResponse(chunks(), media_type=XLSX, headers=headers)


def _discard(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
