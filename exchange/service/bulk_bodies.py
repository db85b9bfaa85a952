"""Events and claims requests read straight from their bodies by msgspec, the fields checked in C.

A relay's events request carries 5,000 events. Reading it as JSON and then checking it field by field in
Python (``wire.events_request``) cost the exchange ≈ 14 µs of its ≈ 35 µs of CPU an event under load; msgspec
decodes the body into the structures below, checking every type, code, range and length as it reads, for a
third of that (bench/exchange_stages.py). What the structures cannot say (an event's province is the
request's, a release ends the membership, tokens are lower-case hex, batches follow each other) is checked
afterwards, in one pass.

The structures only decide *whether* a body is good. A body they refuse is read again by ``wire``'s checks,
which say what is wrong and where, in Chinese, and which stay the definition of a good request: the
structures must refuse whatever the checks refuse, and refusing more only costs time (a UTF-16 body, an ISO
week date). tests/unit/exchange/test_bulk_bodies.py holds the two together.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Annotated, Any, Final, Literal

import msgspec
from msgspec import Meta
from msgspec.structs import astuple

from exchange.service import wire
from exchange.service.domain.model import DIMENSION_COLUMNS, NO_DIMENSIONS, IndexEvent, IndexStatus

_LOWER_HEX: Final = re.compile(r"[0-9a-f]*")
_ENDED: Final = IndexStatus.ENDED.value
# Every structure is a plain record (``gc=False``: no cycles, and tens of thousands less for the collector).
_RECORD: Final[dict[str, Any]] = {"forbid_unknown_fields": True, "gc": False, "rename": "camel"}


def _one_of(values: Iterable[str]) -> Any:
    """The type of a string that is one of ``values`` (a ``Literal``, which msgspec checks in C)."""
    return Literal.__getitem__(tuple(sorted(values)))


# A token's form is checked after reading, all tokens of a request at once (``_all_lower_hex``).
_Token = Annotated[str, Meta(min_length=64, max_length=64)]
_Province = _one_of(wire.PROVINCES)


def _dimension(codes: frozenset[str] | None) -> Any:
    """The type of a dimension's value: a code of its list, or a year in range for ``birthYear``."""
    if codes is None:
        return Annotated[int, Meta(ge=wire.FIRST_BIRTH_YEAR, le=wire.LAST_BIRTH_YEAR)]
    return _one_of(codes)


# The dimensions in ``Dimensions`` order, so that ``astuple`` makes the domain's tuple.
_Dimensions = msgspec.defstruct(
    "Dimensions",
    [
        (column, _dimension(codes) | None, None)
        for column, codes in zip(DIMENSION_COLUMNS, wire.DIMENSION_CODES, strict=True)
    ],
    **_RECORD,
)
_Event = msgspec.defstruct(
    "Event",
    [
        ("type", _one_of(wire.EVENT_TYPES)),
        ("token", _Token),
        ("province", str),
        ("status", _one_of(wire.EVENT_STATUS)),
        ("occurred_on", datetime.date),
        ("dimensions", _Dimensions | None, None),
        ("previous_token", _Token | None, None),
    ],
    **_RECORD,
)
_Batch = msgspec.defstruct(
    "Batch",
    [
        ("seq", Annotated[int, Meta(ge=1, le=wire.MAX_SEQ)]),
        ("events", Annotated[list[_Event], Meta(min_length=1, max_length=wire.MAX_EVENTS)]),  # type: ignore[valid-type]
        ("digest", _Token | None, None),
    ],
    **_RECORD,
)
_EventsBody = msgspec.defstruct(
    "EventsBody",
    [
        ("province", _Province),
        ("batches", Annotated[list[_Batch], Meta(min_length=1, max_length=wire.MAX_BATCHES)]),  # type: ignore[valid-type]
    ],
    **_RECORD,
)
_ClaimsBody = msgspec.defstruct(
    "ClaimsBody",
    [
        ("province", _Province),
        ("tokens", Annotated[list[_Token], Meta(min_length=1, max_length=wire.MAX_CLAIM_TOKENS)]),
    ],
    **_RECORD,
)
_EVENTS: Final = msgspec.json.Decoder(_EventsBody)
_CLAIMS: Final = msgspec.json.Decoder(_ClaimsBody)


def events_request(body: bytes) -> wire.EventsRequest:
    """The events request of ``body``, checked; refused with ``wire.events_request``'s ``InvalidRequest``."""
    try:
        read = _events(_EVENTS.decode(body))
    except (msgspec.DecodeError, RecursionError):  # msgspec's ValidationError is a DecodeError
        read = None
    return read or wire.events_request(wire.parse_json(body))


def claims_request(body: bytes) -> wire.ClaimsRequest:
    """The claims request of ``body``, checked; refused with ``wire.claims_request``'s ``InvalidRequest``."""
    try:
        province, tokens = astuple(_CLAIMS.decode(body))
    except (msgspec.DecodeError, RecursionError):
        tokens = []  # read again below
    if tokens and _all_lower_hex(tokens):
        return wire.ClaimsRequest(province, tokens)
    return wire.claims_request(wire.parse_json(body))


def _events(body: Any) -> wire.EventsRequest | None:
    """The request of a body the structures took, or ``None`` when a check across fields fails."""
    province, batches = astuple(body)
    parsed: list[wire.EventBatch] = []
    tokens: list[str] = []
    total = 0
    for batch in batches:
        seq, events, digest = astuple(batch)
        if parsed and seq != parsed[-1].seq + 1:
            return None
        total += len(events)
        if total > wire.MAX_EVENTS:
            return None
        if digest is not None:
            tokens.append(digest)
        indexed = []
        for event in events:
            kind, token, event_province, status, _, dimensions, previous = astuple(event)
            releases = kind == wire.CLAIM_RELEASED
            if event_province != province or (releases and status != _ENDED):
                return None
            tokens.append(token)
            if previous is not None:
                tokens.append(previous)
            known = NO_DIMENSIONS if dimensions is None else astuple(dimensions)
            indexed.append(IndexEvent(token, province, wire.EVENT_STATUS[status], known, previous, releases))
        parsed.append(wire.EventBatch(seq, indexed, digest))
    return wire.EventsRequest(province, parsed) if _all_lower_hex(tokens) else None


def _all_lower_hex(tokens: list[str]) -> bool:
    """True when every token (64 characters each, as read) is lower-case hex; one scan of them all."""
    return _LOWER_HEX.fullmatch("".join(tokens)) is not None
