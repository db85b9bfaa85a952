"""Asking every province node at once: each call runs in its own task, bounded by its node's deadline, and
a province that fails is reported, never allowed to fail or hold up the others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

import anyio

from gateway.domain.errors import ProvinceUnavailable
from gateway.nodes.client import NodeClient

Result = TypeVar("Result")


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

    async with anyio.create_task_group() as group:
        for province, client in clients.items():
            group.start_soon(one, province, client)
    return {province: outcomes[province] for province in sorted(outcomes)}
