"""The exchange API's request bodies and query parameters, checked field by field (PROTOCOL.md).

Every function takes what came over the wire (parsed JSON, query strings) and returns domain objects or
raises ``InvalidRequest`` naming the item (``index``) and the field. These checks define a good request. The
two bulk requests (events, claims) are first read by ``bulk_bodies`` in C, which comes here only for a body it
refuses, to say what is wrong; a good events or claims request never runs them.
"""

from __future__ import annotations

import datetime
import heapq
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

import msgspec

from exchange.service.domain.model import DIMENSION_WIRE_NAMES, EVENT_STATUSES, Dimensions, IndexEvent, IndexStatus
from exchange.service.domain.tally import GROUPINGS
from exchange.service.errors import InvalidRequest, echoed
from exchange.standard import code_list
from exchange.standard.events import MemberEventType
from exchange.standard.personal_numbers import mentions_personal_number

MAX_CLAIM_TOKENS: Final = 5_000
MAX_BATCHES: Final = 500
MAX_EVENTS: Final = 50_000  # the app's 16 MB body limit is checked first and binds first: ~38,000 events of ~440 B
MAX_PURPOSE_LENGTH: Final = 200
LISTED_NAMES: Final = 10  # unknown field names a refusal lists
DEFAULT_PAGE: Final = 1_000
MAX_PAGE: Final = 10_000
MAX_SEQ: Final = 2**63 - 1  # a bigint
CONFLICT_STATES: Final = ("open", "resolved", "all")
FIRST_BIRTH_YEAR: Final = 1900
LAST_BIRTH_YEAR: Final = 2100

_TOKEN = re.compile(r"[0-9a-f]{64}")
PROVINCES: Final = frozenset(entry.code for entry in code_list("province"))
EVENT_TYPES: Final = frozenset(event_type.value for event_type in MemberEventType)
CLAIM_RELEASED: Final = MemberEventType.CLAIM_RELEASED.value
EVENT_STATUS: Final = {status.value: status for status in EVENT_STATUSES}
_EVENT_KEYS: Final = frozenset({"type", "token", "province", "status", "occurredOn", "dimensions", "previousToken"})
_EVENT_REQUIRED: Final = _EVENT_KEYS - {"previousToken", "dimensions"}
_DIMENSION_POSITION: Final = {name: position for position, name in enumerate(DIMENSION_WIRE_NAMES)}
# The standard's code list of each coded dimension (``birthYear`` is a year, checked as a range). The
# profiles of the standard only choose required fields, they add no codes: the national lists are the union.
DIMENSION_CODE_LISTS: Final = {
    "gender": "gender",
    "education": "education",
    "politicalStatus": "political_status",
    "householdType": "household_type",
    "newEmploymentForm": "new_employment_form",
    "orgLevel": "org_level",
    "unionType": "union_type",
    "unitNature": "unit_nature",
}
# The codes each dimension accepts, by position in ``Dimensions`` (``None`` for ``birthYear``): one set
# lookup per dimension of an event.
DIMENSION_CODES: Final = tuple(
    None if name == "birthYear" else frozenset(entry.code for entry in code_list(DIMENSION_CODE_LISTS[name]))
    for name in DIMENSION_WIRE_NAMES
)
_NONE: Final[Dimensions] = (None,) * len(DIMENSION_WIRE_NAMES)


@dataclass(frozen=True, slots=True)
class ClaimsRequest:
    """``POST /v1/claims``."""

    province: str
    tokens: list[str]


@dataclass(frozen=True, slots=True)
class EventBatch:
    """One outbox batch of a province."""

    seq: int
    events: list[IndexEvent]
    digest: str | None = None  # SHA-256 of the events, as the node keeps them: tells a redelivery from a reuse


@dataclass(frozen=True, slots=True)
class EventsRequest:
    """``POST /v1/events``: contiguous batches in ascending ``seq``."""

    province: str
    batches: list[EventBatch]


@dataclass(frozen=True, slots=True)
class VerificationRequest:
    """``POST /v1/verifications``."""

    token: str
    purpose: str


