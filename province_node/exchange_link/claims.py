"""Claims of a bulk import: each chunk's people asked of the exchange in one request before they are
written, from the import's writer thread (which has no event loop of its own)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from province_node.exchange_link.client import ClaimAnswer, ExchangeClient, ExchangeRefused, ExchangeUnavailable
from province_node.settings import ExchangeSettings

ChunkClaims = Callable[[Sequence[str]], dict[str, ClaimAnswer] | None]
_log = logging.getLogger(__name__)


def chunk_claims(settings: ExchangeSettings | None, province: str) -> ChunkClaims | None:
    """A function claiming a chunk's tokens for ``province``; it answers None when the exchange cannot, and
    the chunk's new members are then kept pending check. None when the node runs without an exchange."""
    if settings is None:
        return None

    async def ask(tokens: Sequence[str]) -> dict[str, ClaimAnswer]:
        async with ExchangeClient(settings) as client:
            return await client.claim(province, tokens)

    def claim(tokens: Sequence[str]) -> dict[str, ClaimAnswer] | None:
        try:
            return asyncio.run(ask(tokens))
        except (ExchangeUnavailable, ExchangeRefused) as exc:
            _log.warning("province %s: import claims not answered, new members kept pending check: %s", province, exc)
            return None

    return claim
