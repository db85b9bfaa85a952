"""Configuration of the gateway process, read once from the environment.

    UNIONFED_GATEWAY_NODES        the node of every province, "<code>=<base URL>" comma-separated, e.g.
                                  "42=http://127.0.0.1:8002,43=http://127.0.0.1:8002" (one node process may
                                  serve several provinces; the gateway asks ``<base>/p/<code>/graphql``);
                                  every service URL here is https, or http only on this machine
    UNIONFED_EXCHANGE_URL         the national exchange; unset: no distinct persons, member location, verification
                                  or conflicts
    UNIONFED_GATEWAY_ID           the gateway's peer id at the exchange and towards nodes (default "gateway")
    UNIONFED_GATEWAY_KEY          the gateway's Ed25519 private key as a JWK (JSON), or UNIONFED_GATEWAY_KEY_FILE;
                                  signs its service tokens, its login tokens and the identities it forwards
    UNIONFED_NATIONAL_KEY         the national identity-token key (for locating members); optional
    UNIONFED_NODE_TIMEOUT         seconds a node may take to answer, retries included (default 2)
    UNIONFED_GATEWAY_ACCOUNTS     national demo accounts as JSON [{"username", "role", "passwordHash"}] (argon2
                                  hashes; ``unionfed gateway account`` makes one), or UNIONFED_GATEWAY_ACCOUNTS_FILE
    UNIONFED_OIDC_ISSUER          an OpenID Connect issuer whose tokens are accepted; with
    UNIONFED_OIDC_AUDIENCE        the audience they must carry (required with an issuer),
    UNIONFED_OIDC_JWKS_URL        its key set (default: discovered from the issuer's openid-configuration),
    UNIONFED_OIDC_ROLES_CLAIM     the claim listing the caller's roles (default "roles")
    UNIONFED_INTROSPECTION        "false" turns GraphQL introspection and GraphiQL off (default on)
    UNIONFED_TOKEN_HOURS          lifetime of a gateway login token (default 8)
    UNIONFED_ID_LOOKUPS_PER_HOUR  member locations and verifications (核查) one national caller may ask an hour
                                  (default 60)

Settings are plain data; nothing connects to anything when they are read.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exchange.protocol.forwarded_identity import NationalRole
from exchange.protocol.service_tokens import PeerKey
from exchange.standard import NationalKey, NationalKeyError, code_list
from gateway.domain.retry_policy import RetryPolicy
from unionfed.environment_settings import SettingsError as SettingsError
from unionfed.environment_settings import number_setting, service_url


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """Bounds on one GraphQL request (depth, aliases, tokens, the cost of fan-out fields) and on a caller's
    lookups by ID number an hour."""

    max_depth: int = 12
    max_aliases: int = 20
    max_tokens: int = 2_000
    max_cost: int = 100  # a field sent to every province costs one per province; a delegated one, one
    id_lookups_per_hour: int = 60  # member location and 核查, per national caller (``lookup_allowance``)


@dataclass(frozen=True, slots=True)
class NodePolicy:
    """How the gateway treats each node: deadline, retries, breaker."""

    timeout: float = 2.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    failure_threshold: int = 3
    reset_after: float = 10.0


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A national account of the gateway's own login (for the demo; real callers come by OIDC)."""

    username: str
    role: NationalRole
    password_hash: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class OidcSettings:
    """An OpenID Connect issuer whose ID or access tokens the gateway accepts."""

    issuer: str
    audience: str
    jwks_url: str | None = None
    roles_claim: str = "roles"


@dataclass(frozen=True, slots=True)
class GatewaySettings:
    """Everything a gateway process needs to know."""

    nodes: Mapping[str, str]  # province code -> the node's base URL
    key: PeerKey = field(repr=False)
    exchange_url: str | None = None
    national_key: NationalKey | None = field(default=None, repr=False)
    policy: NodePolicy = NodePolicy()
    limits: QueryLimits = QueryLimits()
    accounts: tuple[DemoAccount, ...] = ()
    oidc: OidcSettings | None = None
    introspection: bool = True
    token_lifetime: datetime.timedelta = datetime.timedelta(hours=8)

    def graphql_url(self, province: str) -> str:
        """The GraphQL endpoint of ``province``'s tenant."""
        return f"{self.nodes[province]}/p/{province}/graphql"


