"""Service authentication and what each peer may do."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest

from exchange.protocol.service_tokens import PeerKey, service_token
from exchange.service.store.peers import PeerExists, PeerKind, ProvinceServed, add_peer, revoke_peer
from tests.integration.exchange.conftest import PeerClient, person

pytestmark = pytest.mark.anyio
CLAIM = {"province": "43", "tokens": [person(1)]}


async def code_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


async def test_a_request_without_a_token_is_refused(http: httpx.AsyncClient) -> None:
    assert await code_of(await http.post("/v1/claims", json=CLAIM)) == (401, "TOKEN_MISSING")


async def test_a_malformed_token_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.post("/v1/claims", json=CLAIM, headers={"Authorization": "Bearer not.a.jwt"})
    assert await code_of(response) == (401, "TOKEN_INVALID")


async def test_a_token_of_an_unknown_peer_is_refused(http: httpx.AsyncClient) -> None:
    token = service_token(PeerKey.generate("node-nowhere"))
    response = await http.post("/v1/claims", json=CLAIM, headers={"Authorization": f"Bearer {token}"})
    assert await code_of(response) == (401, "PEER_UNKNOWN")


async def test_a_token_signed_by_another_key_is_refused(hunan: PeerClient) -> None:
    forged = service_token(PeerKey.generate("node-hunan"))
    response = await hunan.http.post("/v1/claims", json=CLAIM, headers={"Authorization": f"Bearer {forged}"})
    assert await code_of(response) == (401, "TOKEN_INVALID")


async def test_an_expired_token_is_refused(hunan: PeerClient) -> None:
    old = service_token(hunan.key, now=time.time() - 3600)
    response = await hunan.http.post("/v1/claims", json=CLAIM, headers={"Authorization": f"Bearer {old}"})
    assert await code_of(response) == (401, "TOKEN_INVALID")


async def test_a_revoked_peer_is_refused(hunan: PeerClient, exchange_database_url: str) -> None:
    async with await psycopg.AsyncConnection.connect(exchange_database_url, autocommit=True) as connection:
        await revoke_peer(connection, "node-hunan")
    assert await code_of(await hunan.post("/v1/claims", CLAIM)) == (401, "PEER_REVOKED")


async def test_a_token_naming_a_revoked_peer_that_does_not_verify_is_refused_as_invalid_not_as_revoked(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    async with await psycopg.AsyncConnection.connect(exchange_database_url, autocommit=True) as connection:
        await revoke_peer(connection, "node-hunan")
    forged = service_token(PeerKey.generate("node-hunan"))
    response = await hunan.http.post("/v1/claims", json=CLAIM, headers={"Authorization": f"Bearer {forged}"})
    assert await code_of(response) == (401, "TOKEN_INVALID")
    assert "吊销" not in response.json()["error"]["message"]


async def test_the_name_of_an_unknown_peer_is_repeated_without_its_line_breaks(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = service_token(PeerKey.generate("x\nWARNING exchange.service.app: forged line"))
    with caplog.at_level(logging.WARNING, logger="exchange.service.app"):
        response = await http.post("/v1/claims", json=CLAIM, headers={"Authorization": f"Bearer {token}"})
    assert await code_of(response) == (401, "PEER_UNKNOWN")
    assert "\n" not in response.json()["error"]["message"]
    assert [record.getMessage().count("\n") for record in caplog.records] == [0]


async def test_a_forged_token_is_logged_with_the_peer_it_names(
    hunan: PeerClient, caplog: pytest.LogCaptureFixture
) -> None:
    forged = service_token(PeerKey.generate("node-hunan"))
    with caplog.at_level(logging.WARNING, logger="exchange.service.app"):
        await hunan.http.post("/v1/claims", json=CLAIM, headers={"Authorization": f"Bearer {forged}"})
    [logged] = [record.getMessage() for record in caplog.records]
    assert "TOKEN_INVALID (peer ? (kid node-hunan)" in logged


async def test_a_second_node_for_a_province_served_already_is_not_registered(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    jwk = PeerKey.generate("node-hunan-2").public_jwk()
    async with await psycopg.AsyncConnection.connect(exchange_database_url, autocommit=True) as connection:
        with pytest.raises(ProvinceServed, match="node-hunan"):
            await add_peer(connection, "node-hunan-2", PeerKind.NODE, ["42", "43"], jwk)
        cursor = await connection.execute("SELECT count(*) FROM peer WHERE id = 'node-hunan-2'")
        assert await cursor.fetchone() == (0,)


async def test_a_node_registered_again_under_its_own_id_is_told_it_exists(
    hunan: PeerClient, exchange_database_url: str
) -> None:
    jwk = PeerKey.generate("node-hunan").public_jwk()
    async with await psycopg.AsyncConnection.connect(exchange_database_url, autocommit=True) as connection:
        with pytest.raises(PeerExists):
            await add_peer(connection, "node-hunan", PeerKind.NODE, ["43"], jwk)


async def test_a_node_replacing_a_revoked_one_is_registered(hunan: PeerClient, exchange_database_url: str) -> None:
    jwk = PeerKey.generate("node-hunan-2").public_jwk()
    async with await psycopg.AsyncConnection.connect(exchange_database_url, autocommit=True) as connection:
        await revoke_peer(connection, "node-hunan")
        peer = await add_peer(connection, "node-hunan-2", PeerKind.NODE, ["43"], jwk)
    assert (peer.id, peer.provinces) == ("node-hunan-2", ("43",))


async def test_a_node_may_not_act_for_a_province_it_does_not_serve(hubei: PeerClient) -> None:
    response = await hubei.post("/v1/claims", CLAIM)
    assert await code_of(response) == (403, "PROVINCE_FORBIDDEN")
    assert "43" in response.json()["error"]["message"]


async def test_a_node_may_not_read_the_progress_of_another_province(hubei: PeerClient) -> None:
    assert await code_of(await hubei.get("/v1/progress", province="43")) == (403, "PROVINCE_FORBIDDEN")


async def test_the_gateway_may_not_send_claims_or_events(gateway: PeerClient) -> None:
    assert await code_of(await gateway.post("/v1/claims", CLAIM)) == (403, "PROVINCE_FORBIDDEN")


async def test_a_malformed_body_is_refused_with_a_chinese_message_and_the_index(hunan: PeerClient) -> None:
    response = await hunan.post("/v1/claims", {"province": "43", "tokens": [person(1), "ABC"]})
    assert await code_of(response) == (422, "REQUEST_INVALID")
    error = response.json()["error"]
    assert error["index"] == 1
    assert "身份令牌" in error["message"]


async def test_a_body_that_is_not_json_is_refused(hunan: PeerClient) -> None:
    response = await hunan.http.post("/v1/claims", content=b"{", headers=hunan.headers())
    assert await code_of(response) == (422, "REQUEST_INVALID")


@pytest.mark.parametrize("declared", [True, False], ids=["with its length", "chunked"])
async def test_a_body_over_sixteen_megabytes_is_refused(hunan: PeerClient, declared: bool) -> None:
    body = b" " * (16 * 1024**2 + 1)

    async def chunked() -> AsyncIterator[bytes]:
        yield body

    response = await hunan.http.post("/v1/events", content=body if declared else chunked(), headers=hunan.headers())
    assert await code_of(response) == (413, "REQUEST_TOO_LARGE")


async def test_an_unknown_endpoint_answers_in_the_error_format(http: httpx.AsyncClient) -> None:
    assert await code_of(await http.get("/v1/nothing")) == (404, "NOT_FOUND")
