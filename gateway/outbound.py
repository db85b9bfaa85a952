"""The gateway's outbound HTTP: a connection pool per province node, and a client for everything else (the
exchange, OpenID Connect keys).

A pool per node because httpcore walks every connection of a pool to place each request: one pool shared by
31 nodes made each national query cost more CPU in the pool than in the nodes' answers (bench/gateway.py).
Node requests go straight to the pool's transport rather than through an ``httpx.AsyncClient``: a national
question is 31 of them, and the client's layers (URL merging, auth and redirect handling, cookie
extraction), which the fan-out does not use, cost about a third of a millisecond of CPU each on top of the
transport's work (bench/README.md, Gateway). Node requests therefore take no proxy from the environment
(``HTTP_PROXY``): nodes are reached directly; the shared client still honours it for the exchange and OpenID
Connect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import anyio
import httpx

from gateway.settings import GatewaySettings

# What reading a peer's answer as JSON can raise: not JSON at all, or nested too deep for the parser.
UNREADABLE_JSON: Final = (ValueError, RecursionError)
# Enough for the statistics fan-out and a few concurrent lookups to one province without queueing.
CONNECTIONS_PER_NODE = 32


@dataclass(frozen=True, slots=True)
class Outbound:
    """The transports and client the gateway sends its requests through."""

    shared: httpx.AsyncClient
    nodes: Mapping[str, httpx.AsyncBaseTransport]
    any_node: httpx.AsyncBaseTransport | None = None  # for a node without a pool of its own

    @classmethod
    def open(cls, settings: GatewaySettings) -> Outbound:
        """A pool per node of ``settings`` and a shared client with the node deadline as timeout."""
        per_node = httpx.Limits(max_connections=CONNECTIONS_PER_NODE, max_keepalive_connections=CONNECTIONS_PER_NODE)
        return cls(
            shared=httpx.AsyncClient(timeout=settings.policy.timeout),
            nodes={province: httpx.AsyncHTTPTransport(limits=per_node) for province in settings.nodes},
        )

    @classmethod
    def through(cls, transport: httpx.AsyncBaseTransport) -> Outbound:
        """Everything through ``transport`` (tests give one of their own); its owner closes it."""
        return cls(shared=httpx.AsyncClient(transport=transport), nodes={}, any_node=transport)

    def for_node(self, province: str) -> httpx.AsyncBaseTransport:
        """The transport of ``province``'s node."""
        transport = self.nodes.get(province, self.any_node)
        if transport is None:
            raise KeyError(f"no connection pool for province {province}")
        return transport

    async def aclose(self) -> None:
        """Close every pool and the shared client."""
        with anyio.CancelScope(shield=True):
            for transport in self.nodes.values():
                await transport.aclose()
            await self.shared.aclose()
