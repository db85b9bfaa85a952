"""National aggregates, kept by deltas, equal a count over the index rows."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.exchange.conftest import PeerClient, event, person, query

pytestmark = pytest.mark.anyio
GROUPINGS = {
    "gender": "gender",
    "birthYear": "birth_year::text",
    "education": "education",
    "status": "status",
}


async def mixed_history(hunan: PeerClient, hubei: PeerClient) -> None:
    """Registrations, changes, ends, a conflict handed over and a corrected token, in two provinces."""
    await hunan.claim("43", [person(n) for n in range(12)])
    await hunan.applied(
        "43", 1, *(event(person(n), "43", gender=str(n % 2 + 1), birth_year=1970 + n) for n in range(10))
    )
    await hubei.applied("42", 1, *(event(person(n), "42", gender="2", education="20") for n in range(8, 16)))
    await hunan.applied(
        "43",
        2,
        event(person(0), "43", "retired", gender="1"),
        event(person(1), "43", "ended"),
        event(person(20), "43", gender="1", previous=person(2)),
        event(person(9), "43", "ended"),  # hands person 9 over to Hubei
    )
    await hubei.applied("42", 2, event(person(8), "42", "reserved"), event(person(15), "42", "ended"))


def group_by(database_url: str, expression: str | None) -> list[dict[str, Any]]:
    """The same figures counted straight from the identity rows."""
    key = expression or "NULL"
    rows = query(
        database_url,
        f"SELECT province, {key}, count(*) FROM identity "  # noqa: S608
        "WHERE status IN ('active', 'retired', 'reserved', 'transferring_out') GROUP BY 1, 2",
    )
    return sorted(
        ({"province": p, "key": k, "count": c} for p, k, c in rows), key=lambda r: (r["province"], r["key"] or "")
    )


@pytest.mark.parametrize("grouping", [None, *GROUPINGS])
async def test_the_aggregates_equal_a_count_over_the_index_after_a_mixed_history(
    grouping: str | None, hunan: PeerClient, hubei: PeerClient, gateway: PeerClient, exchange_database_url: str
) -> None:
    await mixed_history(hunan, hubei)
    params = {"groupBy": grouping} if grouping else {}
    rows = (await gateway.get("/v1/aggregates", **params)).json()["rows"]
    expected = group_by(exchange_database_url, GROUPINGS[grouping] if grouping else None)
    assert sorted(rows, key=lambda r: (r["province"], r["key"] or "")) == expected


async def test_the_aggregates_carry_each_province_progress(hunan: PeerClient, gateway: PeerClient) -> None:
    await hunan.applied("43", 1, event(person(1), "43"))
    provinces = (await gateway.get("/v1/aggregates")).json()["provinces"]
    assert provinces["43"]["acknowledged"] == 1


async def test_a_node_may_read_the_national_aggregates(hunan: PeerClient) -> None:
    assert (await hunan.get("/v1/aggregates", groupBy="gender")).status_code == 200


async def test_an_unknown_grouping_is_refused(gateway: PeerClient) -> None:
    response = await gateway.get("/v1/aggregates", groupBy="shoeSize")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "groupBy"


async def test_a_dimension_that_is_not_a_code_of_the_standard_is_refused_and_never_shown_to_peers(
    hunan: PeerClient, hubei: PeerClient
) -> None:
    response = await hunan.send("43", 1, event(person(1), "43", education="张三 13800138000"))
    assert (response.status_code, response.json()["error"]["code"]) == (422, "REQUEST_INVALID")
    assert response.json()["error"]["field"] == "batches[0].events[0].dimensions.education"
    rows = (await hubei.get("/v1/aggregates", groupBy="education")).json()["rows"]
    assert rows == []
