"""The federation as the gateway holds it for its whole life: a client and a breaker per province node,
the exchange reader, the OpenID Connect verifier, and the last good statistics of each province."""

from __future__ import annotations

import time
from collections.abc import Callable

from exchange.protocol.forwarded_identity import REUSED_FOR_SECONDS, NationalRole, forwarded_identity_token
from exchange.standard import code_list
from gateway.domain.circuit_breaker import CircuitBreaker
from gateway.domain.errors import ErrorCode, InvalidArgument
from gateway.domain.last_known import LastKnownAnswers
from gateway.domain.lookup_allowance import LookupAllowance
from gateway.domain.national_roles import NationalCaller
from gateway.domain.statistics_merge import PartialCounts
from gateway.exchange_link import ExchangeReader
from gateway.nodes.client import NodeClient
from gateway.outbound import Outbound
from gateway.security.oidc import OidcVerifier
from gateway.settings import GatewaySettings

KEPT_IDENTITIES = 10_000  # forwarded identities kept for reuse; all are dropped when there are more


class Federation:
    """The province nodes and the exchange, as one gateway process reaches them."""

    def __init__(
        self, settings: GatewaySettings, outbound: Outbound, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._identities: dict[tuple[str, NationalRole, str], tuple[str, float]] = {}
        http = outbound.shared
        policy = settings.policy
        self.nodes = {
            province: NodeClient(
                province,
                url,
                outbound.for_node(province),
                policy,
                CircuitBreaker(failure_threshold=policy.failure_threshold, reset_after=policy.reset_after, clock=clock),
            )
            for province, url in sorted(settings.nodes.items())
        }
        self.exchange = (
            ExchangeReader(settings.exchange_url, settings.key, http, timeout=policy.timeout)
            if settings.exchange_url
            else None
        )
        self.oidc = OidcVerifier(settings.oidc, http) if settings.oidc else None
        self.last_known: LastKnownAnswers[PartialCounts] = LastKnownAnswers()
        self.lookups = LookupAllowance(settings.limits.id_lookups_per_hour, clock=clock)

    def node(self, province: str) -> NodeClient:
        """The client of ``province``'s node; ``InvalidArgument(UNKNOWN_PROVINCE)`` when there is none."""
        client = self.nodes.get(province)
        if client is None:
            known = code_list("province").get(province) is not None
            message = f"全国网关未接入省份 {province}" if known else f"{province!r} 不是省级行政区划代码"
            raise InvalidArgument(ErrorCode.UNKNOWN_PROVINCE, message)
        return client

    def forwarded_identity(self, caller: NationalCaller, province: str) -> str:
        """A token telling ``province``'s node who ``caller`` is, signed by the gateway; the same token for
        ``REUSED_FOR_SECONDS`` (half its life), so neither side signs or checks one per request."""
        subject = caller.subject if caller.issuer == self.settings.key.peer_id else f"{caller.issuer}#{caller.subject}"
        key = (subject, caller.role, province)
        kept = self._identities.get(key)
        if kept is not None and self.clock() - kept[1] < REUSED_FOR_SECONDS:
            return kept[0]
        if len(self._identities) >= KEPT_IDENTITIES:
            self._identities.clear()
        token = forwarded_identity_token(self.settings.key, subject=subject, role=caller.role, province=province)
        self._identities[key] = (token, self.clock())
        return token
