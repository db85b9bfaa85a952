"""Requests are checked field by field; a refusal names the item and the field, in Chinese."""

from __future__ import annotations

import json
from typing import Any

import pytest

from exchange.service import wire
from exchange.service.domain.model import DIMENSION_WIRE_NAMES, IndexStatus
from exchange.service.errors import InvalidRequest
from exchange.service.settings import LARGEST_REQUEST_BYTES
from exchange.standard import code_list

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


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("education", "张三 13800138000"),
        ("unitNature", "420106199001011234"),
        ("gender", "3"),
        ("politicalStatus", "1"),  # the code is "01": the exchange takes codes exactly as the standard writes them
        ("orgLevel", "省级"),  # a label, not a code
    ],
)
def test_a_dimension_code_not_in_its_code_list_is_refused_naming_the_field(name: str, code: str) -> None:
    error = refusal({"province": "43", "batches": [{"seq": 1, "events": [good_event(dimensions={name: code})]}]})
    assert error.details == {"index": 0, "field": f"batches[0].events[0].dimensions.{name}"}
    assert error.code == "REQUEST_INVALID"


def test_a_refused_dimension_code_is_not_repeated_in_the_message() -> None:
    sent = good_event(dimensions={"education": "张三"})
    error = refusal({"province": "43", "batches": [{"seq": 1, "events": [sent]}]})
    assert "张三" not in error.message
    assert "education" in error.message


def test_every_dimension_but_the_birth_year_is_checked_against_a_code_list() -> None:
    assert set(wire.DIMENSION_CODE_LISTS) == set(DIMENSION_WIRE_NAMES) - {"birthYear"}


@pytest.mark.parametrize(("name", "list_name"), sorted(wire.DIMENSION_CODE_LISTS.items()))
def test_every_code_of_a_dimensions_code_list_is_accepted(name: str, list_name: str) -> None:
    codes = [entry.code for entry in code_list(list_name)]
    events = [good_event(dimensions={name: code}) for code in codes]
    request = wire.events_request({"province": "43", "batches": [{"seq": 1, "events": events}]})
    position = DIMENSION_WIRE_NAMES.index(name)
    assert [event.dimensions[position] for event in request.batches[0].events] == codes


def test_batches_must_be_contiguous() -> None:
    batches = [{"seq": 1, "events": [good_event()]}, {"seq": 3, "events": [good_event()]}]
    assert refusal({"province": "43", "batches": batches}).details["index"] == 1


def test_unknown_fields_are_refused() -> None:
    error = refusal({"province": "43", "batches": [{"seq": 1, "events": [good_event(name="张三")]}]})
    assert "name" in error.message


def test_an_unknown_field_name_is_repeated_cut_to_sixty_four_characters() -> None:
    with pytest.raises(InvalidRequest) as caught:
        wire.claims_request({"province": "43", "tokens": [TOKEN], "A" * 2_000_000: 1})
    assert "A" * 63 + "…" in caught.value.message
    assert len(caught.value.message) < 100


def test_at_most_ten_unknown_field_names_are_listed_then_how_many_there_are() -> None:
    unknown = {f"extra{n:02}": n for n in range(25)}
    with pytest.raises(InvalidRequest) as caught:
        wire.claims_request({"province": "43", "tokens": [TOKEN], **unknown})
    assert caught.value.message.endswith("extra09 等 25 个")
    assert "extra10" not in caught.value.message


def test_a_control_character_in_an_unknown_field_name_is_escaped() -> None:
    with pytest.raises(InvalidRequest) as caught:
        wire.claims_request({"province": "43", "tokens": [TOKEN], "x\nWARNING forged": 1})
    assert "\n" not in caught.value.message
    assert "x\\nWARNING forged" in caught.value.message


def test_an_unknown_event_type_is_repeated_cut_short() -> None:
    error = refusal({"province": "43", "batches": [{"seq": 1, "events": [good_event(type="t" * 1_000_000)]}]})
    assert error.message == "未知的事件类型：" + "t" * 63 + "…"


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


def test_a_purpose_holding_an_id_or_mobile_number_is_refused() -> None:
    with pytest.raises(InvalidRequest) as caught:
        wire.verification_request({"token": TOKEN, "purpose": "联系人电话 138 0013 8000"})
    assert caught.value.details == {"field": "purpose"}
    assert "身份证号码或手机号码" in caught.value.message


def test_a_purpose_with_dates_and_document_numbers_is_kept() -> None:
    purpose = "湘工发〔2024〕12号 2024-11-22 困难职工帮扶（全国用户 acftu_admin）"
    assert wire.verification_request({"token": TOKEN, "purpose": purpose}).purpose == purpose


