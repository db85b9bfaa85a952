"""The bulk requests read by msgspec against ``wire``'s checks: the same request from a good body, the same
refusal (message, item, field) from a bad one, whether the typed reading or a check across fields catches it.

The property tests build requests field by field from good and bad values (unknown codes, wrong types, upper
case hex, another province, a release that does not end, gaps in the seqs, missing and extra fields) and
require the two readings to agree on each.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.service import bulk_bodies, wire
from exchange.service.domain.model import DIMENSION_WIRE_NAMES
from exchange.service.errors import InvalidRequest
from exchange.standard.events import MemberEventType

TOKEN: Final = "0123456789abcdef" * 4
OTHER_TOKEN: Final = "f" * 64
UPPER_TOKEN: Final = TOKEN.upper()
ABSENT: Final = object()  # a field left out of the event


def body(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def outcome(read: Callable[[], object]) -> object:
    """What a reading makes of a body: the request, or the refusal's message and details."""
    try:
        return read()
    except InvalidRequest as refusal:
        return ("refused", refusal.message, refusal.details)


def event(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "type": "member.registered",
        "token": TOKEN,
        "province": "43",
        "status": "active",
        "occurredOn": "2026-11-22",
        "dimensions": {"gender": "1", "birthYear": 1980, "education": "20", "unitNature": "05"},
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not ABSENT}


def events_document(*events: dict[str, object], seq: object = 1, province: object = "43") -> dict[str, object]:
    return {"province": province, "batches": [{"seq": seq, "events": list(events)}]}


def read_both(document: object) -> tuple[object, object]:
    sent = body(document)
    return (
        outcome(lambda: bulk_bodies.events_request(sent)),
        outcome(lambda: wire.events_request(wire.parse_json(sent))),
    )


def test_a_relay_request_reads_as_the_checks_read_it() -> None:
    document = {
        "province": "43",
        "batches": [
            {"seq": 7, "digest": OTHER_TOKEN, "events": [event(), event(token=OTHER_TOKEN, dimensions=None)]},
            {
                "seq": 8,
                "events": [
                    event(type="claim.released", status="ended", dimensions={}),
                    event(type="member.updated", status="retired", previousToken=OTHER_TOKEN, dimensions=ABSENT),
                ],
            },
        ],
    }
    bulk, checked = read_both(document)
    assert isinstance(bulk, wire.EventsRequest)
    assert bulk == checked
    assert [event.releases_claim for event in bulk.batches[1].events] == [True, False]


def test_every_dimension_arrives_in_the_domains_order() -> None:
    every = {
        "gender": "2", "birthYear": 1990, "education": "10", "politicalStatus": "01", "householdType": "1",
        "newEmploymentForm": "0", "orgLevel": "6", "unionType": "1", "unitNature": "05",
    }  # fmt: skip
    request = bulk_bodies.events_request(body(events_document(event(dimensions=every))))
    assert request.batches[0].events[0].dimensions == tuple(every[name] for name in DIMENSION_WIRE_NAMES)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(events_document(event(province="42")), id="an event of another province"),
        pytest.param(events_document(event(type="claim.released", status="active")), id="a release that goes on"),
        pytest.param(events_document(event(token=UPPER_TOKEN)), id="an upper-case token"),
        pytest.param(events_document(event(previousToken=UPPER_TOKEN)), id="an upper-case previous token"),
        pytest.param(
            {"province": "43", "batches": [{"seq": 1, "digest": UPPER_TOKEN, "events": [event()]}]},
            id="an upper-case digest",
        ),
        pytest.param(
            {"province": "43", "batches": [{"seq": 1, "events": [event()]}, {"seq": 3, "events": [event()]}]},
            id="a gap between batches",
        ),
        pytest.param(events_document(event(dimensions={"gender": "3"})), id="a code not in its list"),
        pytest.param(events_document(event(dimensions={"shoeSize": "42"})), id="an unknown dimension"),
        pytest.param(events_document(event(dimensions={"birthYear": 1899})), id="a birth year out of range"),
        pytest.param(events_document(event(dimensions=[])), id="dimensions not an object"),
        pytest.param(events_document(event(name="张三")), id="an unknown field"),
        pytest.param(events_document(event(token=ABSENT)), id="a missing token"),
        pytest.param(events_document(event(), seq=True), id="a seq that is true"),
        pytest.param(events_document(event(), seq=1.0), id="a seq that is a float"),
        pytest.param(events_document(event(), seq=2**63), id="a seq past a bigint"),
        pytest.param(events_document(event(occurredOn="2026-02-30")), id="a day that does not exist"),
        pytest.param(events_document(event(), province="99"), id="an unknown province"),
        pytest.param({"province": "43", "batches": []}, id="no batches"),
    ],
)
def test_a_bad_request_is_refused_as_the_checks_refuse_it(document: object) -> None:
    bulk, checked = read_both(document)
    assert bulk == checked
    assert isinstance(bulk, tuple)
    assert bulk[0] == "refused"


def test_more_events_than_a_request_holds_are_refused_as_the_checks_refuse_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(wire, "MAX_EVENTS", 3)  # both readings take the limit from wire when they count
    document = {"province": "43", "batches": [{"seq": n, "events": [event(), event()]} for n in (1, 2)]}
    bulk, checked = read_both(document)
    assert bulk == checked
    assert bulk == ("refused", "一次请求最多 3 个事件", {"index": 1, "field": "batches[1].events"})


