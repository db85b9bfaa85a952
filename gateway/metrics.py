"""Prometheus metrics of the gateway: GraphQL operations, and requests to each province node by outcome.

Each app gets its own registry (no global state), exposed at ``/metrics``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from strawberry.extensions import SchemaExtension

from gateway.domain.circuit_breaker import BreakerState
from gateway.nodes.client import NodeClient
from unionfed.operation_metrics import LATENCY_BUCKETS, operation_metrics


class GatewayMetrics:
    """The metrics of one gateway app."""

    def __init__(self, nodes: Mapping[str, NodeClient]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "unionfed_gateway_requests_total",
            "GraphQL operations handled, by operation name and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "unionfed_gateway_request_seconds",
            "Time to answer a GraphQL operation, by operation name.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_BreakerCollector(nodes))

    def extension(self) -> Callable[[], SchemaExtension]:
        """A schema extension factory that times every operation into these metrics."""
        return operation_metrics(self.latency, self.requests)


class _BreakerCollector(Collector):
    """Each node's circuit breaker, read at scrape time (0 closed, 1 half open, 2 open)."""

    def __init__(self, nodes: Mapping[str, NodeClient]) -> None:
        self.nodes = nodes

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "unionfed_gateway_node_breaker", "Circuit breaker per province node: 0 closed, 1 half open, 2 open.",
            labels=["province"],
        )  # fmt: skip
        levels = {BreakerState.CLOSED: 0.0, BreakerState.HALF_OPEN: 1.0, BreakerState.OPEN: 2.0}
        for province, client in self.nodes.items():
            family.add_metric([province], levels[client.breaker.state])
        yield family
