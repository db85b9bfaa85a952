"""A GraphQL request answered without error leaves nothing in reference cycles for the garbage collector."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from tests.reference_cycles import cycles_collected
from unionfed.graphql_execution import AcyclicExecutionContext

pytestmark = pytest.mark.anyio


class RequestContext:
    """Stands for what a request carries (session, caller): found among the garbage only if it was in a cycle."""


@strawberry.type
class Query:
    @strawberry.field
    async def greeting(self, info: strawberry.Info) -> str:
        if isinstance(info.context, list):  # a test keeping the resolver's helpers beyond the request
            info.context.append(info._raw_info.async_helpers)
        return f"你好 {type(info.context).__name__}"


async def contexts_left_in_cycles(execution_context_class: type[StrawberryGraphQLCoreExecutionContext] | None) -> int:
    schema = strawberry.Schema(query=Query, execution_context_class=execution_context_class)
    await schema.execute("{ greeting }", context_value=RequestContext())  # parsed once, like a served schema
    with cycles_collected() as garbage:
        result = await schema.execute("{ greeting }", context_value=RequestContext())
        assert result.data == {"greeting": "你好 RequestContext"}
        del result
    return sum(isinstance(item, RequestContext) for item in garbage)


async def test_a_request_answered_with_the_acyclic_context_leaves_nothing_to_the_collector() -> None:
    assert await contexts_left_in_cycles(AcyclicExecutionContext) == 0


async def test_strawberry_s_own_execution_context_still_leaves_each_request_in_a_cycle() -> None:
    # When this fails graphql-core has dropped the cycle, and AcyclicExecutionContext can go.
    assert await contexts_left_in_cycles(None) == 1


async def test_work_tracked_after_its_request_was_answered_still_runs() -> None:
    schema = strawberry.Schema(query=Query, execution_context_class=AcyclicExecutionContext)
    kept: list[Any] = []
    await schema.execute("{ greeting }", context_value=kept)
    ran: list[str] = []

    async def late_work() -> None:
        ran.append("done")

    kept[0].track([late_work()])  # the executor is gone by now
    await asyncio.sleep(0.01)
    assert ran == ["done"]
