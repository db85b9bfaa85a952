"""Code lists over HTTP, as every province app builds its drop-downs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from exchange.standard import NationalKey, profile
from province_node.app import create_app
from province_node.settings import NodeSettings, TenantSettings

pytestmark = pytest.mark.anyio
# Code lists need no database: the tenants point at a server that is not there.
NOWHERE = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"


def tenant(province: str) -> TenantSettings:
    return TenantSettings(province, profile("national"), NOWHERE, data_key=b"d" * 32, token_key=b"t" * 32)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    settings = NodeSettings(tenants=(tenant("42"), tenant("43")), national_key=NationalKey(b"k" * 32))
    transport = httpx.ASGITransport(app=create_app(settings, check_schema=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://node") as client:
        yield client


async def test_a_tenant_serves_the_code_lists_of_the_standard(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/p/43/graphql",
        json={"query": '{ codeList(name: "education") { name entries { code label labelEn aliases } } }'},
    )
    assert response.status_code == 200
    education = response.json()["data"]["codeList"]
    assert education["entries"][1] == {
        "code": "20",
        "label": "大学本科",
        "labelEn": "Undergraduate",
        "aliases": ["本科", "大学本科教育"],
    }


async def test_asking_for_several_lists_returns_them_in_order_and_skips_unknown_names(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/p/42/graphql", json={"query": '{ codeLists(names: ["gender", "nope", "province"]) { name } }'}
    )
    assert response.json()["data"]["codeLists"] == [{"name": "gender"}, {"name": "province"}]


async def test_an_unknown_list_is_null(client: httpx.AsyncClient) -> None:
    response = await client.post("/p/42/graphql", json={"query": '{ codeList(name: "nope") { name } }'})
    assert response.json()["data"] == {"codeList": None}


async def test_a_province_the_node_does_not_serve_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.post("/p/11/graphql", json={"query": "{ codeLists { name } }"})
    assert response.status_code == 404


async def test_healthz_reports_a_tenant_whose_database_is_unreachable(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert set(response.json()["tenants"]) == {"42", "43"}
    assert all(state.startswith("unavailable") for state in response.json()["tenants"].values())
