"""The gateway's ASGI application: ``/graphql`` (the national schema), ``/healthz`` and ``/metrics``.

The outbound clients (a pool per node, one for the exchange and OIDC keys) are opened and closed with the
app's lifespan, or one client is given by the caller for everything (tests inject theirs).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Final

import httpx
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.http.ides import GraphQL_IDE
from strawberry.schema import BaseSchema

from gateway.api.context import Context
from gateway.api.schema import build_schema
from gateway.domain.errors import GatewayError
from gateway.federation import Federation
from gateway.metrics import GatewayMetrics
from gateway.outbound import Outbound
from gateway.security.authentication import authenticate
from gateway.settings import GatewaySettings
from unionfed.request_size import BodySizeLimit

VERSION = "0.1.0"


class GatewayGraphQL(GraphQL[Context, None]):
    """The national GraphQL endpoint."""

    def __init__(self, federation: Federation, schema: BaseSchema, *, graphql_ide: GraphQL_IDE | None) -> None:
        super().__init__(schema, graphql_ide=graphql_ide)
        self.federation = federation

    def encode_json(self, data: object) -> str:
        # Chinese as itself, not as \u escapes: responses are read by people too.
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    async def get_context(self, request: Request, response: Response | None = None) -> Context:  # type: ignore[override]
        caller, problem = None, None
        header = request.headers.get("authorization", "")
        if header:
            try:
                caller = await authenticate(header, self.federation.settings.key, self.federation.oidc)
            except GatewayError as error:
                problem = error
        return Context(request=request, federation=self.federation, caller=caller, auth_problem=problem)


LARGEST_REQUEST_BYTES: Final = 1024**2  # a national query and its variables; nothing is uploaded here


def create_app(settings: GatewaySettings, *, transport: httpx.AsyncBaseTransport | None = None) -> Starlette:
    """The gateway over the nodes and exchange of ``settings`` (every outbound request through ``transport``
    when given: tests answer with their own, and close it)."""
    outbound = Outbound.open(settings) if transport is None else Outbound.through(transport)
    federation = Federation(settings, outbound)
    metrics = GatewayMetrics(federation.nodes)
    schema = build_schema(
        settings.limits,
        provinces=max(1, len(settings.nodes)),
        introspection=settings.introspection,
        extra_extensions=(metrics.extension(),),
    )

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": VERSION, "provinces": sorted(federation.nodes)})

    async def metrics_endpoint(request: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if transport is None:
                await outbound.aclose()

    ide: GraphQL_IDE | None = "graphiql" if settings.introspection else None
    routes = [
        Route("/healthz", healthz),
        Route("/metrics", metrics_endpoint),
        Route("/graphql", GatewayGraphQL(federation, schema, graphql_ide=ide), methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(BodySizeLimit, largest=LARGEST_REQUEST_BYTES, refusal=_too_large)
    return app


def _too_large() -> JSONResponse:
    refusal = {"errors": [{"message": f"请求超过 {LARGEST_REQUEST_BYTES // 1024} KB，请精简查询",
                           "extensions": {"code": "REQUEST_TOO_LARGE"}}]}  # fmt: skip
    return JSONResponse(refusal, status_code=413)
