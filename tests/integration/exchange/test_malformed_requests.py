"""Whatever a peer sends, the exchange answers with a coded JSON error, never a plain-text 500; refusals
are logged with their code, the peer, the path and the province."""

from __future__ import annotations

import logging

import pytest

from exchange.service.store import reads
from tests.integration.exchange.conftest import PeerClient, event, person, query

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("kind", [[], {}])
async def test_an_event_type_that_is_a_list_or_an_object_is_refused(hunan: PeerClient, kind: object) -> None:
    sent = event(person(1), "43")
    sent["type"] = kind
    response = await hunan.send("43", 1, sent)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "batches[0].events[0].type"


@pytest.mark.parametrize("dimensions", [0, []])
async def test_dimensions_that_are_not_an_object_are_refused_and_nothing_is_applied(
    hunan: PeerClient, exchange_database_url: str, dimensions: object
) -> None:
    sent = event(person(1), "43")
    sent["dimensions"] = dimensions
    response = await hunan.send("43", 1, sent)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "REQUEST_INVALID")
    assert query(exchange_database_url, "SELECT acknowledged FROM province_progress") in ([], [(0,)])


@pytest.mark.parametrize("path", ["/v1/claims", "/v1/events", "/v1/verifications"])
async def test_a_body_nested_a_hundred_thousand_deep_is_refused_as_invalid_json(hunan: PeerClient, path: str) -> None:
    response = await hunan.http.post(path, content=b"[" * 100_000, headers=hunan.headers())
    assert response.status_code == 422
    assert response.json()["error"] == {"code": "REQUEST_INVALID", "message": "请求体的 JSON 嵌套层数过多"}


@pytest.mark.parametrize(("path", "name"), [("/v1/conflicts", "after"), ("/v1/conflicts", "limit"),
                                            ("/v1/identities", "limit")])  # fmt: skip
async def test_a_superscript_digit_in_a_query_is_refused(hunan: PeerClient, path: str, name: str) -> None:
    response = await hunan.get(path, province="43", **{name: "²"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == name


async def test_an_unexpected_error_is_answered_as_a_coded_json_500_and_logged(
    hunan: PeerClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(reads, "progress", broken)
    with caplog.at_level(logging.ERROR, logger="exchange.service.app"):
        response = await hunan.get("/v1/progress", province="43")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL_ERROR"
    assert any(record.exc_info and "/v1/progress" in record.getMessage() for record in caplog.records)


async def test_a_refusal_is_logged_with_its_code_peer_path_and_province(
    hunan: PeerClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="exchange.service.app"):
        response = await hunan.send("43", 3, event(person(1), "43"))
    assert response.json()["error"]["code"] == "SEQUENCE_GAP"
    [logged] = [record.getMessage() for record in caplog.records if "refused" in record.getMessage()]
    assert all(part in logged for part in ("SEQUENCE_GAP", "node-hunan", "/v1/events", "province 43"))


async def test_a_two_megabyte_field_name_is_refused_in_a_short_answer_and_a_short_log_line(
    hunan: PeerClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="exchange.service.app"):
        response = await hunan.post("/v1/claims", {"province": "43", "tokens": [person(1)], "A" * 2_000_000: 1})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "REQUEST_INVALID")
    assert len(response.content) < 500
    assert max(len(record.getMessage()) for record in caplog.records) < 500