def _nodes(environ: Mapping[str, str]) -> dict[str, str]:
    spec = environ.get("UNIONFED_GATEWAY_NODES", "").strip()
    if not spec:
        raise SettingsError('UNIONFED_GATEWAY_NODES is not set (e.g. "42=http://127.0.0.1:8002")')
    nodes: dict[str, str] = {}
    for item in spec.split(","):
        province, _, url = item.strip().partition("=")
        province = province.strip()
        if code_list("province").get(province) is None:
            raise SettingsError(f"UNIONFED_GATEWAY_NODES: {province!r} is not a province code")
        if province in nodes:
            raise SettingsError(f"UNIONFED_GATEWAY_NODES names province {province} twice")
        nodes[province] = service_url("UNIONFED_GATEWAY_NODES", url)
    return nodes


def _text_or_file(environ: Mapping[str, str], name: str) -> str:
    text = environ.get(name, "").strip()
    path = environ.get(f"{name}_FILE", "").strip()
    if not text and path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SettingsError(f"{name}_FILE: {exc}") from exc
    return text


def _key(environ: Mapping[str, str]) -> PeerKey:
    gateway_id = environ.get("UNIONFED_GATEWAY_ID", "gateway").strip() or "gateway"
    text = _text_or_file(environ, "UNIONFED_GATEWAY_KEY")
    if not text:
        raise SettingsError("UNIONFED_GATEWAY_KEY (or UNIONFED_GATEWAY_KEY_FILE) is not set")
    try:
        key = PeerKey.from_jwk(gateway_id, json.loads(text))
    except (ValueError, TypeError) as exc:
        raise SettingsError(f"UNIONFED_GATEWAY_KEY: an Ed25519 private key as a JWK is needed ({exc})") from exc
    if "d" not in key.private_jwk():
        raise SettingsError("UNIONFED_GATEWAY_KEY: the private key is needed, not only its public half")
    return key


def _accounts(environ: Mapping[str, str]) -> tuple[DemoAccount, ...]:
    text = _text_or_file(environ, "UNIONFED_GATEWAY_ACCOUNTS")
    if not text:
        return ()
    try:
        entries: Any = json.loads(text)
        if not isinstance(entries, list):
            raise TypeError("a JSON list is needed")
        accounts = tuple(
            DemoAccount(username=str(e["username"]), role=NationalRole(e["role"]), password_hash=str(e["passwordHash"]))
            for e in entries
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise SettingsError(f"UNIONFED_GATEWAY_ACCOUNTS: {exc!r}") from exc
    if len({account.username.lower() for account in accounts}) != len(accounts):
        raise SettingsError("UNIONFED_GATEWAY_ACCOUNTS names a user twice")
    return accounts


def _oidc(environ: Mapping[str, str]) -> OidcSettings | None:
    issuer = environ.get("UNIONFED_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    audience = environ.get("UNIONFED_OIDC_AUDIENCE", "").strip()
    if not audience:
        raise SettingsError("UNIONFED_OIDC_AUDIENCE is needed with UNIONFED_OIDC_ISSUER")
    jwks = environ.get("UNIONFED_OIDC_JWKS_URL", "").strip()
    return OidcSettings(
        issuer=service_url("UNIONFED_OIDC_ISSUER", issuer),
        audience=audience,
        jwks_url=service_url("UNIONFED_OIDC_JWKS_URL", jwks) if jwks else None,
        roles_claim=environ.get("UNIONFED_OIDC_ROLES_CLAIM", "roles").strip() or "roles",
    )


def gateway_settings(environ: Mapping[str, str]) -> GatewaySettings:
    """Read the gateway's settings from ``environ``; ``SettingsError`` says what is wrong."""
    national_text = environ.get("UNIONFED_NATIONAL_KEY", "").strip()
    try:
        national_key = NationalKey.from_text(national_text) if national_text else None
    except NationalKeyError as exc:
        raise SettingsError(f"UNIONFED_NATIONAL_KEY: {exc}") from exc
    exchange = environ.get("UNIONFED_EXCHANGE_URL", "").strip()
    return GatewaySettings(
        nodes=_nodes(environ),
        key=_key(environ),
        exchange_url=service_url("UNIONFED_EXCHANGE_URL", exchange) if exchange else None,
        national_key=national_key,
        policy=NodePolicy(timeout=number_setting(environ, "UNIONFED_NODE_TIMEOUT", "2", 0.05, 60)),
        limits=QueryLimits(
            id_lookups_per_hour=int(number_setting(environ, "UNIONFED_ID_LOOKUPS_PER_HOUR", "60", 1, 100_000))
        ),
        accounts=_accounts(environ),
        oidc=_oidc(environ),
        introspection=environ.get("UNIONFED_INTROSPECTION", "true").lower() not in {"0", "false", "no", "off"},
        token_lifetime=datetime.timedelta(hours=number_setting(environ, "UNIONFED_TOKEN_HOURS", "8", 1, 168)),
    )