def parse_json(body: bytes) -> Any:
    """The JSON document of a request body (one nested too deep for the parser is refused too).

    msgspec reads it, as it reads the bulk requests (``bulk_bodies``). Some bodies the standard library reads,
    msgspec refuses (``NaN``, UTF-16, a lone surrogate, numbers past a double): those are read by the standard
    library, so that the checks name the field at fault, as for any body. Integers of any size arrive as ``int``
    either way, and the checks refuse those out of range.
    """
    try:
        return msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        pass
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequest("请求体不是合法的 JSON") from exc
    except RecursionError as exc:
        raise InvalidRequest("请求体的 JSON 嵌套层数过多") from exc


def is_token(value: object) -> bool:
    """True for an identity token: 64 lower-case hex characters."""
    return isinstance(value, str) and _TOKEN.fullmatch(value) is not None


def province(value: object, field: str = "province") -> str:
    """A province code (two digits of the standard's province list)."""
    if not isinstance(value, str) or value not in PROVINCES:
        raise InvalidRequest(f"{field} 应为两位省级行政区划代码，如 43", field=field)
    return value


def _object(document: object, keys: frozenset[str], required: frozenset[str], where: str = "") -> Mapping[str, Any]:
    if not isinstance(document, dict):
        raise InvalidRequest(f"{where or '请求体'}应为 JSON 对象", field=where or None)
    unknown = document.keys() - keys
    if unknown:
        raise InvalidRequest(f"{where or '请求体'}含有未知字段：{_names(unknown)}", field=where or None)
    missing = required - document.keys()
    if missing:
        raise InvalidRequest(f"{where or '请求体'}缺少字段：{', '.join(sorted(missing))}", field=where or None)
    return document


def _names(names: Collection[str]) -> str:
    """Names the caller sent, as a refusal lists them: the first ``LISTED_NAMES`` in order, each ``echoed``."""
    first = ", ".join(echoed(name) for name in heapq.nsmallest(LISTED_NAMES, names))
    return first if len(names) <= LISTED_NAMES else f"{first} 等 {len(names)} 个"


def _list(value: object, field: str, low: int, high: int) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidRequest(f"{field} 应为数组", field=field)
    if not low <= len(value) <= high:
        raise InvalidRequest(f"{field} 应有 {low} 至 {high} 项，收到 {len(value)} 项", field=field)
    return value


def claims_request(document: object) -> ClaimsRequest:
    """A claims request, checked."""
    body = _object(document, frozenset({"province", "tokens"}), frozenset({"province", "tokens"}))
    tokens = _list(body["tokens"], "tokens", 1, MAX_CLAIM_TOKENS)
    for index, token in enumerate(tokens):
        if not is_token(token):
            raise InvalidRequest("身份令牌应为 64 位小写十六进制字符", field=f"tokens[{index}]", index=index)
    return ClaimsRequest(province(body["province"]), tokens)


def events_request(document: object) -> EventsRequest:
    """An events request, checked: every batch and every event."""
    body = _object(document, frozenset({"province", "batches"}), frozenset({"province", "batches"}))
    own = province(body["province"])
    batches = _list(body["batches"], "batches", 1, MAX_BATCHES)
    parsed: list[EventBatch] = []
    total = 0
    for index, batch in enumerate(batches):
        where = f"batches[{index}]"
        fields = _object(batch, frozenset({"seq", "events", "digest"}), frozenset({"seq", "events"}), where)
        seq = fields["seq"]
        if type(seq) is not int or not 1 <= seq <= MAX_SEQ:
            raise InvalidRequest(f"seq 应为 1 至 {MAX_SEQ} 的整数", field=f"{where}.seq", index=index)
        digest = fields.get("digest")
        if digest is not None and not is_token(digest):  # the same form as a token: a SHA-256 in hex
            raise InvalidRequest("digest 应为 64 位小写十六进制字符", field=f"{where}.digest", index=index)
        if parsed and seq != parsed[-1].seq + 1:
            raise InvalidRequest("批次应按 seq 升序且连续", field=f"{where}.seq", index=index)
        events = _list(fields["events"], f"{where}.events", 1, MAX_EVENTS)
        total += len(events)
        if total > MAX_EVENTS:
            raise InvalidRequest(f"一次请求最多 {MAX_EVENTS} 个事件", field=f"{where}.events", index=index)
        parsed.append(EventBatch(seq, [_event(event, own, index, where, n) for n, event in enumerate(events)], digest))
    return EventsRequest(own, parsed)


