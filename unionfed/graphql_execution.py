"""GraphQL execution that leaves no reference cycle behind, shared by the province node and the gateway.

graphql-core's executor hands every resolver ``info.async_helpers``, two methods bound to the executor, and
keeps them on the executor itself: a cycle, so a finished request (its context, database session, parsed
fields and results, about a hundred objects) is freed not when the request ends but by the garbage
collector's full collections. Under load those came every two seconds in a node process and froze it for
30-50 ms each time, stalling every request in flight (bench/gateway.py, national statistics over 31
provinces). Here the helpers reach the executor through a weak reference, so a request's objects go as
soon as it is answered.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Sequence
from typing import Any

from graphql.pyutils import gather_with_cancel
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class AcyclicExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context with resolver helpers that do not keep the executor alive."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.async_helpers = _weak_helpers(weakref.ref(self))


def _weak_helpers(executor: weakref.ref[AcyclicExecutionContext]) -> GraphQLResolveInfoHelpers:
    # Resolvers run while the execution's own frames hold the executor; should one call a helper after it
    # is gone, its awaitables are still gathered (``gather`` needs no executor) and there is nothing to track.
    def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        alive = executor()
        return alive.gather_async_work(values) if alive is not None else gather_with_cancel(*values)

    def track(values: Sequence[Any]) -> None:
        alive = executor()
        if alive is not None:
            alive.track_async_work(values)

    return GraphQLResolveInfoHelpers(gather=gather, track=track)
