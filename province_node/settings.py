"""Configuration of a node process, read once from the environment.

    UNIONFED_TENANTS          province tenants and their profiles, e.g. "42:hubei,43:hunan,33:national"
    DATABASE_URL              the PostgreSQL server; each tenant gets database "unionfed_p<code>" on it
    UNIONFED_DATABASE_URL_<P> a tenant's own database URL instead (e.g. UNIONFED_DATABASE_URL_42)
    UNIONFED_NATIONAL_KEY     the national identity-token key (hex or base64, >= 32 bytes)
    UNIONFED_NODE_SECRET      the node's master secret (>= 32 bytes); per-tenant keys are derived from it:
                              a different encryption key for personal data and signing key for logins in
                              every tenant, so nothing of one province opens another
    UNIONFED_INTROSPECTION    "false" turns GraphQL introspection off (default on)
    UNIONFED_TOKEN_HOURS      lifetime of a login token (default 8)
    UNIONFED_IMPORT_DIR       where uploaded rosters and their error reports are kept while needed
    UNIONFED_EXCHANGE_URL     the national exchange (https; http only on this machine, e.g. http://127.0.0.1:8001);
                              unset: the node runs alone
    UNIONFED_NODE_ID          this node's id in the exchange's peer registry
    UNIONFED_NODE_KEY         this node's Ed25519 private key as a JWK (JSON), or UNIONFED_NODE_KEY_FILE
                              (default: "unionfed-imports" in the system's temporary folder)
    UNIONFED_GATEWAY_PUBLIC_KEY  the national gateway's public Ed25519 key as a JWK (JSON), or
                              UNIONFED_GATEWAY_PUBLIC_KEY_FILE; unset: identities forwarded by a gateway are
                              refused (``exchange.protocol.forwarded_identity``)
    UNIONFED_GATEWAY_ID       the gateway's peer id, the issuer of its tokens (default "gateway")

Settings are plain data; nothing connects to anything when they are read.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
import tempfile
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from exchange.protocol.service_tokens import PeerKey
from exchange.standard import NationalKey, NationalKeyError, code_list, profile
from exchange.standard.profiles import Profile
from unionfed.environment_settings import SettingsError as SettingsError
from unionfed.environment_settings import service_url

MIN_SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """Bounds on what one GraphQL request may ask for."""

    max_depth: int = 10
    max_aliases: int = 20
    max_tokens: int = 2_000
    max_page_size: int = 500
    max_result_objects: int = 50_000  # estimated before the query runs (``unionfed.graphql_result_size``)
    # Members looked up by ID number per caller an hour: a clerk checks a person at a time; trying out the
    # hidden digits of a masked number takes hundreds.
    id_number_lookups_per_hour: int = 60
    # The longest one SQL statement of a request may run, waits for locks included: the tenant's pool of
    # connections is shared, and a few costly questions must not hold all of it.
    statement_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class PasswordCost:
    """argon2id cost parameters (lowered only in tests)."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 2


@dataclass(frozen=True, slots=True)
class TenantSettings:
    """One province tenant: its database, its profile and its keys."""

    province: str
    profile: Profile
    database_url: str
    data_key: bytes = field(repr=False)
    token_key: bytes = field(repr=False)

    @property
    def name(self) -> str:
        """The province's name, e.g. 湖北省."""
        return code_list("province").label(self.province)


@dataclass(frozen=True, slots=True)
class ExchangeSettings:
    """Where the national exchange is and how this node signs its requests to it."""

    url: str
    key: PeerKey = field(repr=False)
    timeout: float = 5.0  # seconds for one request; a registration waits at most this for its claim
    relay_interval: float = 0.2  # seconds between outbox polls when idle
    claim_grace: float = 600.0  # seconds before a claim no member confirmed is released (none while importing)


@dataclass(frozen=True, slots=True)
class NodeSettings:
    """Everything a node process needs to know."""

    tenants: tuple[TenantSettings, ...]
    national_key: NationalKey
    introspection: bool = True
    token_lifetime: datetime.timedelta = datetime.timedelta(hours=8)
    limits: QueryLimits = QueryLimits()
    password_cost: PasswordCost = PasswordCost()
    import_folder: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "unionfed-imports")
    exchange: ExchangeSettings | None = None
    gateway: PeerKey | None = field(default=None, repr=False)  # the gateway whose forwarded identities are trusted
    # Seconds between background folds into the statistics rollups; None: folded only before a count.
    rollup_interval: float | None = 5.0

    def tenant(self, province: str) -> TenantSettings | None:
        """The tenant for a province code, if this node serves it."""
        return next((tenant for tenant in self.tenants if tenant.province == province), None)


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A 32-byte key for ``purpose`` (e.g. ``"pii:42"``) derived from the node secret with HKDF-SHA256."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"unionfed-node", info=purpose.encode()).derive(secret)


def tenant_database_url(server_url: str, province: str) -> str:
    """The URL of a tenant's database on ``server_url``, for SQLAlchemy with psycopg 3."""
    parts = urllib.parse.urlsplit(server_url)
    path = f"/unionfed_p{province}"
    return urllib.parse.urlunsplit(parts._replace(scheme="postgresql+psycopg", path=path))


