"""An HTTP client of the exchange API, signing every request with the node's service token.

Failures come in two kinds the callers treat differently: ``ExchangeUnavailable`` (no answer, a timeout,
a server error: try again later) and ``ExchangeRefused`` (the exchange answered no: a 4xx with its code).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import Any, Final, Self

import httpx

from exchange.protocol.service_tokens import LIFETIME_SECONDS, service_token
from province_node.settings import ExchangeSettings

CLAIMS_PER_REQUEST: Final = 5000
_TOKEN_REUSE_SECONDS: Final = LIFETIME_SECONDS // 3


class ExchangeUnavailable(Exception):
    """The exchange could not be reached or failed; the request may be tried again."""


class ExchangeRefused(Exception):
    """The exchange answered with an error: ``status``, ``code``, its Chinese ``message`` and the whole error
    object as ``body`` (with details such as ``expected`` or ``tokens``)."""

    def __init__(self, status: int, code: str, message: str, body: Mapping[str, Any]) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.body = body


class ClaimOutcome(StrEnum):
    """The exchange's answer to "may this province hold this person as current?"."""

    GRANTED = "granted"
    ALREADY_YOURS = "already_yours"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class ClaimAnswer:
    """One token's answer; ``province`` is the holder's when in conflict."""

    outcome: ClaimOutcome
    province: str | None = None


# Every granted or already-yours answer is the same: built once, not once per token of a request.
_PLAIN_ANSWERS: Final = {outcome.value: ClaimAnswer(outcome) for outcome in ClaimOutcome}


def claim_answer(result: Mapping[str, Any]) -> ClaimAnswer:
    """The answer in one result of ``POST /v1/claims`` (``ValueError`` for an outcome the node does not know)."""
    holder = result.get("province")
    if holder is None and (answer := _PLAIN_ANSWERS.get(result["outcome"])) is not None:
        return answer
    return ClaimAnswer(ClaimOutcome(result["outcome"]), holder)


class ExchangeClient:
    """Requests to one exchange as one node; use as ``async with ExchangeClient(settings) as client``."""

    def __init__(self, settings: ExchangeSettings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._http = httpx.AsyncClient(base_url=settings.url, timeout=settings.timeout, transport=transport)
        self._token: tuple[str, float] | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    def _authorization(self) -> str:
        now = time.time()
        if self._token is None or now - self._token[1] > _TOKEN_REUSE_SECONDS:
            self._token = (service_token(self.settings.key, now=now), now)
        return f"Bearer {self._token[0]}"

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self._http.request(
                method, path, headers={"Authorization": self._authorization()}, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ExchangeUnavailable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500:
            raise ExchangeUnavailable(f"{method} {path}: HTTP {response.status_code}")
        try:
            body = response.json()
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep to parse
            raise ExchangeUnavailable(f"{method} {path}: not JSON (HTTP {response.status_code})") from exc
        if not isinstance(body, dict):  # anything else would stop the relay's loop with an AttributeError
            raise ExchangeUnavailable(f"{method} {path}: not a JSON object (HTTP {response.status_code})")
        if response.status_code >= 400:
            error = body.get("error")
            error = error if isinstance(error, dict) else {}
            raise ExchangeRefused(response.status_code, str(error.get("code")), str(error.get("message")), error)
        return body

    async def claim(self, province: str, tokens: Sequence[str]) -> dict[str, ClaimAnswer]:
        """The answer for each token, asked in requests of ``CLAIMS_PER_REQUEST``."""
        answers: dict[str, ClaimAnswer] = {}
        for start in range(0, len(tokens), CLAIMS_PER_REQUEST):
            chunk = list(tokens[start : start + CLAIMS_PER_REQUEST])
            body = {"province": province, "tokens": chunk}
            for result in (await self._call("POST", "/v1/claims", json=body))["results"]:
                answers[result["token"]] = claim_answer(result)
        return answers

    async def send_events(self, province: str, batches: Sequence[Mapping[str, Any]]) -> int:
        """Deliver ``[{"seq", "events"}]`` in order; the last sequence the exchange has applied."""
        body = await self._call("POST", "/v1/events", json={"province": province, "batches": list(batches)})
        return int(body["acknowledged"])

    async def progress(self, province: str) -> int:
        """The last sequence of ``province`` the exchange has applied (0 before the first)."""
        body = await self._call("GET", "/v1/progress", params={"province": province})
        return int(body["acknowledged"])

    async def conflicts(self, province: str, state: str = "open", *, limit: int = 1_000) -> list[dict[str, Any]]:
        """The conflicts involving ``province``: ``open``, ``resolved`` or ``all``; every page of ``limit``,
        following ``next`` to the end."""
        conflicts: list[dict[str, Any]] = []
        params: dict[str, str | int] = {"province": province, "state": state, "limit": limit}
        while True:
            body = await self._call("GET", "/v1/conflicts", params=params)
            conflicts += body["conflicts"]
            if body.get("next") is None:
                return conflicts
            params["after"] = body["next"]

    async def identities(
        self, province: str, *, after: str | None = None, limit: int = 10_000, claimed_only: bool = False
    ) -> dict[str, Any]:
        """A page of the index rows of ``province`` in token order (only its unconfirmed claims when
        ``claimed_only``): ``{"identities", "next"}``."""
        params: dict[str, str | int] = {"province": province, "limit": limit}
        if after:
            params["after"] = after
        if claimed_only:
            params["status"] = "claimed"
        return await self._call("GET", "/v1/identities", params=params)
