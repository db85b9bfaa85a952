"""The exchange's ASGI application: the ``/v1`` API of PROTOCOL.md, ``/healthz`` and ``/metrics``.

``create_app(settings)`` builds everything per app (pool, peer cache, metrics registry); the pool opens
and closes with the app's lifespan. Refusals become ``{"error": {...}}`` with their status and are logged
(code, peer, path, province); a database that cannot be reached, or contention that outlasted the retries,
becomes ``503 UNAVAILABLE``; anything else that escapes is logged with its traceback and answered
``500 INTERNAL_ERROR`` in the same shape.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Final

import psycopg
import psycopg_pool
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from exchange.service.api import ExchangeApi, Json
from exchange.service.auth import Authenticator
from exchange.service.db import migrate
from exchange.service.db.pool import create_pool
from exchange.service.errors import ConcurrentChange, Refusal, RequestTooLarge, echoed
from exchange.service.metrics import ExchangeMetrics
from exchange.service.settings import ExchangeSettings
from exchange.service.store import reads
from exchange.service.store.events import create_staging
from unionfed.request_size import BodySizeLimit

_log = logging.getLogger(__name__)
VERSION = "0.1.0"
HEALTH_TIMEOUT_SECONDS = 2.0
INTERNAL_ERROR: Final = {"error": {"code": "INTERNAL_ERROR", "message": "交换平台内部错误，已记录，请稍后重试"}}


def _check_schema_version(database_url: str) -> None:
    current, head = migrate.current_revision(database_url), migrate.head_revision()
    if current != head:
        raise RuntimeError(
            f"the exchange database is at revision {current}, the code expects {head}: run `unionfed exchange migrate`"
        )


async def _refused(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, Refusal):
        raise exc
    _log.warning(
        "refused %s %s: %s %s (peer %s, province %s): %s",
        request.method, request.url.path, exc.status, exc.code, getattr(request.state, "peer", "?"),
        _province_of(request), exc.message,
    )  # fmt: skip
    return Json(exc.body(), status_code=exc.status)


def _province_of(request: Request) -> str:
    """The province a request is about, when known: from its body once read, else from its query."""
    known = getattr(request.state, "province", None) or request.query_params.get("province")
    return echoed(str(known), 8) if known else "?"


async def _unavailable(request: Request, exc: Exception) -> Response:
    _log.warning("exchange unavailable for %s: %s", request.url.path, exc)
    body = {"error": {"code": "UNAVAILABLE", "message": "交换平台暂时无法处理请求，请稍后重试"}}
    return Json(body, status_code=503, headers={"Retry-After": "1"})


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):
        raise exc
    code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "HTTP_ERROR")
    message = {404: "没有这个接口", 405: "接口不支持这个请求方法"}.get(exc.status_code, str(exc.detail))
    return Json({"error": {"code": code, "message": message}}, status_code=exc.status_code, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Starlette's ServerErrorMiddleware calls this before the answer has begun, then raises the exception
    # again for the server to see; logged here with what the request was about.
    _log.error("unexpected error in %s %s (peer %s)", request.method, request.url.path,
               getattr(request.state, "peer", "?"), exc_info=exc)  # fmt: skip
    return Json(INTERNAL_ERROR, status_code=500)


def create_app(settings: ExchangeSettings, *, check_schema: bool = True) -> Starlette:
    """The exchange app over the database of ``settings`` (its schema checked at startup unless told not)."""
    pool = create_pool(settings.database_url, settings.pool_size, prepare=create_staging)
    metrics = ExchangeMetrics()
    api = ExchangeApi(pool, Authenticator(pool, settings.peer_cache_seconds), metrics)

    async def healthz(request: Request) -> Response:
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS), pool.connection() as connection:
                await connection.execute("SELECT 1")
        except Exception as exc:  # any failure means the exchange cannot serve
            return Json({"status": "unavailable", "version": VERSION, "reason": type(exc).__name__}, status_code=503)
        return Json({"status": "ok", "version": VERSION})

    async def metrics_endpoint(request: Request) -> Response:
        with contextlib.suppress(psycopg.Error, psycopg_pool.PoolTimeout, TimeoutError):
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS), pool.connection() as connection:
                metrics.conflicts_open.set(await reads.open_conflict_count(connection))
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if check_schema:
            await asyncio.to_thread(_check_schema_version, settings.database_url)
        await pool.open()
        try:
            yield
        finally:
            await pool.close()

    def too_large() -> Response:
        refusal = RequestTooLarge(settings.largest_request_bytes)
        _log.warning("refused a request body over %s bytes: %s", settings.largest_request_bytes, refusal.code)
        return Json(refusal.body(), status_code=refusal.status)

    routes = [Route("/healthz", healthz), Route("/metrics", metrics_endpoint), *api.routes()]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            Refusal: _refused,
            ConcurrentChange: _unavailable,
            psycopg.OperationalError: _unavailable,
            psycopg_pool.PoolTimeout: _unavailable,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
    )
    app.add_middleware(BodySizeLimit, largest=settings.largest_request_bytes, refusal=too_large)
    return app
