"""GraphQL execution that leaves no reference cycle behind, shared by the province node and the gateway.

graphql-core's executor hands every resolver ``info.async_helpers``, two methods bound to the executor, and
keeps them on the executor itself: a cycle, so a request answered without error (its context, database session,
parsed fields and results, about a hundred objects) was freed not when it ended but by the garbage collector,
whose full collections then came every two seconds in a loaded node process, 20-25 ms of CPU each with every
request in flight waiting (bench/README.md, Gateway). Here the helpers reach the executor through a weak
reference. (A request that raised still leaves its exception's traceback in a cycle; the collector frees it.)
"""

from __future__ import annotations

import asyncio
import inspect
import weakref
from collections.abc import Awaitable, Sequence
from typing import Any

from graphql.pyutils import gather_with_cancel
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# Awaitables tracked after their executor was freed, kept until they settle (as the executor keeps its own).
_settling: set[asyncio.Future[list[Any]]] = set()


class AcyclicExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context with resolver helpers that do not keep the executor alive."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.async_helpers = _weak_helpers(weakref.ref(self))


def _weak_helpers(executor_ref: weakref.ref[AcyclicExecutionContext]) -> GraphQLResolveInfoHelpers:
    # Resolvers run while the execution's own frames hold the executor. Should a helper be called after it is
    # gone, the awaitables are still gathered, or settled in the background, as the executor would.
    def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        executor = executor_ref()
        return executor.gather_async_work(values) if executor is not None else gather_with_cancel(*values)

    def track(values: Sequence[Any]) -> None:
        executor = executor_ref()
        if executor is not None:
            executor.track_async_work(values)
            return
        awaitables = [value for value in values if inspect.isawaitable(value)]
        if awaitables:
            settling = asyncio.gather(*awaitables, return_exceptions=True)
            _settling.add(settling)
            settling.add_done_callback(_settling.discard)

    return GraphQLResolveInfoHelpers(gather=gather, track=track)