@pytest.mark.parametrize("kind", [[], {}, 7])
def test_an_event_type_that_is_not_a_string_is_refused_naming_the_field(kind: object) -> None:
    error = refusal({"province": "43", "batches": [{"seq": 1, "events": [good_event(type=kind)]}]})
    assert error.details == {"index": 0, "field": "batches[0].events[0].type"}
    assert "未知的事件类型" in error.message


@pytest.mark.parametrize("dimensions", [0, [], "", False])
def test_dimensions_that_are_not_an_object_are_refused_not_taken_as_unknown(dimensions: object) -> None:
    error = refusal({"province": "43", "batches": [{"seq": 1, "events": [good_event(dimensions=dimensions)]}]})
    assert error.details["field"] == "batches[0].events[0].dimensions"
    assert error.message == "dimensions 应为 JSON 对象"


def test_null_or_empty_dimensions_are_all_unknown() -> None:
    nothing: tuple[dict[str, object] | None, ...] = (None, {})
    for dimensions in nothing:
        request = wire.events_request(
            {"province": "43", "batches": [{"seq": 1, "events": [good_event(dimensions=dimensions)]}]}
        )
        assert set(request.batches[0].events[0].dimensions) == {None}


def test_a_seq_beyond_a_bigint_is_refused() -> None:
    error = refusal({"province": "43", "batches": [{"seq": 2**63, "events": [good_event()]}]})
    assert error.details["field"] == "batches[0].seq"


def test_a_body_nested_too_deep_for_the_parser_is_refused_as_invalid_json() -> None:
    with pytest.raises(InvalidRequest, match="嵌套层数过多"):
        wire.parse_json(b"[" * 100_000)


@pytest.mark.parametrize("seq", ["18446744073709551617", "NaN", "1e400"])
def test_a_seq_the_fast_parser_refuses_is_still_refused_naming_the_seq(seq: str) -> None:
    body = json.dumps({"province": "43", "batches": [{"seq": 0, "events": [good_event()]}]}).replace(
        '"seq": 0', f'"seq": {seq}'
    )
    error = refusal(wire.parse_json(body.encode()))
    assert error.details["field"] == "batches[0].seq"


def test_a_body_in_utf_16_is_read_as_the_standard_library_reads_it() -> None:
    document = {"province": "43", "batches": [{"seq": 1, "events": [good_event()]}]}
    assert wire.events_request(wire.parse_json(json.dumps(document).encode("utf-16"))).batches[0].seq == 1


@pytest.mark.parametrize("value", ["²", "٣", "１", "", "-1", "99999"])
def test_a_page_size_that_is_not_plain_ascii_digits_in_range_is_refused(value: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        wire.limit(value)
    assert caught.value.details == {"field": "limit"}


@pytest.mark.parametrize("value", ["²", "٣", "１", "", "1" * 19])
def test_a_conflict_id_that_is_not_plain_ascii_digits_is_refused(value: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        wire.after_id(value)
    assert caught.value.details == {"field": "after"}


def test_a_claim_released_event_is_marked_as_releasing_a_claim() -> None:
    released = good_event(type="claim.released", status="ended")
    request = wire.events_request({"province": "43", "batches": [{"seq": 1, "events": [released, good_event()]}]})
    assert [event.releases_claim for event in request.batches[0].events] == [True, False]


@pytest.mark.parametrize("status", ["active", "retired", "reserved", "transferring_out"])
def test_a_claim_released_event_that_does_not_end_the_membership_is_refused(status: str) -> None:
    released = good_event(type="claim.released", status=status)
    error = refusal({"province": "43", "batches": [{"seq": 1, "events": [good_event(), released]}]})
    assert error.details == {"index": 0, "field": "batches[0].events[1].status"}
    assert "ended" in error.message


EVERY_DIMENSION = {
    "gender": "1",
    "birthYear": 1980,
    "education": "10",
    "politicalStatus": "01",
    "householdType": "1",
    "newEmploymentForm": "0",
    "orgLevel": "6",
    "unionType": "1",
    "unitNature": "05",
}


def body_bytes(event: dict[str, Any], count: int) -> int:
    """The size of an events request of ``count`` copies of ``event``, in batches of 100, as compact JSON."""
    batches = [{"seq": seq, "events": [event] * 100, "digest": TOKEN} for seq in range(1, count // 100 + 1)]
    return len(json.dumps({"province": "43", "batches": batches}, separators=(",", ":")).encode())


def test_thirty_eight_thousand_of_the_largest_events_fit_in_the_body_limit() -> None:
    largest = good_event(
        type="member.status_changed", status="transferring_out", previousToken=TOKEN, dimensions=EVERY_DIMENSION
    )
    assert body_bytes(largest, 38_000) <= LARGEST_REQUEST_BYTES


def test_fifty_thousand_registrations_with_every_dimension_are_over_the_body_limit() -> None:
    assert body_bytes(good_event(dimensions=EVERY_DIMENSION), wire.MAX_EVENTS) > LARGEST_REQUEST_BYTES