def _event(event: object, own: str, index: int, batch: str, n: int) -> IndexEvent:
    if type(event) is not dict or not event.keys() <= _EVENT_KEYS or not event.keys() >= _EVENT_REQUIRED:
        raise _malformed(event, batch, n, index)
    if not isinstance(event["type"], str) or event["type"] not in EVENT_TYPES:
        raise _refused(f"未知的事件类型：{echoed(event['type'])}", batch, n, "type", index)
    token = event["token"]
    if not is_token(token):
        raise _refused("身份令牌应为 64 位小写十六进制字符", batch, n, "token", index)
    if event["province"] != own:
        raise _refused("事件的省份与请求的省份不一致", batch, n, "province", index)
    status = EVENT_STATUS.get(event["status"]) if isinstance(event["status"], str) else None
    if status is None:
        raise _refused(f"会籍状态应为 {'、'.join(sorted(EVENT_STATUS))} 之一", batch, n, "status", index)
    releases = event["type"] == CLAIM_RELEASED
    if releases and status is not IndexStatus.ENDED:  # the one pairing of type and status PROTOCOL.md states
        raise _refused(f"{CLAIM_RELEASED} 事件的会籍状态应为 ended（释放认领即结束）", batch, n, "status", index)
    occurred = event["occurredOn"]
    if not _is_date(occurred):
        raise _refused("occurredOn 应为 YYYY-MM-DD 格式的日期", batch, n, "occurredOn", index)
    previous = event.get("previousToken")
    if previous is not None and not is_token(previous):
        raise _refused("previousToken 应为 64 位小写十六进制字符", batch, n, "previousToken", index)
    dimensions = event.get("dimensions")
    known = _NONE if dimensions is None else _dimensions(dimensions, batch, n, index)
    return IndexEvent(token, own, status, known, previous, releases)


def _malformed(event: object, batch: str, n: int, index: int) -> InvalidRequest:
    try:
        _object(event, _EVENT_KEYS, _EVENT_REQUIRED, f"{batch}.events[{n}]")
    except InvalidRequest as error:
        return InvalidRequest(error.message, field=f"{batch}.events[{n}]", index=index)
    return InvalidRequest("事件应为 JSON 对象", field=f"{batch}.events[{n}]", index=index)


def _refused(message: str, batch: str, n: int, field: str, index: int) -> InvalidRequest:
    return InvalidRequest(message, field=f"{batch}.events[{n}].{field}", index=index)


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _dimensions(value: object, batch: str, n: int, index: int) -> Dimensions:
    if not isinstance(value, dict):
        raise _refused("dimensions 应为 JSON 对象", batch, n, "dimensions", index)
    values: list[str | int | None] = [None] * len(DIMENSION_WIRE_NAMES)
    for name, code in value.items():
        position = _DIMENSION_POSITION.get(name)
        if position is None:
            raise _refused(f"未知的统计维度：{echoed(name)}", batch, n, f"dimensions.{echoed(name)}", index)
        if code is None:
            continue
        codes = DIMENSION_CODES[position]
        if codes is None:
            if type(code) is not int or not FIRST_BIRTH_YEAR <= code <= LAST_BIRTH_YEAR:
                message = f"birthYear 应为 {FIRST_BIRTH_YEAR} 至 {LAST_BIRTH_YEAR} 之间的整数"
                raise _refused(message, batch, n, f"dimensions.{name}", index)
        elif not isinstance(code, str) or code not in codes:
            raise _refused(_not_a_code(name), batch, n, f"dimensions.{name}", index)
        values[position] = code
    return tuple(values)


