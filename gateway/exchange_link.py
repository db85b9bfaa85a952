"""The gateway's client of the national exchange (``exchange/PROTOCOL.md``): aggregates of persons,
verification (核查) and conflicts, each request signed with the gateway's service token.

Failures leave as ``ExchangeUnavailable`` (httpx's errors and the exchange's refusals translated here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from exchange.protocol.service_tokens import PeerKey, service_token
from gateway.domain.errors import ExchangeUnavailable
from gateway.outbound import UNREADABLE_JSON


@dataclass(frozen=True, slots=True)
class PersonCounts:
    """Persons of the identity index by home province (current memberships), and each province's progress."""

    by_province: dict[str, int]
    last_event_at: dict[str, str | None]

    @property
    def total(self) -> int:
        """Distinct persons nationwide: every person has one home province in the index."""
        return sum(self.by_province.values())


@dataclass(frozen=True, slots=True)
class Verification:
    """Whether a token is a current member, and where."""

    member: bool
    province: str | None


@dataclass(frozen=True, slots=True)
class ConflictRecord:
    """One identity conflict of the index: the province holding the person, the one also claiming them."""

    id: int
    holder: str
    claimant: str
    detected_at: str
    resolved_at: str | None
    resolution: str | None
    resolved_by: str | None


@dataclass(frozen=True, slots=True)
class ConflictPage:
    """Conflicts by id, and the ``after`` of the next page (``None`` on the last)."""

    conflicts: tuple[ConflictRecord, ...]
    next: int | None


def _optional(value: object) -> str | None:
    return None if value is None else str(value)


class ExchangeReader:
    """Reads from the exchange as the gateway peer."""

    def __init__(self, url: str, key: PeerKey, http: httpx.AsyncClient, *, timeout: float = 2.0) -> None:
        self.url = url
        self.key = key
        self.http = http
        self.timeout = timeout

    async def person_counts(self) -> PersonCounts:
        """Distinct persons by home province (``GET /v1/aggregates`` without ``groupBy``)."""
        body = await self._send("GET", "/v1/aggregates")
        try:
            by_province = {str(row["province"]): int(row["count"]) for row in body["rows"] if row.get("key") is None}
            at = {str(code): progress.get("lastEventAt") for code, progress in body["provinces"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ExchangeUnavailable("交换平台返回的汇总数据无法识别") from exc
        return PersonCounts(by_province=by_province, last_event_at=at)

    async def progress(self, province: str) -> dict[str, Any]:
        """How far the exchange has applied a province's events (``acknowledged``, ``lastEventAt``)."""
        body = await self._send("GET", "/v1/progress", params={"province": province})
        return dict(body)

    async def verify(self, token: str, purpose: str) -> Verification:
        """Whether ``token`` is a current member and in which province (written to the verification log)."""
        body = await self._send("POST", "/v1/verifications", json={"token": token, "purpose": purpose})
        try:
            province = body["province"]
            return Verification(member=bool(body["member"]), province=str(province) if province else None)
        except (KeyError, TypeError) as exc:
            raise ExchangeUnavailable("交换平台返回的核查结果无法识别") from exc

    async def conflicts(self, *, province: str | None, state: str, after: int | None, limit: int) -> ConflictPage:
        """A page of identity conflicts (all provinces' when ``province`` is ``None``); ``state`` is ``open``,
        ``resolved`` or ``all``. The tokens stay at the exchange: they name nobody to a person."""
        params: dict[str, str | int] = {"state": state, "limit": limit}
        if province is not None:
            params["province"] = province
        if after is not None:
            params["after"] = after
        body = await self._send("GET", "/v1/conflicts", params=params)
        try:
            conflicts = tuple(
                ConflictRecord(
                    id=int(row["id"]),
                    holder=str(row["holder"]),
                    claimant=str(row["claimant"]),
                    detected_at=str(row["detectedAt"]),
                    resolved_at=_optional(row.get("resolvedAt")),
                    resolution=_optional(row.get("resolution")),
                    resolved_by=_optional(row.get("resolvedBy")),
                )
                for row in body["conflicts"]
            )
            following = body.get("next")
            return ConflictPage(conflicts, None if following is None else int(following))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ExchangeUnavailable("交换平台返回的冲突列表无法识别") from exc

    async def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {service_token(self.key)}"}
        try:
            response = await self.http.request(
                method, f"{self.url}{path}", headers=headers, timeout=self.timeout, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ExchangeUnavailable(f"无法连接全国交换平台（{type(exc).__name__}）") from exc
        try:
            body = response.json()
        except UNREADABLE_JSON as exc:
            raise ExchangeUnavailable(f"全国交换平台返回了无法识别的应答（HTTP {response.status_code}）") from exc
        if response.status_code != httpx.codes.OK:
            error = body.get("error") if isinstance(body, dict) else None
            error = error if isinstance(error, dict) else {}
            raise ExchangeUnavailable(
                f"全国交换平台拒绝了请求：{error.get('code', response.status_code)} {error.get('message', '')}".strip()
            )
        return body
