"""Asking the national identity index about a person: verification (核查 — a current member or not, and the
home province, nothing more) and member location (the home province, whose node then gives the record).

The ID number is checked by the national standard and turned into the identity token here, with the national
key; only the token goes to the exchange, which answers from its index and writes every question to its
verification log (the gateway as peer, the token, and a purpose naming the national caller who asked). Each
question sent counts against the caller's allowance for the hour (``domain.lookup_allowance``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from exchange.standard import identity_token
from gateway.domain.arguments import (
    ArgumentsRefused,
    CheckedIdNumber,
    check_id_number,
    check_purpose,
    logged_purpose,
)
from gateway.domain.errors import ExchangeUnavailable
from gateway.domain.national_roles import NationalCaller
from gateway.exchange_link import Verification
from gateway.federation import Federation

LOCATE_PURPOSE: Final = "全国网关会员定位"


@dataclass(frozen=True, slots=True)
class MemberWhereabouts:
    """What the index says of a checked ID number: the home province, or ``None`` when no current member."""

    checked: CheckedIdNumber
    province: str | None


async def verify_membership(
    federation: Federation, caller: NationalCaller, id_type: str, id_number: str, purpose: str
) -> Verification | ArgumentsRefused:
    """Whether the holder of the ID is a current member, and where; refused arguments are not sent."""
    checked = check_id_number(id_type, id_number)
    purpose_problems = check_purpose(purpose)
    if isinstance(checked, ArgumentsRefused):
        return ArgumentsRefused(checked.problems + purpose_problems)
    if purpose_problems:
        return ArgumentsRefused(purpose_problems)
    return await _ask_index(federation, caller, checked, logged_purpose(purpose, caller.subject))


async def locate_member(
    federation: Federation, caller: NationalCaller, id_type: str, id_number: str
) -> MemberWhereabouts | ArgumentsRefused:
    """The home province of the ID's holder (``None`` when not a current member anywhere)."""
    checked = check_id_number(id_type, id_number)
    if isinstance(checked, ArgumentsRefused):
        return checked
    found = await _ask_index(federation, caller, checked, logged_purpose(LOCATE_PURPOSE, caller.subject))
    return MemberWhereabouts(checked, found.province if found.member else None)


async def _ask_index(
    federation: Federation, caller: NationalCaller, checked: CheckedIdNumber, purpose: str
) -> Verification:
    exchange, national_key = federation.exchange, federation.settings.national_key
    if exchange is None or national_key is None:
        raise ExchangeUnavailable("全国网关未配置交换平台或国家标识密钥，无法查询身份索引")
    federation.lookups.take(caller)
    return await exchange.verify(identity_token(national_key, checked.document), purpose)