def _not_a_code(name: str) -> str:
    """The refusal of a dimension whose value is not a code of its list; the value is not repeated (a code
    that is not one may be anything a clerk typed, a name or a phone number included)."""
    listed = code_list(DIMENSION_CODE_LISTS[name])
    return f"{name} 应为标准代码表 {listed.name} 的代码之一：{'、'.join(entry.code for entry in listed)}"


def verification_request(document: object) -> VerificationRequest:
    """A verification request, checked."""
    body = _object(document, frozenset({"token", "purpose"}), frozenset({"token", "purpose"}))
    if not is_token(body["token"]):
        raise InvalidRequest("身份令牌应为 64 位小写十六进制字符", field="token")
    purpose = body["purpose"]
    if not isinstance(purpose, str) or not purpose.strip() or len(purpose) > MAX_PURPOSE_LENGTH:
        raise InvalidRequest(f"purpose（核查事由）应为 1 至 {MAX_PURPOSE_LENGTH} 个字符", field="purpose")
    if not purpose.isprintable():
        raise InvalidRequest("purpose（核查事由）含有不可见字符", field="purpose")
    if mentions_personal_number(purpose):
        message = "purpose（核查事由）不得含有身份证号码或手机号码：事由永久记入核查日志，只写事由，如 困难职工帮扶"
        raise InvalidRequest(message, field="purpose")
    return VerificationRequest(body["token"], purpose.strip())


# -- query parameters ------------------------------------------------------------------------------


def limit(value: str | None) -> int:
    """A page size (``limit``), default ``DEFAULT_PAGE``, at most ``MAX_PAGE``."""
    if value is None:
        return DEFAULT_PAGE
    if not _is_number(value, 5) or not 1 <= int(value) <= MAX_PAGE:
        raise InvalidRequest(f"limit 应为 1 至 {MAX_PAGE} 的整数", field="limit")
    return int(value)


def after_token(value: str | None) -> str | None:
    """The token a listing continues after."""
    if value is not None and not is_token(value):
        raise InvalidRequest("after 应为 64 位小写十六进制字符", field="after")
    return value


def identity_status(value: str | None) -> bool:
    """Whether an index listing is of the unconfirmed claims only (``status=claimed``) or of every row."""
    if value not in (None, "claimed"):
        raise InvalidRequest("status 只能为 claimed（只列出未经事件确认的认领），或不填", field="status")
    return value == "claimed"


def after_id(value: str | None) -> int:
    """The conflict id a listing continues after (0: from the start)."""
    if value is None:
        return 0
    if not _is_number(value, 18):
        raise InvalidRequest("after 应为冲突编号", field="after")
    return int(value)


def _is_number(value: str, digits: int) -> bool:
    """True for 1 to ``digits`` ASCII digits (``str.isdigit`` also takes "²" and "٣", which ``int`` refuses
    or reads as another number)."""
    return 0 < len(value) <= digits and value.isascii() and value.isdigit()


def conflict_state(value: str | None) -> str:
    """``open`` (the default), ``resolved`` or ``all``."""
    state = value or "open"
    if state not in CONFLICT_STATES:
        raise InvalidRequest("state 应为 open、resolved 或 all", field="state")
    return state


def group_by(value: str | None) -> str | None:
    """A grouping of the aggregates, or ``None`` for totals."""
    if value is not None and value not in GROUPINGS:
        raise InvalidRequest(f"groupBy 应为 {'、'.join(GROUPINGS)} 之一，或不填（合计）", field="groupBy")
    return value


def dimensions_json(dimensions: Dimensions) -> dict[str, str | int]:
    """Dimensions as the wire's JSON object (unknown ones left out)."""
    return {name: value for name, value in zip(DIMENSION_WIRE_NAMES, dimensions, strict=True) if value is not None}


def dimensions_from_json(document: Mapping[str, Any]) -> Dimensions:
    """Dimensions from the wire's JSON object (as stored in a conflict)."""
    return tuple(document.get(name) for name in DIMENSION_WIRE_NAMES)
