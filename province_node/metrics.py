"""Prometheus metrics of a node process: GraphQL requests by tenant and operation, and database pools.

Each app gets its own registry (no global state), exposed at ``/metrics``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from province_node.exchange_link.relay import RelayState
from province_node.tenant import Tenant
from unionfed.operation_metrics import LATENCY_BUCKETS, operation_metrics


class NodeMetrics:
    """The metrics of one node app."""

    def __init__(self, tenants: Iterable[Tenant], relays: Mapping[str, RelayState] | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "unionfed_graphql_requests_total",
            "GraphQL operations handled, by tenant, operation name and outcome.",
            ["tenant", "operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "unionfed_graphql_request_seconds",
            "Time to execute a GraphQL operation, by tenant and operation name.",
            ["tenant", "operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.not_modified = Counter(
            "unionfed_graphql_not_modified_total",
            "Statistics questions answered 304: the asker's tagged answer still held, nothing executed; by tenant.",
            ["tenant"],
            registry=self.registry,
        )
        self.statements = Counter(
            "unionfed_db_statements_total",
            "SQL statements sent to each tenant's database (statements per request show N+1 problems).",
            ["tenant"],
            registry=self.registry,
        )
        tenants = list(tenants)
        for tenant in tenants:
            counter = self.statements.labels(tenant.province)
            event.listen(tenant.engine.sync_engine, "before_cursor_execute", lambda *_args, c=counter: c.inc())
        self.registry.register(_PoolCollector(tenants))
        if relays:
            self.registry.register(RelayCollector(relays))

    def extension(self) -> Callable[[], SchemaExtension]:
        """A schema extension factory that times every operation into these metrics, by tenant."""
        return operation_metrics(self.latency, self.requests, _tenant_label)


def _tenant_label(context: ExecutionContext) -> tuple[str]:
    return (str(getattr(getattr(context.context, "tenant", None), "province", "?")),)


class RelayCollector(Collector):
    """The outbox relay of each tenant: what waits for the exchange and for how long, read at scrape time."""

    def __init__(self, relays: Mapping[str, RelayState]) -> None:
        self.relays = relays

    def collect(self) -> Iterable[Metric]:
        families: dict[str, GaugeMetricFamily | CounterMetricFamily] = {
            "unsent_events": GaugeMetricFamily(
                "unionfed_exchange_unsent_events", "Events in the outbox the exchange has not acknowledged.",
                labels=["tenant"]),
            "lag_seconds": GaugeMetricFamily(
                "unionfed_exchange_lag_seconds", "Age of the oldest unacknowledged outbox row.", labels=["tenant"]),
            "pending_checks": GaugeMetricFamily(
                "unionfed_exchange_pending_checks", "Members kept active-pending-check.", labels=["tenant"]),
            "conflicts": GaugeMetricFamily(
                "unionfed_exchange_conflicts", "Members another province also holds.", labels=["tenant"]),
            "delivered_events": CounterMetricFamily(
                "unionfed_exchange_delivered_events", "Events the exchange acknowledged.", labels=["tenant"]),
            "failures": CounterMetricFamily(
                "unionfed_exchange_relay_failures", "Relay rounds that failed.", labels=["tenant"]),
            "missing_batches": GaugeMetricFamily(
                "unionfed_exchange_missing_batches",
                "Batches the exchange applied that this outbox lacks (restored from an earlier point); "
                "run `unionfed exchange reconcile`.",
                labels=["tenant"]),
            "refusals": CounterMetricFamily(
                "unionfed_exchange_relay_refusals",
                "Relay rounds the exchange refused with a code the relay cannot mend: an operator must look.",
                labels=["tenant"]),
        }  # fmt: skip
        stuck = GaugeMetricFamily(
            "unionfed_exchange_refused_seq",
            "The outbox batch delivery is stuck on, refused by the exchange (absent while delivery flows).",
            labels=["tenant", "code"],
        )
        for province, state in self.relays.items():
            for name, family in families.items():
                family.add_metric([province], float(getattr(state, name)))
            if state.refused_seq is not None:
                stuck.add_metric([province, state.refused_code or ""], float(state.refused_seq))
        yield from families.values()
        yield stuck


class _PoolCollector(Collector):
    """Database pool usage per tenant, read at scrape time."""

    def __init__(self, tenants: list[Tenant]) -> None:
        self.tenants = tenants

    def collect(self) -> Iterable[Metric]:
        checked_out = GaugeMetricFamily(
            "unionfed_db_pool_checked_out", "Connections in use, by tenant.", labels=["tenant"]
        )
        size = GaugeMetricFamily("unionfed_db_pool_size", "Connections kept open, by tenant.", labels=["tenant"])
        for tenant in self.tenants:
            pool = tenant.engine.sync_engine.pool
            checked_out.add_metric([tenant.province], float(getattr(pool, "checkedout", lambda: 0)()))
            size.add_metric([tenant.province], float(getattr(pool, "size", lambda: 0)()))
        yield checked_out
        yield size
