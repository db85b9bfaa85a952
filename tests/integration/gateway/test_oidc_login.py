"""National callers from an OpenID Connect issuer: a real issuer (a small starlette app under uvicorn on a
free port) publishes its discovery document and key set; the gateway app finds the keys through discovery,
accepts the issuer's tokens carrying a national role, and refuses forged, expired, misdirected or role-less
ones."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from exchange.protocol.service_tokens import PeerKey
from gateway import GatewaySettings, create_app
from gateway.settings import OidcSettings
from tests.e2e.processes import free_port

pytestmark = pytest.mark.anyio
AUDIENCE = "unionfed-national"
ME = "{ me { subject role issuer } }"
PROVINCES = "{ provinces { province } }"


@dataclass
class Issuer:
    """The identity provider: its URL, its signing key, and how often its key set was fetched."""

    url: str
    key: RSAKey
    key_set_fetches: list[float] = field(default_factory=list)

    def token(self, *, key: RSAKey | None = None, lifetime: int = 300, **claims: Any) -> str:
        """An access token of this issuer (``claims`` override the defaults)."""
        now = int(time.time())
        body = {"iss": self.url, "aud": AUDIENCE, "sub": "zhang.wei", "iat": now, "exp": now + lifetime}
        body |= {"roles": ["national_viewer"]} | claims
        signer = key or self.key
        return jwt.encode({"alg": "RS256", "kid": signer.kid}, body, signer, algorithms=["RS256"])


def issuer_app(issuer: Issuer) -> Starlette:
    """The issuer's discovery document and key set (public halves only)."""

    async def discovery(request: Request) -> JSONResponse:
        return JSONResponse({"issuer": issuer.url, "jwks_uri": f"{issuer.url}/keys"})

    async def keys(request: Request) -> JSONResponse:
        issuer.key_set_fetches.append(time.monotonic())
        return JSONResponse({"keys": [issuer.key.as_dict(private=False)]})

    return Starlette(routes=[Route("/.well-known/openid-configuration", discovery), Route("/keys", keys)])


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    """The issuer served by uvicorn in a thread of this process, on a free port."""
    port = free_port()
    served = Issuer(f"http://127.0.0.1:{port}", RSAKey.generate_key(2048, parameters={"kid": "idp-2026"}))
    config = uvicorn.Config(
        issuer_app(served), host="127.0.0.1", port=port, lifespan="off", ws="none", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test issuer did not start")
        time.sleep(0.02)
    yield served
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def gateway(issuer: Issuer) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway app trusting the issuer, reaching it over real HTTP (no node is ever asked here)."""
    settings = GatewaySettings(
        nodes={"43": "http://127.0.0.1:9"},
        key=PeerKey.generate("gateway"),
        oidc=OidcSettings(issuer=issuer.url, audience=AUDIENCE),
    )
    async with httpx.AsyncHTTPTransport() as outbound:
        app = create_app(settings, transport=outbound)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            yield client


async def ask(gateway: httpx.AsyncClient, query: str, token: str) -> dict[str, Any]:
    """The whole response to ``query`` asked with ``token``."""
    response = await gateway.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    """The ``extensions.code`` of every error of a response."""
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_a_token_of_the_issuer_with_a_national_role_signs_the_caller_in(
    issuer: Issuer, gateway: httpx.AsyncClient
) -> None:
    body = await ask(gateway, ME, issuer.token(roles=["staff", "national_admin"]))
    assert body == {"data": {"me": {"subject": "zhang.wei", "role": "national_admin", "issuer": issuer.url}}}


async def test_the_key_set_is_fetched_once_for_many_tokens(issuer: Issuer, gateway: httpx.AsyncClient) -> None:
    before = len(issuer.key_set_fetches)
    for subject in ("li.na", "wang.fang", "liu.yang"):
        body = await ask(gateway, ME, issuer.token(sub=subject))
        assert body["data"]["me"]["subject"] == subject
    assert len(issuer.key_set_fetches) - before == 1  # each gateway app keeps the keys it fetched


async def test_a_token_signed_by_another_key_under_the_issuers_key_id_is_refused(
    issuer: Issuer, gateway: httpx.AsyncClient
) -> None:
    forger = RSAKey.generate_key(2048, parameters={"kid": str(issuer.key.kid)})
    body = await ask(gateway, PROVINCES, issuer.token(key=forger))
    assert (body["data"], codes(body)) == (None, ["UNAUTHENTICATED"])


@pytest.mark.parametrize(
    "claims",
    [{"aud": "another-application"}, {"lifetime": -120}, {"iss": "http://127.0.0.1:1"}],
    ids=["another audience", "expired", "another issuer"],
)
async def test_a_misdirected_or_expired_token_is_refused(
    issuer: Issuer, gateway: httpx.AsyncClient, claims: dict[str, Any]
) -> None:
    body = await ask(gateway, PROVINCES, issuer.token(**claims))
    assert (body["data"], codes(body)) == (None, ["UNAUTHENTICATED"])
    assert "zhang.wei" not in str(body)


async def test_a_token_without_a_national_role_is_refused(issuer: Issuer, gateway: httpx.AsyncClient) -> None:
    body = await ask(gateway, PROVINCES, issuer.token(roles=["province_admin"]))
    assert (body["data"], codes(body)) == (None, ["NOT_PERMITTED"])
