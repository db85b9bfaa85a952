"""Requests are checked field by field; a refusal names the item and the field, in Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from exchange.service import wire
from exchange.service.domain.model import IndexStatus
from exchange.service.errors import InvalidRequest

TOKEN = "a" * 64


def good_event(**changes: Any) -> dict[str, Any]:
    event = {
        "type": "member.registered",
        "token": TOKEN,
        "province": "43",
        "status": "active",
        "occurredOn": "2026-11-22",
        "dimensions": {"gender": "1", "birthYear": 1980},
    }
    return {**event, **changes}


def refusal(document: Any) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as caught:
        wire.events_request(document)
    return caught.value


def test_a_well_formed_event_becomes_an_index_event() -> None:
    request = wire.events_request({"province": "43", "batches": [{"seq": 1, "events": [good_event()]}]})
    [event] = request.batches[0].events
    assert (event.token, event.status, event.dimensions[:2]) == (TOKEN, IndexStatus.ACTIVE, ("1", 1980))


def test_a_bad_token_in_a_claim_names_its_index() -> None:
    with pytest.raises(InvalidRequest) as caught:
        wire.claims_request({"province": "43", "tokens": [TOKEN, "A" * 64]})
    assert caught.value.details == {"index": 1, "field": "tokens[1]"}
    assert "十六进制" in caught.value.message


def test_more_than_five_thousand_tokens_are_refused() -> None:
    with pytest.raises(InvalidRequest, match="5000"):
        wire.claims_request({"province": "43", "tokens": [TOKEN] * 5001})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": "member.deleted"}, "type"),
        ({"token": "xyz"}, "token"),
        ({"province": "42"}, "province"),
        ({"status": "claimed"}, "status"),
        ({"occurredOn": "22/11/2026"}, "occurredOn"),
        ({"previousToken": "nope"}, "previousToken"),
        ({"dimensions": {"shoeSize": "42"}}, "dimensions.shoeSize"),
        ({"dimensions": {"gender": "x" * 33}}, "dimensions.gender"),
        ({"dimensions": {"birthYear": "1980"}}, "dimensions.birthYear"),
    ],
)
def test_each_bad_event_field_is_refused_by_name(changes: dict[str, Any], field: str) -> None:
    error = refusal({"province": "43", "batches": [{"seq": 5, "events": [good_event(), good_event(**changes)]}]})
    assert error.details == {"index": 0, "field": f"batches[0].events[1].{field}"}
    assert error.code == "REQUEST_INVALID"


def test_batches_must_be_contiguous() -> None:
    batches = [{"seq": 1, "events": [good_event()]}, {"seq": 3, "events": [good_event()]}]
    assert refusal({"province": "43", "batches": batches}).details["index"] == 1


def test_unknown_fields_are_refused() -> None:
    error = refusal({"province": "43", "batches": [{"seq": 1, "events": [good_event(name="张三")]}]})
    assert "name" in error.message


def test_an_unknown_province_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="省级行政区划代码"):
        wire.claims_request({"province": "99", "tokens": [TOKEN]})


def test_a_body_that_is_not_json_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="JSON"):
        wire.parse_json(b"{not json")


def test_a_verification_needs_a_purpose() -> None:
    with pytest.raises(InvalidRequest) as caught:
        wire.verification_request({"token": TOKEN, "purpose": "  "})
    assert caught.value.details == {"field": "purpose"}
