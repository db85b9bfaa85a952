"""The exchange's answers are compact JSON with Chinese written as itself (people read the refusals too)."""

from __future__ import annotations

import json

from exchange.service.api import Json


def test_an_answer_keeps_chinese_as_itself_and_is_compact() -> None:
    answer = Json({"error": {"code": "REQUEST_INVALID", "message": "请求体不是合法的 JSON"}, "next": None})
    assert answer.body == '{"error":{"code":"REQUEST_INVALID","message":"请求体不是合法的 JSON"},"next":null}'.encode()


def test_an_answer_reads_back_as_what_was_sent() -> None:
    content = {"results": [{"token": "a" * 64, "outcome": "conflict", "province": "42"}], "rows": {"43": 7}}
    assert json.loads(bytes(Json(content).body)) == content
    assert Json(content).headers["content-type"] == "application/json"
