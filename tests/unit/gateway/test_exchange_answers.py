"""The gateway's reader of the exchange: an answer it cannot use is ``ExchangeUnavailable``, never a crash."""

from __future__ import annotations

import httpx
import pytest

from exchange.protocol.service_tokens import PeerKey
from gateway.domain.errors import ExchangeUnavailable
from gateway.exchange_link import ExchangeReader

pytestmark = pytest.mark.anyio

ODD_ANSWERS = {
    "a refusal whose error is not an object": httpx.Response(403, json={"error": "refused"}),
    "a refusal that is a JSON list": httpx.Response(403, json=["refused"]),
    "JSON nested too deep to parse": httpx.Response(
        200, content=b"[" * 100_000 + b"]" * 100_000, headers={"content-type": "application/json"}
    ),
}


@pytest.mark.parametrize("odd", list(ODD_ANSWERS), ids=list(ODD_ANSWERS))
async def test_an_exchange_answer_of_an_odd_shape_is_the_exchange_unavailable(odd: str) -> None:
    transport = httpx.MockTransport(lambda request: ODD_ANSWERS[odd])
    async with httpx.AsyncClient(transport=transport) as http:
        reader = ExchangeReader("http://exchange", PeerKey.generate("gateway"), http)
        with pytest.raises(ExchangeUnavailable):
            await reader.person_counts()
