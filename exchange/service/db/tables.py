"""Tables of the exchange's database (SQLAlchemy Core; the service writes them with plain SQL).

The schema is only changed by an Alembic migration (``migrations/versions``); a test checks that these
definitions and the migrated database agree.

- ``peer``: the registry of province nodes and gateways allowed to call, with their public keys;
- ``identity``: the national index, one row per person (token → home province, status, dimensions),
  hash-partitioned by token into ``IDENTITY_PARTITIONS`` partitions;
- ``province_progress``: per province, the last event batch applied (updated with the effects);
- ``applied_batch``: per province and seq, the digest of the batch the node sent, so a seq reused with
  other events is refused, not taken for a redelivery;
- ``conflict``: the same person current in two provinces; one open conflict per token and claimant;
- ``tally``: members by province and dimension, maintained by deltas with every change of the index;
- ``verification_log``: every 核查 answered, who asked and why.

Tokens are stored as their 32 bytes (``bytea``): half the key of every index on them. The API speaks hex;
the store converts (``store.tokens``).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    CHAR,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    LargeBinary,
    MetaData,
    SmallInteger,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

IDENTITY_PARTITIONS: Final = 16
NOW = text("now()")
INDEX_STATUSES: Final = ("claimed", "active", "retired", "reserved", "transferring_out", "ended")

metadata = MetaData()


def _status_check(column: str, name: str) -> CheckConstraint:
    listed = ", ".join(f"'{status}'" for status in INDEX_STATUSES)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


peer = Table(
    "peer",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("provinces", ARRAY(Text), nullable=False, server_default=text("'{}'::text[]")),
    Column("public_jwk", JSONB, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("kind IN ('node', 'gateway')", name="peer_kind"),
)

identity = Table(
    "identity",
    metadata,
    Column("token", LargeBinary, primary_key=True),
    Column("province", CHAR(2), nullable=False),
    Column("status", Text, nullable=False),
    Column("gender", Text),
    Column("birth_year", SmallInteger),
    Column("education", Text),
    Column("political_status", Text),
    Column("household_type", Text),
    Column("new_employment_form", Text),
    Column("org_level", Text),
    Column("union_type", Text),
    Column("unit_nature", Text),
    Column("claimed_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Column("last_seq", BigInteger),
    _status_check("status", "identity_status"),
    CheckConstraint("octet_length(token) = 32", name="identity_token_bytes"),
    # A province's rows, in two halves: a claim's row goes into one index besides the key, not two.
    Index("identity_registered", "province", "token", postgresql_where=text("status <> 'claimed'")),
    Index("identity_unconfirmed_claim", "province", "token", postgresql_where=text("status = 'claimed'")),
    postgresql_partition_by="HASH (token)",
)

province_progress = Table(
    "province_progress",
    metadata,
    Column("province", CHAR(2), primary_key=True),
    Column("acknowledged", BigInteger, nullable=False, server_default=text("0")),
    Column("events_applied", BigInteger, nullable=False, server_default=text("0")),
    Column("last_event_at", DateTime(timezone=True)),
)

applied_batch = Table(
    "applied_batch",
    metadata,
    Column("province", CHAR(2), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("digest", LargeBinary, nullable=False),
)

conflict = Table(
    "conflict",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("token", LargeBinary, nullable=False),
    Column("holder", CHAR(2), nullable=False),
    Column("claimant", CHAR(2), nullable=False),
    Column("claimant_status", Text, nullable=False),
    Column("claimant_dimensions", JSONB, nullable=False),
    Column("detected_at", DateTime(timezone=True), nullable=False, server_default=NOW),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolution", Text),
    Column("resolved_by", CHAR(2)),
    _status_check("claimant_status", "conflict_claimant_status"),
    CheckConstraint("holder <> claimant", name="conflict_two_provinces"),
    CheckConstraint("(resolved_at IS NULL) = (resolution IS NULL)", name="conflict_resolution_when_resolved"),
    Index(
        "conflict_open_token_claimant",
        "token",
        "claimant",
        unique=True,
        postgresql_where=text("resolved_at IS NULL"),
    ),
    Index("conflict_holder", "holder", "id"),
    Index("conflict_claimant", "claimant", "id"),
)

tally = Table(
    "tally",
    metadata,
    Column("province", CHAR(2), primary_key=True),
    Column("dimension", Text, primary_key=True),
    Column("code", Text, primary_key=True),
    Column("members", BigInteger, nullable=False),
)

verification_log = Table(
    "verification_log",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("peer", Text, nullable=False),
    Column("token", LargeBinary, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("member", Boolean, nullable=False),
    Column("province", CHAR(2)),
    Column("at", DateTime(timezone=True), nullable=False, server_default=NOW),
)
