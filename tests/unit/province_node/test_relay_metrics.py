"""The relay's figures as a scrape shows them: a delivery stuck on a refused batch is named with its code."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest

from province_node.exchange_link.relay import RelayState
from province_node.metrics import RelayCollector


def scrape(relays: dict[str, RelayState]) -> str:
    registry = CollectorRegistry()
    registry.register(RelayCollector(relays))
    return generate_latest(registry).decode()


def test_a_delivery_stuck_on_a_refused_batch_shows_its_seq_and_code() -> None:
    text = scrape({"43": RelayState(refusals=3, refused_seq=17, refused_code="REQUEST_INVALID")})
    assert 'unionfed_exchange_relay_refusals_total{tenant="43"} 3.0' in text
    assert 'unionfed_exchange_refused_seq{code="REQUEST_INVALID",tenant="43"} 17.0' in text


def test_no_refused_batch_is_shown_while_delivery_flows() -> None:
    text = scrape({"43": RelayState(delivered_events=5)})
    assert 'unionfed_exchange_delivered_events_total{tenant="43"} 5.0' in text
    assert "unionfed_exchange_refused_seq{" not in text