def sqlalchemy_url(url: str) -> str:
    """A libpq URL (``postgresql://``) in the form SQLAlchemy uses for psycopg 3."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(scheme="postgresql+psycopg"))


def _secret(environ: Mapping[str, str], name: str) -> bytes:
    text = environ.get(name, "").strip()
    if not text:
        raise SettingsError(f"{name} is not set")
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        try:
            secret = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except ValueError as exc:
            raise SettingsError(f"{name} is neither hex nor base64") from exc
    if len(secret) < MIN_SECRET_BYTES:
        raise SettingsError(f"{name} must be at least {MIN_SECRET_BYTES} bytes")
    return secret


def _tenants(environ: Mapping[str, str], node_secret: bytes) -> tuple[TenantSettings, ...]:
    spec = environ.get("UNIONFED_TENANTS", "").strip()
    if not spec:
        raise SettingsError('UNIONFED_TENANTS is not set (e.g. "42:hubei,43:hunan")')
    server = environ.get("DATABASE_URL", "").strip()
    tenants = []
    for item in spec.split(","):
        province, _, profile_name = item.strip().partition(":")
        if code_list("province").get(province) is None:
            raise SettingsError(f"UNIONFED_TENANTS: {province!r} is not a province code")
        try:
            tenant_profile = profile(profile_name or "national")
        except LookupError as exc:
            raise SettingsError(f"UNIONFED_TENANTS: {exc}") from exc
        own_url = environ.get(f"UNIONFED_DATABASE_URL_{province}", "").strip()
        if not own_url and not server:
            raise SettingsError(f"neither UNIONFED_DATABASE_URL_{province} nor DATABASE_URL is set")
        tenants.append(
            TenantSettings(
                province=province,
                profile=tenant_profile,
                database_url=sqlalchemy_url(own_url) if own_url else tenant_database_url(server, province),
                data_key=derive_key(node_secret, f"pii:{province}"),
                token_key=derive_key(node_secret, f"login-token:{province}"),
            )
        )
    if len({tenant.province for tenant in tenants}) != len(tenants):
        raise SettingsError("UNIONFED_TENANTS names a province twice")
    return tuple(tenants)


def node_settings(environ: Mapping[str, str]) -> NodeSettings:
    """Read the node's settings from ``environ``; ``SettingsError`` says what is wrong."""
    try:
        national_key = NationalKey.from_text(environ.get("UNIONFED_NATIONAL_KEY", ""))
    except NationalKeyError as exc:
        raise SettingsError(f"UNIONFED_NATIONAL_KEY: {exc}") from exc
    node_secret = _secret(environ, "UNIONFED_NODE_SECRET")
    hours = environ.get("UNIONFED_TOKEN_HOURS", "8")
    if not hours.isdigit() or not 0 < int(hours) <= 24 * 7:
        raise SettingsError("UNIONFED_TOKEN_HOURS must be a whole number of hours between 1 and 168")
    folder = environ.get("UNIONFED_IMPORT_DIR", "").strip()
    settings = NodeSettings(
        rollup_interval=_rollup_interval(environ),
        tenants=_tenants(environ, node_secret),
        national_key=national_key,
        introspection=environ.get("UNIONFED_INTROSPECTION", "true").lower() not in {"0", "false", "no", "off"},
        token_lifetime=datetime.timedelta(hours=int(hours)),
    )
    settings = dataclasses.replace(settings, exchange=_exchange(environ), gateway=_gateway(environ))
    return dataclasses.replace(settings, import_folder=Path(folder)) if folder else settings


def _rollup_interval(environ: Mapping[str, str]) -> float | None:
    text = environ.get("UNIONFED_ROLLUP_SECONDS", "5").strip().lower()
    if text in {"0", "off", "no"}:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise SettingsError("UNIONFED_ROLLUP_SECONDS must be seconds between background folds (up to 3600), or off")
    return seconds


def _exchange(environ: Mapping[str, str]) -> ExchangeSettings | None:
    configured = environ.get("UNIONFED_EXCHANGE_URL", "").strip()
    if not configured:
        return None
    url = service_url("UNIONFED_EXCHANGE_URL", configured)
    node_id = environ.get("UNIONFED_NODE_ID", "").strip()
    if not node_id:
        raise SettingsError("UNIONFED_NODE_ID is not set (this node's id in the exchange's peer registry)")
    text = environ.get("UNIONFED_NODE_KEY", "").strip()
    key_file = environ.get("UNIONFED_NODE_KEY_FILE", "").strip()
    if not text and key_file:
        try:
            text = Path(key_file).read_text()
        except OSError as exc:
            raise SettingsError(f"UNIONFED_NODE_KEY_FILE: {exc}") from exc
    try:
        key = PeerKey.from_jwk(node_id, json.loads(text))
    except (ValueError, TypeError) as exc:
        raise SettingsError(f"UNIONFED_NODE_KEY: an Ed25519 private key as a JWK is needed ({exc})") from exc
    if "d" not in key.private_jwk():
        raise SettingsError("UNIONFED_NODE_KEY: the private key is needed, not only its public half")
    return ExchangeSettings(url=url, key=key)


def _gateway(environ: Mapping[str, str]) -> PeerKey | None:
    text = environ.get("UNIONFED_GATEWAY_PUBLIC_KEY", "").strip()
    key_file = environ.get("UNIONFED_GATEWAY_PUBLIC_KEY_FILE", "").strip()
    if not text and key_file:
        try:
            text = Path(key_file).read_text()
        except OSError as exc:
            raise SettingsError(f"UNIONFED_GATEWAY_PUBLIC_KEY_FILE: {exc}") from exc
    if not text:
        return None
    gateway_id = environ.get("UNIONFED_GATEWAY_ID", "gateway").strip() or "gateway"
    try:
        key = PeerKey.from_jwk(gateway_id, json.loads(text))
    except (ValueError, TypeError) as exc:
        raise SettingsError(f"UNIONFED_GATEWAY_PUBLIC_KEY: an Ed25519 public key as a JWK is needed ({exc})") from exc
    return PeerKey.from_jwk(gateway_id, key.public_jwk())  # only the public half is ever kept
