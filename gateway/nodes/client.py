"""A client of one province node: GraphQL reads and plain GETs within the node's deadline, retried with
backoff when nothing reached the node, behind the node's circuit breaker.

Whatever goes wrong leaves as ``ProvinceUnavailable`` naming the province (httpx's errors are translated
here, never leaked): ``NODE_TIMEOUT`` (deadline passed), ``NODE_UNREACHABLE`` (no connection, or 5xx after the
retries), ``NODE_CIRCUIT_OPEN`` (the breaker refuses without asking), ``NODE_BAD_RESPONSE`` (not a GraphQL
answer). A GraphQL answer carrying errors is an answer: the caller decides what its errors mean.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import httpx

from exchange.standard import code_list
from gateway.domain.circuit_breaker import CircuitBreaker
from gateway.domain.errors import ErrorCode, ProvinceUnavailable
from gateway.domain.retry_policy import RETRIABLE_STATUSES
from gateway.outbound import UNREADABLE_JSON
from gateway.settings import NodePolicy

Result = TypeVar("Result")


@dataclass(frozen=True, slots=True)
class NodeAnswer:
    """A node's GraphQL response: its data (``None`` when it gave none) and its errors; its tag (``ETag``)
    when the node gave one, and ``unchanged`` when the node said the answer of the tag asked with still holds."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    tag: str | None = None
    unchanged: bool = False


class _Retriable(Exception):
    """An attempt that failed before the node could act on it; worth another try."""


def province_name(province: str) -> str:
    """The name of a province, e.g. 湖南省."""
    return code_list("province").label(province)


class NodeClient:
    """Reads from one province's node."""

    def __init__(
        self,
        province: str,
        base_url: str,
        transport: httpx.AsyncBaseTransport,
        policy: NodePolicy,
        breaker: CircuitBreaker,
    ) -> None:
        self.province = province
        self.base_url = base_url
        self.graphql_url = httpx.URL(f"{base_url}/p/{province}/graphql")
        self.transport = transport
        self.policy = policy
        self.breaker = breaker
        self._timeouts = dict.fromkeys(("connect", "read", "write", "pool"), policy.timeout)

    async def execute(
        self, document: str, variables: dict[str, Any], *, identity: str | None, tag: str | None = None
    ) -> NodeAnswer:
        """Send a GraphQL read (never a mutation: it may be sent twice) with the forwarded ``identity``; with
        the ``tag`` of an answer held, the node may say it still holds (``NodeAnswer.unchanged``)."""
        headers = {"Content-Type": "application/json"}
        if identity:
            headers["Authorization"] = f"Bearer {identity}"
        if tag:
            headers["If-None-Match"] = tag
        body = json.dumps({"query": document, "variables": variables}, ensure_ascii=False).encode()

        async def attempt() -> NodeAnswer:
            response = await self._send("POST", self.graphql_url, headers, body)
            if response.status_code == httpx.codes.NOT_MODIFIED and tag:
                return NodeAnswer(data=None, tag=tag, unchanged=True)
            return self._graphql_answer(response)

        return await self._call(attempt)

    async def get_json(self, path: str) -> tuple[int, Any]:
        """GET ``path`` of the node (``/healthz``); its status and JSON body (``None`` when not JSON)."""

        async def attempt() -> tuple[int, Any]:
            response = await self._send("GET", httpx.URL(f"{self.base_url}{path}"))
            try:
                return response.status_code, response.json()
            except UNREADABLE_JSON:
                return response.status_code, None

        return await self._call(attempt)

    async def get_text(self, path: str) -> str:
        """GET ``path`` of the node as text (``/metrics``)."""

        async def attempt() -> str:
            response = await self._send("GET", httpx.URL(f"{self.base_url}{path}"))
            if response.status_code != httpx.codes.OK:
                raise self._unavailable(ErrorCode.NODE_ERROR, f"返回 HTTP {response.status_code}")
            return response.text

        return await self._call(attempt)

    async def _send(
        self, method: str, url: httpx.URL, headers: dict[str, str] | None = None, content: bytes | None = None
    ) -> httpx.Response:
        """One request on the node's pool, its body read whole."""
        request = httpx.Request(method, url, headers=headers, content=content, extensions={"timeout": self._timeouts})
        response = await self.transport.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    async def _call(self, attempt: Callable[[], Awaitable[Result]]) -> Result:
        if not self.breaker.allow():
            raise self._unavailable(
                ErrorCode.NODE_CIRCUIT_OPEN, f"连续多次失败，已暂停访问，约 {self.breaker.retry_in():.0f} 秒后重试"
            )
        succeeded = False
        try:
            with anyio.fail_after(self.policy.timeout):
                result = await self._with_retries(attempt)
            succeeded = True
            return result
        except TimeoutError as exc:
            raise self._unavailable(ErrorCode.NODE_TIMEOUT, f"在 {self.policy.timeout:g} 秒内未应答") from exc
        finally:
            if succeeded:
                self.breaker.record_success()
            else:
                self.breaker.record_failure()

    async def _with_retries(self, attempt: Callable[[], Awaitable[Result]]) -> Result:
        delays = self.policy.retry.delays()
        for retry in range(len(delays) + 1):
            try:
                return await self._translated(attempt)
            except _Retriable as exc:
                if retry == len(delays):
                    raise self._unavailable(ErrorCode.NODE_UNREACHABLE, f"无法连接（{exc}）") from exc
                await anyio.sleep(delays[retry])
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _translated(self, attempt: Callable[[], Awaitable[Result]]) -> Result:
        try:
            return await attempt()
        except httpx.TimeoutException as exc:
            raise TimeoutError(str(exc)) from exc
        except (httpx.ConnectError, httpx.RemoteProtocolError) as exc:
            raise _Retriable(type(exc).__name__) from exc
        except httpx.HTTPError as exc:
            raise self._unavailable(ErrorCode.NODE_UNREACHABLE, f"请求失败（{type(exc).__name__}）") from exc

    def _graphql_answer(self, response: httpx.Response) -> NodeAnswer:
        if response.status_code in RETRIABLE_STATUSES:
            raise _Retriable(f"HTTP {response.status_code}")
        if response.status_code >= httpx.codes.INTERNAL_SERVER_ERROR:
            raise self._unavailable(ErrorCode.NODE_ERROR, f"返回 HTTP {response.status_code}")
        try:
            body = response.json()
        except UNREADABLE_JSON as exc:
            raise self._unavailable(ErrorCode.NODE_BAD_RESPONSE, "返回的不是 GraphQL 应答") from exc
        data, errors = (body.get("data"), body.get("errors", [])) if isinstance(body, dict) else (None, None)
        if not isinstance(data, dict | None) or not isinstance(errors, list) or (data is None and not errors):
            raise self._unavailable(ErrorCode.NODE_BAD_RESPONSE, "返回的不是 GraphQL 应答")
        return NodeAnswer(
            data=data, errors=[error for error in errors if isinstance(error, dict)], tag=response.headers.get("etag")
        )

    def _unavailable(self, code: ErrorCode, detail: str) -> ProvinceUnavailable:
        return ProvinceUnavailable(self.province, code, f"{province_name(self.province)}节点{detail}")
