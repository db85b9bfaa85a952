"""Asking every province node at once: each call runs in its own task, bounded by its node's deadline, and
a province that fails is reported, never allowed to fail or hold up the others."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

import anyio

from gateway.domain.errors import ErrorCode, ProvinceUnavailable
from gateway.nodes.client import NodeClient, province_name

Result = TypeVar("Result")
_log = logging.getLogger(__name__)


async def ask_every_node(
    clients: Mapping[str, NodeClient], call: Callable[[NodeClient], Awaitable[Result]]
) -> dict[str, Result | ProvinceUnavailable]:
    """``call`` for every node concurrently; each province's result, or why it has none."""
    outcomes: dict[str, Result | ProvinceUnavailable] = {}

    async def one(province: str, client: NodeClient) -> None:
        try:
            outcomes[province] = await call(client)
        except ProvinceUnavailable as failure:
            outcomes[province] = failure
        except Exception:  # an answer nobody foresaw: that province is missing, the others still count
            _log.exception("the answer of province %s could not be used", province)
            outcomes[province] = ProvinceUnavailable(
                province, ErrorCode.NODE_BAD_RESPONSE, f"{province_name(province)}节点的应答无法识别"
            )

    async with anyio.create_task_group() as group:
        for province, client in clients.items():
            group.start_soon(one, province, client)
    return {province: outcomes[province] for province in sorted(outcomes)}
