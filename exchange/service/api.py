"""The endpoints of PROTOCOL.md: each authenticates the peer, reads and checks the request, checks what
the peer may do, and runs one transaction (or one read)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from exchange.service import bulk_bodies, wire
from exchange.service.auth import Authenticator, acting_for, gateway_only, reading
from exchange.service.cpu_lane import run_in_lane
from exchange.service.db.pool import Pool, in_transaction
from exchange.service.domain.claims import ClaimOutcome
from exchange.service.errors import SequenceGap, Unauthenticated
from exchange.service.metrics import ExchangeMetrics
from exchange.service.store import reads
from exchange.service.store.claims import claim
from exchange.service.store.events import apply_events
from exchange.service.store.peers import Peer

Handler = Callable[[Request], Awaitable[Response]]
SMALL_REQUEST_BYTES: Final = 64 * 1024  # smaller events requests are read on the event loop (``cpu_lane``)


class Json(JSONResponse):
    """JSON with Chinese as itself (people read these answers too), compact, encoded by msgspec (a claims answer
    of 1,000 tokens: 0.11 ms against 1.4 with the standard library)."""

    def render(self, content: Any) -> bytes:
        return msgspec.json.encode(content)


class ExchangeApi:
    """The ``/v1`` endpoints over one pool, one authenticator and one set of metrics."""

    def __init__(self, pool: Pool, authenticator: Authenticator, metrics: ExchangeMetrics) -> None:
        self.pool = pool
        self.auth = authenticator
        self.metrics = metrics

    def routes(self) -> list[Route]:
        """The routes of every endpoint, timed by endpoint."""
        endpoints: list[tuple[str, Handler, str]] = [
            ("/v1/claims", self.claims, "POST"),
            ("/v1/events", self.events, "POST"),
            ("/v1/progress", self.progress, "GET"),
            ("/v1/conflicts", self.conflicts, "GET"),
            ("/v1/verifications", self.verifications, "POST"),
            ("/v1/identities", self.identities, "GET"),
            ("/v1/aggregates", self.aggregates, "GET"),
        ]
        return [Route(path, self._timed(path, handler), methods=[method]) for path, handler, method in endpoints]

    def _timed(self, path: str, handler: Handler) -> Handler:
        latency = self.metrics.latency.labels(path)

        async def timed(request: Request) -> Response:
            started = time.perf_counter()
            try:
                return await handler(request)
            finally:
                latency.observe(time.perf_counter() - started)

        return timed

    async def _peer(self, request: Request) -> Peer:
        try:
            peer = await self.auth.peer(request.headers.get("authorization"))
        except Unauthenticated as refusal:
            if refusal.named is not None:  # logged as who the token says it is, marked as not verified
                request.state.peer = f"? (kid {refusal.named})"
            raise
        request.state.peer = peer.id  # for the log of a refusal
        return peer

    async def _document(self, request: Request) -> Any:
        return wire.parse_json(await request.body())

    # -- endpoints ---------------------------------------------------------------------------------

    async def claims(self, request: Request) -> Response:
        """``POST /v1/claims``."""
        peer = await self._peer(request)
        asked = bulk_bodies.claims_request(await request.body())
        request.state.province = asked.province
        acting_for(peer, asked.province)
        answers = await in_transaction(self.pool, lambda connection: claim(connection, asked.province, asked.tokens))
        results = []
        for token, answer in zip(asked.tokens, answers, strict=True):
            result = {"token": token, "outcome": answer.outcome.value}
            if answer.outcome is ClaimOutcome.CONFLICT:
                result["province"] = answer.holder or ""
            results.append(result)
        for outcome in ClaimOutcome:
            count = sum(1 for answer in answers if answer.outcome is outcome)
            if count:
                self.metrics.claims.labels(outcome.value).inc(count)
        return Json({"results": results})

    async def events(self, request: Request) -> Response:
        """``POST /v1/events``."""
        peer = await self._peer(request)
        body = await request.body()  # at most the app's largest body (``BodySizeLimit``)
        asked = await run_in_lane(lambda: bulk_bodies.events_request(body), small=len(body) < SMALL_REQUEST_BYTES)
        request.state.province = asked.province
        acting_for(peer, asked.province)
        try:
            done = await in_transaction(self.pool, lambda connection: apply_events(connection, asked))
        except SequenceGap:
            self.metrics.batches.labels(asked.province, "gap").inc()
            raise
        if done.batches_applied:
            self.metrics.batches.labels(asked.province, "applied").inc(done.batches_applied)
            self.metrics.events_applied.labels(asked.province).inc(done.events_applied)
        if done.batches_duplicate:
            self.metrics.batches.labels(asked.province, "duplicate").inc(done.batches_duplicate)
        return Json({"acknowledged": done.acknowledged})

    async def progress(self, request: Request) -> Response:
        """``GET /v1/progress?province=``."""
        peer = await self._peer(request)
        province = wire.province(request.query_params.get("province"))
        reading(peer, province)
        async with self.pool.connection() as connection:
            found = await reads.progress(connection, province)
        return Json({"province": province, **_progress_json(found)})

    async def conflicts(self, request: Request) -> Response:
        """``GET /v1/conflicts?province=&state=&after=&limit=``."""
        peer = await self._peer(request)
        query = request.query_params
        province = query.get("province")
        if province is None:
            gateway_only(peer, "不指定省份查询冲突")
        else:
            reading(peer, wire.province(province))
        state = wire.conflict_state(query.get("state"))
        after, limit = wire.after_id(query.get("after")), wire.limit(query.get("limit"))
        async with self.pool.connection() as connection:
            found = await reads.conflicts(connection, province, state, after, limit)
        return Json({"conflicts": found, "next": found[-1]["id"] if len(found) == limit else None})

    async def verifications(self, request: Request) -> Response:
        """``POST /v1/verifications``."""
        peer = await self._peer(request)
        asked = wire.verification_request(await self._document(request))
        async with self.pool.connection() as connection:
            province = await reads.verify(connection, peer.id, asked.token, asked.purpose)
        self.metrics.verifications.labels("member" if province else "not_member").inc()
        return Json({"member": province is not None, "province": province})

    async def identities(self, request: Request) -> Response:
        """``GET /v1/identities?province=&status=&after=&limit=``."""
        peer = await self._peer(request)
        query = request.query_params
        province = wire.province(query.get("province"))
        reading(peer, province)
        claimed_only = wire.identity_status(query.get("status"))
        after, limit = wire.after_token(query.get("after")), wire.limit(query.get("limit"))
        async with self.pool.connection() as connection:
            found = await reads.identities(connection, province, after, limit, claimed_only=claimed_only)
        listed = [_identity_json(row) for row in found]
        return Json({"identities": listed, "next": found[-1].token if len(found) == limit else None})

    async def aggregates(self, request: Request) -> Response:
        """``GET /v1/aggregates?groupBy=`` (any peer: counts only, no person in them)."""
        await self._peer(request)
        group_by = wire.group_by(request.query_params.get("groupBy"))
        async with self.pool.connection() as connection:
            rows = await reads.aggregates(connection, group_by)
            progress = await reads.all_progress(connection)
        return Json({"rows": rows, "provinces": {code: _progress_json(found) for code, found in progress.items()}})


def _identity_json(row: reads.Listed) -> dict[str, str]:
    listed = {"token": row.token, "status": row.status}
    if row.claimed_at is not None:
        listed["claimedAt"] = row.claimed_at.isoformat()
    return listed


def _progress_json(progress: reads.Progress) -> dict[str, Any]:
    at = progress.last_event_at
    return {"acknowledged": progress.acknowledged, "lastEventAt": at.isoformat() if at else None}
