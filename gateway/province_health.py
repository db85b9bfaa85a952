"""The state of every province node as the gateway sees it: health, version, the relay's lag towards the
exchange, and the number of current members — asked of all nodes at once, each within its deadline."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Final

import anyio
from prometheus_client.parser import text_string_to_metric_families

from gateway.domain.errors import ErrorCode, ProvinceUnavailable
from gateway.domain.national_roles import NationalCaller
from gateway.federation import Federation
from gateway.nodes.client import NodeClient
from gateway.nodes.fan_out import ask_every_node

MEMBER_COUNT: Final = "query GatewayMemberCount { statistics(groupBy: [STATUS]) { total } }"


@dataclass(frozen=True, slots=True)
class ProvinceHealth:
    """One province node now."""

    province: str
    status: str  # "ok", "degraded" (the node answers, this tenant's database does not), "unavailable"
    version: str | None = None
    lag_seconds: float | None = None
    unsent_events: int | None = None
    member_count: int | None = None
    problem: ProvinceUnavailable | None = None


def _relay_figures(metrics: str, province: str) -> tuple[float | None, int | None]:
    lag: float | None = None
    unsent: int | None = None
    for family in text_string_to_metric_families(metrics):
        for sample in family.samples:
            if sample.labels.get("tenant") != province:
                continue
            if sample.name == "unionfed_exchange_lag_seconds":
                lag = float(sample.value)
            elif sample.name == "unionfed_exchange_unsent_events":
                unsent = int(sample.value)
    return lag, unsent


@dataclass
class _Figures:
    lag: float | None = None
    unsent: int | None = None
    members: int | None = None


async def province_health(federation: Federation, caller: NationalCaller) -> list[ProvinceHealth]:
    """Every node's health, version, lag and member count."""

    async def ask(client: NodeClient) -> ProvinceHealth:
        status_code, body = await client.get_json("/healthz")
        if not isinstance(body, dict):
            raise ProvinceUnavailable(client.province, ErrorCode.NODE_BAD_RESPONSE, "节点的健康检查应答无法识别")
        tenants = body.get("tenants")
        tenant_state = tenants.get(client.province) if isinstance(tenants, dict) else None
        version = str(body.get("version")) if body.get("version") else None
        if tenant_state != "ok":
            return ProvinceHealth(client.province, "degraded" if status_code == 503 else "unavailable", version)
        figures = _Figures()

        async def relay() -> None:
            # Without them the figures stay unknown; the province is up all the same.
            with contextlib.suppress(ProvinceUnavailable, ValueError):
                figures.lag, figures.unsent = _relay_figures(await client.get_text("/metrics"), client.province)

        async def members() -> None:
            identity = federation.forwarded_identity(caller, client.province)
            try:
                answer = await client.execute(MEMBER_COUNT, {}, identity=identity)
            except ProvinceUnavailable:
                return
            statistics = (answer.data or {}).get("statistics")
            total = statistics.get("total") if isinstance(statistics, dict) else None
            figures.members = total if isinstance(total, int) and not isinstance(total, bool) else None

        async with anyio.create_task_group() as group:
            group.start_soon(relay)
            group.start_soon(members)
        return ProvinceHealth(client.province, "ok", version, figures.lag, figures.unsent, figures.members)

    outcomes = await ask_every_node(federation.nodes, ask)
    return [
        outcome if isinstance(outcome, ProvinceHealth) else ProvinceHealth(code, "unavailable", problem=outcome)
        for code, outcome in outcomes.items()
    ]