def test_a_body_only_the_standard_library_reads_is_still_accepted() -> None:
    document = events_document(event())
    request = bulk_bodies.events_request(json.dumps(document).encode("utf-16"))
    assert request == wire.events_request(document)


def test_a_date_msgspec_does_not_read_but_the_checks_take_is_still_accepted() -> None:
    bulk, checked = read_both(events_document(event(occurredOn="2026-W47-2")))  # an ISO week date
    assert isinstance(bulk, wire.EventsRequest)
    assert bulk == checked


def test_claims_read_as_the_checks_read_them() -> None:
    document = {"province": "43", "tokens": [TOKEN, OTHER_TOKEN]}
    assert bulk_bodies.claims_request(body(document)) == wire.claims_request(document)


@pytest.mark.parametrize(
    "tokens",
    [[TOKEN, UPPER_TOKEN], [TOKEN, "abc"], [], [TOKEN] * (wire.MAX_CLAIM_TOKENS + 1), [TOKEN, None]],
    ids=["upper case", "short", "none", "too many", "null"],
)
def test_a_bad_claim_is_refused_as_the_checks_refuse_it(tokens: list[object]) -> None:
    sent = body({"province": "43", "tokens": tokens})
    bulk = outcome(lambda: bulk_bodies.claims_request(sent))
    assert bulk == outcome(lambda: wire.claims_request(wire.parse_json(sent)))
    assert isinstance(bulk, tuple)


# -- properties ------------------------------------------------------------------------------------

CODES: Final = st.sampled_from(["1", "2", "3", "01", "10", "20", "05", "6", "0", "99", "", "张三", 1, None, True])
YEARS: Final = st.sampled_from([1900, 1980, 2100, 1899, 2101, "1980", 1980.0, None, False])
DIMENSIONS: Final = st.one_of(
    st.dictionaries(
        st.sampled_from([*DIMENSION_WIRE_NAMES, "shoeSize"]),
        CODES,
        max_size=4,
    ).flatmap(
        lambda chosen: st.just(chosen) if "birthYear" in chosen else YEARS.map(lambda y: {**chosen, "birthYear": y})
    ),
    st.sampled_from([None, {}, [], "1", 0]),
)
RARELY: Final = st.sampled_from([False] * 5 + [True])  # hypothesis favours the first values listed
TOKENS: Final = st.sampled_from([UPPER_TOKEN, OTHER_TOKEN, TOKEN, "xyz", "g" * 64, None, 7])
FIELD_VALUES: Final = {
    "type": st.sampled_from(["claim.released", *(kind.value for kind in MemberEventType), "member.deleted", 1, None]),
    "token": TOKENS,
    "province": st.sampled_from(["42", "43", 43, None]),
    "status": st.sampled_from(["active", "ended", "retired", "reserved", "transferring_out", "claimed", "x"]),
    "occurredOn": st.sampled_from(["2026-11-22", "2026-02-30", "2026-W47-2", "20261122", 20261122, "2026-11-22T0"]),
    "dimensions": DIMENSIONS,
    "previousToken": TOKENS,
    "name": st.just("张三"),
}


@st.composite
def events(draw: st.DrawFn) -> dict[str, object]:
    """A good event, or one with a field or two changed: another value, good or bad, or left out."""
    starts: list[dict[str, object]] = [{}, {"dimensions": None}, {"type": "claim.released", "status": "ended"}]
    chosen = event(**draw(st.sampled_from(starts)))
    for _ in range(draw(st.sampled_from([0] * 6 + [1] * 3 + [2]))):
        name = draw(st.sampled_from(sorted(FIELD_VALUES)))
        if draw(RARELY):
            chosen.pop(name, None)
        else:
            chosen[name] = draw(FIELD_VALUES[name])
    return chosen


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    """One to three batches of good or changed events; now and then a bad seq, digest or province."""
    first = draw(st.sampled_from([1] * 15 + [0, True, 1.5, "1", 2**63]))
    batches: list[dict[str, object]] = []
    for n in range(draw(st.integers(1, 3))):
        seq = first + n if type(first) is int else first
        if draw(RARELY):
            seq = draw(st.sampled_from([0, 5, -1, None]))
        batch: dict[str, object] = {
            "seq": seq,
            "events": draw(st.lists(events(), min_size=draw(st.sampled_from([1] * 9 + [0])), max_size=4)),
        }
        if draw(st.booleans()):
            batch["digest"] = draw(TOKENS)
        batches.append(batch)
    return {"province": draw(st.sampled_from(["43"] * 18 + ["99", 43])), "batches": batches}


@settings(max_examples=400, deadline=None)
@given(requests())
def test_every_request_reads_the_same_both_ways(document: dict[str, Any]) -> None:
    bulk, checked = read_both(document)
    assert bulk == checked


@settings(max_examples=200, deadline=None)
@given(st.lists(TOKENS, min_size=0, max_size=5), st.sampled_from(["43", "99", None]))
def test_every_claim_reads_the_same_both_ways(tokens: list[object], province: object) -> None:
    sent = body({"province": province, "tokens": tokens})
    bulk = outcome(lambda: bulk_bodies.claims_request(sent))
    assert bulk == outcome(lambda: wire.claims_request(wire.parse_json(sent)))
