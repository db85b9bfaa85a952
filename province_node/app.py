"""The province node's ASGI application: one GraphQL endpoint per province tenant, plus ``/healthz``."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL

from province_node.api.schema import build_schema


def create_app(provinces: Sequence[str]) -> Starlette:
    """The node serving ``/p/<province>/graphql`` for each province code in ``provinces``."""
    graphql = GraphQL(build_schema())

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "provinces": list(provinces)})

    routes = [Route("/healthz", healthz)]
    routes += [Route(f"/p/{code}/graphql", graphql, methods=["GET", "POST"]) for code in provinces]
    return Starlette(routes=routes)
