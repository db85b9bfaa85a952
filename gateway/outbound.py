"""The gateway's outbound HTTP clients: a connection pool per province node, and one for everything else
(the exchange, OpenID Connect keys).

A pool per node because httpcore walks every connection of a pool to place each request: one pool shared by
31 nodes made each national query cost more CPU in the pool than in the nodes' answers (bench/gateway.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import anyio
import httpx

from gateway.settings import GatewaySettings

# Enough for the statistics fan-out and a few concurrent lookups to one province without queueing.
CONNECTIONS_PER_NODE = 32


@dataclass(frozen=True, slots=True)
class Outbound:
    """The clients the gateway sends its requests through."""

    shared: httpx.AsyncClient
    nodes: Mapping[str, httpx.AsyncClient]

    @classmethod
    def open(cls, settings: GatewaySettings) -> Outbound:
        """A pool per node of ``settings`` and a shared one, all with the node deadline as timeout."""
        timeout = settings.policy.timeout
        per_node = httpx.Limits(max_connections=CONNECTIONS_PER_NODE, max_keepalive_connections=CONNECTIONS_PER_NODE)
        return cls(
            shared=httpx.AsyncClient(timeout=timeout),
            nodes={province: httpx.AsyncClient(timeout=timeout, limits=per_node) for province in settings.nodes},
        )

    @classmethod
    def through(cls, http: httpx.AsyncClient) -> Outbound:
        """Everything through ``http`` (tests give a client with their own transport)."""
        return cls(shared=http, nodes={})

    def for_node(self, province: str) -> httpx.AsyncClient:
        """The client of ``province``'s node."""
        return self.nodes.get(province, self.shared)

    async def aclose(self) -> None:
        """Close every client (the shared one last, and only once)."""
        with anyio.CancelScope(shield=True):
            for client in self.nodes.values():
                await client.aclose()
            await self.shared.aclose()
