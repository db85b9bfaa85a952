"""Timing every GraphQL operation into Prometheus metrics, the same way for the province node and the gateway.

The operation is labelled by its name and outcome (``error`` when it raised or answered with errors), after
whatever labels the service puts first (the node: the tenant). Names are chosen by clients, anonymous ones
included, so only the first ``MAX_OPERATION_NAMES`` names seen get a series of their own; later ones count
as ``other``, and a flood of invented names cannot grow the metrics without end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from prometheus_client import Counter, Histogram
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
MAX_OPERATION_NAMES = 200
MAX_NAME_LENGTH = 64


class OperationNames:
    """The operation names that get a label of their own: the first ``capacity`` seen, each at most
    ``MAX_NAME_LENGTH`` characters; any other name is ``other``."""

    def __init__(self, capacity: int = MAX_OPERATION_NAMES) -> None:
        self.capacity = capacity
        self._labelled: set[str] = set()

    def label(self, name: str | None) -> str:
        """The label of the operation called ``name`` (``anonymous`` when it has none)."""
        if not name:
            return "anonymous"
        if name in self._labelled:
            return name
        if len(name) > MAX_NAME_LENGTH or len(self._labelled) >= self.capacity:
            return "other"
        self._labelled.add(name)
        return name


def operation_metrics(
    latency: Histogram,
    requests: Counter,
    leading_labels: Callable[[ExecutionContext], tuple[str, ...]] = lambda _context: (),
) -> Callable[[], SchemaExtension]:
    """A schema extension factory observing each operation's time into ``latency`` (labels: the leading ones,
    operation) and counting it in ``requests`` (the leading ones, operation, outcome)."""
    names = OperationNames()

    class OperationMetrics(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            started, failed = time.perf_counter(), False
            try:
                yield
            except Exception:  # an unparsable document leaves the operation as an exception (ParserCache)
                failed = True
                raise
            finally:
                context = self.execution_context
                leading = leading_labels(context)
                operation = names.label(context.operation_name)
                outcome = "error" if failed or context.result is None or context.result.errors else "ok"
                latency.labels(*leading, operation).observe(time.perf_counter() - started)
                requests.labels(*leading, operation, outcome).inc()

    return OperationMetrics
