"""The province node's ASGI application: one GraphQL endpoint per province tenant, ``/healthz``, ``/metrics``,
and each tenant's roster files (templates and exports, ``rosters.routes``) under ``/p/<province>/files``.

Requests to ``/p/<province>/graphql`` are served by that tenant's view, with a database session of the
tenant's own database and a caller authenticated by a login token of that province only. Personal data
shown in clear is written to the audit log before the response leaves; if that write fails, the
response carries no data.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator

import anyio
import strawberry.types
from cross_web import AsyncHTTPRequestAdapter
from graphql import ExecutionResult
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.ides import GraphQL_IDE
from strawberry.schema import BaseSchema

from province_node.api import answer_tags
from province_node.api.context import Context, authenticate_bearer
from province_node.api.schema import build_schema
from province_node.db import migrate
from province_node.domain.errors import DomainError, ErrorCode, RuleViolation
from province_node.exchange_link.relay import OutboxRelay
from province_node.metrics import NodeMetrics
from province_node.rosters.jobs import LARGEST_UPLOAD_BYTES, ImportJobs
from province_node.rosters.routes import RosterFiles
from province_node.services import audit
from province_node.services.rollup_folding import RollupFolding
from province_node.services.statistics_version import statistics_version
from province_node.services.unit_of_work import Database, UnitOfWork
from province_node.settings import NodeSettings
from province_node.tenant import Tenant, open_tenant
from unionfed.request_size import BodySizeLimit

_log = logging.getLogger(__name__)
VERSION = "0.1.0"
# A roster upload is the only large request: the upload limit and a little room for the multipart envelope.
LARGEST_REQUEST_BYTES = LARGEST_UPLOAD_BYTES + 1024**2
RELAY_STOP_SECONDS = 10.0  # a relay or fold still busy this long after shutdown began is cancelled


class TenantGraphQL(GraphQL[Context, None]):
    """The GraphQL endpoint of one province tenant."""

    def __init__(
        self,
        tenant: Tenant,
        imports: ImportJobs,
        schema: BaseSchema,
        *,
        graphql_ide: GraphQL_IDE | None,
        metrics: NodeMetrics,
    ):
        # Uploads are safe to enable: logins travel in a Bearer header, never a cookie, so no cross-site form
        # can upload on a clerk's behalf.
        super().__init__(schema, graphql_ide=graphql_ide, multipart_uploads_enabled=True)
        self.tenant = tenant
        self.imports = imports
        self.not_modified = metrics.not_modified.labels(tenant.province)
        self.tag_key = answer_tags.new_tag_key()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        await BodySizeLimit(self._serve, LARGEST_REQUEST_BYTES, _too_large)(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})
        try:
            async with self.tenant.sessions() as session:
                state["db"] = Database(session)
                await super().__call__(scope, receive, send)
        finally:
            # Popped, not read: the context holds the request, whose scope holds this state (a reference cycle).
            context: Context | None = state.pop("context", None)
            if context is not None:
                await context.request.close()  # closes (and so deletes) the temporary files of uploads

    def encode_json(self, data: object) -> str:
        # Chinese as itself, not as \u escapes: responses are read by people too.
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    async def get_context(self, request: Request, response: Response | None = None) -> Context:  # type: ignore[override]
        db: Database = request.state.db
        caller, problem = None, None
        header = request.headers.get("authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            try:
                if scheme.lower() != "bearer" or not token:
                    raise RuleViolation(ErrorCode.UNAUTHENTICATED, "Authorization 头应为 “Bearer <登录凭证>”")
                caller = await authenticate_bearer(UnitOfWork(db, self.tenant, None), token.strip())
            except DomainError as error:
                problem = error
        context = Context(
            request=request, tenant=self.tenant, imports=self.imports, db=db, caller=caller, auth_problem=problem
        )
        request.state.context = context
        return context

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> strawberry.types.ExecutionResult:
        """Execute the operation, unless it asks again for a statistics answer whose tag the caller brings and
        which nothing has changed since (``api.answer_tags``): that is answered 304 without executing it."""
        caller = context.caller if context.auth_problem is None else None
        today = context.uow.today
        asked = answer_tags.tag_asked(request.headers.get("if-none-match")) if caller else []
        if caller and asked:
            version = context.statistics_version_read = await statistics_version(context.uow)
            tag = answer_tags.answer_tag(self.tag_key, caller, request_data, today, version)
            if tag in asked:
                self.not_modified.inc()
                sub_response.status_code = answer_tags.NOT_MODIFIED
                sub_response.headers["etag"] = tag
                return strawberry.types.ExecutionResult(data=None, errors=None)
        result = await super().execute_single(request, request_adapter, sub_response, context, root_value, request_data)
        tagged = answer_tags.tagged_version(list(result.data or {}), context.statistics_versions)
        if caller and tagged is not None and not result.errors:
            sub_response.headers["etag"] = answer_tags.answer_tag(self.tag_key, caller, request_data, today, tagged)
        return result

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        if sub_response.status_code == answer_tags.NOT_MODIFIED:  # no body: the caller's answer still holds
            return Response(status_code=answer_tags.NOT_MODIFIED, headers={"etag": sub_response.headers["etag"]})
        return super().create_response(response_data, sub_response)

    async def process_result(  # type: ignore[override]
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        context: Context | None = getattr(request.state, "context", None)
        if context is not None and context.personal_reads and result.data is not None:
            try:
                await _audit_personal_reads(context)
            except Exception:
                _log.exception("audit of personal data reads failed; withholding the data")
                return {"data": None, "errors": [{"message": "审计记录写入失败，本次查询结果不予返回",
                                                  "extensions": {"code": "AUDIT_FAILED"}}]}  # fmt: skip
        return process_result(result)


def _too_large() -> JSONResponse:
    refusal = {"errors": [{"message": f"请求超过 {LARGEST_REQUEST_BYTES // 1024**2} MB，请拆分文件后分批上传",
                           "extensions": {"code": "REQUEST_TOO_LARGE"}}]}  # fmt: skip
    return JSONResponse(refusal, status_code=413)


async def _audit_personal_reads(context: Context) -> None:
    reads = context.personal_reads
    uow = context.uow
    if reads.fields_by_member:
        audit.record(
            uow,
            audit.AuditAction.PERSONAL_DATA_READ,
            target_type="member",
            target_ids=reads.fields_by_member,
            details={"fields": sorted({field for fields in reads.fields_by_member.values() for field in fields})},
        )
    if reads.import_rejections:
        audit.record(
            uow, audit.AuditAction.IMPORT_REJECTIONS_READ, target_type="import_job", target_ids=reads.import_rejections
        )
    await uow.commit()


def _check_schema_versions(tenants: list[Tenant]) -> None:
    head = migrate.head_revision()
    for tenant in tenants:
        current = migrate.current_revision(tenant.settings.database_url)
        if current != head:
            raise RuntimeError(
                f"the database of tenant {tenant.province} is at revision {current}, the code expects {head}: "
                "run `unionfed migrate` first"
            )


def create_app(settings: NodeSettings, *, check_schema: bool = True) -> Starlette:
    """The node serving ``/p/<province>/graphql`` for every configured tenant."""
    tenants = [open_tenant(tenant, settings) for tenant in settings.tenants]
    imports = {
        tenant.province: ImportJobs(tenant, settings.import_folder / f"p{tenant.province}") for tenant in tenants
    }
    relays = {
        tenant.province: OutboxRelay(tenant, tenant.exchange, interval=tenant.exchange.settings.relay_interval)
        for tenant in tenants
        if tenant.exchange
    }
    folds = [RollupFolding(tenant, interval=settings.rollup_interval) for tenant in tenants if settings.rollup_interval]
    background_tasks: list[OutboxRelay | RollupFolding] = [*relays.values(), *folds]
    metrics = NodeMetrics(tenants, {province: relay.state for province, relay in relays.items()})
    schema = build_schema(
        settings.limits, introspection=settings.introspection, extra_extensions=(metrics.extension(),)
    )

    async def healthz(request: Request) -> JSONResponse:
        states = {}
        for tenant in tenants:
            try:
                async with tenant.engine.connect() as connection:
                    await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=2)
                states[tenant.province] = "ok"
            except Exception as exc:  # any failure means this tenant is not serving
                states[tenant.province] = f"unavailable: {type(exc).__name__}"
        healthy = all(state == "ok" for state in states.values())
        body = {"status": "ok" if healthy else "degraded", "version": VERSION, "tenants": states}
        return JSONResponse(body, status_code=200 if healthy else 503)

    async def metrics_endpoint(request: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if check_schema:
            await asyncio.to_thread(_check_schema_versions, tenants)
            for jobs in imports.values():
                await jobs.recover()
        try:
            async with anyio.create_task_group() as background:
                for task in background_tasks:
                    background.start_soon(task.run)
                try:
                    yield
                finally:  # let each relay and fold finish its round (no query cut short), cancelled if it hangs
                    for task in background_tasks:
                        task.stop()
                    background.cancel_scope.deadline = anyio.current_time() + RELAY_STOP_SECONDS
        finally:
            for tenant in tenants:
                await tenant.aclose()

    ide: GraphQL_IDE | None = "graphiql" if settings.introspection else None
    routes = [Route("/healthz", healthz), Route("/metrics", metrics_endpoint)]
    routes += [
        Route(
            f"/p/{tenant.province}/graphql",
            TenantGraphQL(tenant, imports[tenant.province], schema, graphql_ide=ide, metrics=metrics),
            methods=["GET", "POST"],
        )
        for tenant in tenants
    ]
    routes += [route for tenant in tenants for route in RosterFiles(tenant).routes()]
    return Starlette(routes=routes, lifespan=lifespan)
