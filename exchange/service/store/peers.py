"""The peer registry: the province nodes and gateways the exchange accepts service tokens from."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from psycopg.types.json import Jsonb

from exchange.service.db.pool import Connection

_COLUMNS: Final = "id, kind, provinces, public_jwk, registered_at, revoked_at"
_LOCK_REGISTRY: Final = "SELECT pg_advisory_xact_lock(hashtext('unionfed-peer-registry'))"
_NODES_SERVING: Final = """
SELECT id, province FROM peer, unnest(provinces) AS province
WHERE kind = 'node' AND revoked_at IS NULL AND province = ANY(%s) AND id <> %s ORDER BY id, province LIMIT 1
"""


class PeerKind(StrEnum):
    """What a peer is."""

    NODE = "node"  # a province node: acts for the provinces it serves
    GATEWAY = "gateway"  # the national gateway: reads across provinces, acts for none


@dataclass(frozen=True, slots=True)
class Peer:
    """A registered peer."""

    id: str
    kind: PeerKind
    provinces: tuple[str, ...]
    public_jwk: dict[str, Any] = field(repr=False)
    registered_at: datetime.datetime | None = None
    revoked_at: datetime.datetime | None = None

    @property
    def revoked(self) -> bool:
        """True once ``peers revoke`` was run for it."""
        return self.revoked_at is not None


class PeerRefused(ValueError):
    """A peer that cannot be registered; the message says why."""


class PeerExists(PeerRefused):
    """A peer of that id is already registered."""


class ProvinceServed(PeerRefused):
    """Another node, not revoked, serves one of the provinces: a province's batches are one sequence."""


def _peer(record: Sequence[Any]) -> Peer:
    peer_id, kind, provinces, jwk, registered_at, revoked_at = record
    return Peer(peer_id, PeerKind(kind), tuple(provinces), dict(jwk), registered_at, revoked_at)


async def get_peer(connection: Connection, peer_id: str) -> Peer | None:
    """The peer of ``peer_id``, revoked or not."""
    cursor = await connection.execute(f"SELECT {_COLUMNS} FROM peer WHERE id = %s", (peer_id,))  # noqa: S608
    record = await cursor.fetchone()
    return _peer(record) if record else None


async def list_peers(connection: Connection) -> list[Peer]:
    """Every registered peer, by id."""
    cursor = await connection.execute(f"SELECT {_COLUMNS} FROM peer ORDER BY id")  # noqa: S608
    return [_peer(record) for record in await cursor.fetchall()]


async def add_peer(
    connection: Connection, peer_id: str, kind: PeerKind, provinces: Sequence[str], public_jwk: dict[str, Any]
) -> Peer:
    """Register a peer; ``PeerExists`` when the id is taken (a revoked id is not reused), ``ProvinceServed``
    when a node not revoked serves one of its provinces already (to replace a node, revoke it first)."""
    async with connection.transaction():
        await connection.execute(_LOCK_REGISTRY)  # two registrations of one province: one after the other
        if kind is PeerKind.NODE:
            cursor = await connection.execute(_NODES_SERVING, (list(provinces), peer_id))
            served = await cursor.fetchone()
            if served is not None:
                raise ProvinceServed(
                    f"province {served[1]} is served by node {served[0]!r} already; to replace that node, "
                    f"revoke it first (unionfed exchange peers revoke {served[0]})"
                )
        cursor = await connection.execute(
            f"INSERT INTO peer (id, kind, provinces, public_jwk) VALUES (%s, %s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (id) DO NOTHING RETURNING {_COLUMNS}",
            (peer_id, kind.value, list(provinces), Jsonb(public_jwk)),
        )
        record = await cursor.fetchone()
    if record is None:
        raise PeerExists(f"peer {peer_id!r} is already registered")
    return _peer(record)


async def revoke_peer(connection: Connection, peer_id: str) -> bool:
    """Revoke a peer's key; False when there is no such peer. Revoking twice keeps the first time."""
    cursor = await connection.execute(
        "UPDATE peer SET revoked_at = coalesce(revoked_at, now()) WHERE id = %s RETURNING id", (peer_id,)
    )
    return await cursor.fetchone() is not None
