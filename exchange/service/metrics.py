"""Prometheus metrics of an exchange app, in a registry of its own (several apps may live in one test)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class ExchangeMetrics:
    """The metrics PROTOCOL.md lists, and request latency by endpoint."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.events_applied = Counter(
            "unionfed_exchange_events_applied_total",
            "Events applied to the identity index, by province.",
            ["province"],
            registry=self.registry,
        )
        self.batches = Counter(
            "unionfed_exchange_batches_total",
            "Event batches received, by province and result (applied, duplicate, gap).",
            ["province", "result"],
            registry=self.registry,
        )
        self.claims = Counter(
            "unionfed_exchange_claims_total",
            "Claims answered, by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.conflicts_open = Gauge(
            "unionfed_exchange_conflicts_open",
            "Conflicts not yet resolved (read from the database at scrape time).",
            registry=self.registry,
        )
        self.verifications = Counter(
            "unionfed_exchange_verifications_total",
            "Verifications answered, by answer (member, not_member).",
            ["answer"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "unionfed_exchange_request_seconds",
            "Time to answer an API request, by endpoint.",
            ["endpoint"],
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
