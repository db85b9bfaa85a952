"""Who is calling: the peer a service token names, checked against the registry, and what it may do.

A token is trusted when its peer is registered, the token verifies with the peer's public key
(``exchange.protocol.service_tokens``) and the peer is not revoked — told only to the holder of its key: a
token that does not verify is refused alike whether its peer is revoked or not. Registry entries are cached for
``peer_cache_seconds`` so a busy relay does not read the registry on every request; revocation takes
effect within that time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from exchange.protocol.service_tokens import PeerKey, ServiceTokenError, token_peer, verify_service_token
from exchange.service.db.pool import Pool
from exchange.service.errors import ProvinceForbidden, Unauthenticated, echoed
from exchange.service.store.peers import Peer, PeerKind, get_peer


@dataclass(frozen=True, slots=True)
class _Entry:
    peer: Peer
    key: PeerKey | None  # None when the registered JWK is unusable
    fetched: float


class Authenticator:
    """Turns an ``Authorization`` header into the calling ``Peer``."""

    def __init__(self, pool: Pool, cache_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._pool = pool
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, _Entry] = {}

    async def peer(self, authorization: str | None) -> Peer:
        """The peer that signed the bearer token of ``authorization``; ``Unauthenticated`` otherwise."""
        if not authorization:
            raise Unauthenticated("TOKEN_MISSING", "缺少服务令牌：请求头应有 “Authorization: Bearer <服务令牌>”")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("TOKEN_MISSING", "Authorization 请求头应为 “Bearer <服务令牌>”")
        try:
            peer_id = token_peer(token)
        except ServiceTokenError as error:
            raise Unauthenticated(error.code, error.message) from error
        named = echoed(peer_id)  # what the caller wrote: repeated short, with no control character
        entry = await self._entry(peer_id)
        if entry is None:
            raise Unauthenticated("PEER_UNKNOWN", f"未登记的对等方：{named}", named=named)
        if entry.key is None:
            raise Unauthenticated("TOKEN_INVALID", f"对等方 {named} 登记的公钥无法使用", named=named)
        try:
            verify_service_token(token, entry.key)
        except ServiceTokenError as error:
            raise Unauthenticated(error.code, error.message, named=named) from error
        if entry.peer.revoked:
            raise Unauthenticated("PEER_REVOKED", f"对等方 {named} 的密钥已被吊销", named=named)
        return entry.peer

    async def _entry(self, peer_id: str) -> _Entry | None:
        now = self._clock()
        cached = self._cache.get(peer_id)
        if cached is not None and now - cached.fetched < self._cache_seconds:
            return cached
        async with self._pool.connection() as connection:
            peer = await get_peer(connection, peer_id)
        if peer is None:
            self._cache.pop(peer_id, None)
            return None
        try:
            key: PeerKey | None = PeerKey.from_jwk(peer.id, peer.public_jwk)
        except ValueError:
            key = None
        entry = _Entry(peer, key, now)
        self._cache[peer_id] = entry
        return entry


def acting_for(peer: Peer, province: str) -> None:
    """Claims and events: only a node, and only for a province it serves."""
    if peer.kind is not PeerKind.NODE:
        raise ProvinceForbidden("只有省级节点可以提交认领和事件")
    if province not in peer.provinces:
        raise ProvinceForbidden(f"节点 {peer.id} 不服务省份 {province}")


def reading(peer: Peer, province: str) -> None:
    """Reads about one province: the gateway, or a node serving it."""
    if peer.kind is PeerKind.NODE and province not in peer.provinces:
        raise ProvinceForbidden(f"节点 {peer.id} 不服务省份 {province}")


def gateway_only(peer: Peer, what: str) -> None:
    """Reads across every province: the gateway only."""
    if peer.kind is not PeerKind.GATEWAY:
        raise ProvinceForbidden(f"{what}仅限全国网关调用")
