"""Bounds on one gateway request, refused before anything is sent to a node: depth, aliases and tokens
(``unionfed.graphql_limits``, coded ``QUERY_TOO_COMPLEX``), and the **cost** of fan-out (``QUERY_TOO_COSTLY``).

Cost counts the requests the gateway would send: a field asked of every province costs the number of
provinces, a field sent to one province (or to the exchange only) costs one, and so does each selection of a
located member. Fields inside fragments count where they are defined.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from graphql import (
    ASTValidationRule,
    FieldNode,
    GraphQLError,
    NonNullTypeNode,
    OperationDefinitionNode,
    StringValueNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from gateway.domain.errors import ErrorCode
from gateway.settings import QueryLimits
from unionfed.graphql_limits import complexity_limits, once_per_request

EVERY_PROVINCE_FIELDS: Final = frozenset({"nationalStatistics", "provinces"})
ONE_PROVINCE_FIELDS: Final = frozenset({"province", "locateMember"})
EXCHANGE_FIELDS: Final = frozenset({"verifyMembership", "conflicts"})
LOGIN_ONCE: Final = once_per_request("login")  # a password check each: aliases must not multiply the guesses


def fan_out_cost_rule(max_cost: int, provinces: int) -> type[ASTValidationRule]:
    """A validation rule refusing documents whose fan-out would cost more than ``max_cost`` requests."""

    class FanOutCost(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.cost = 0
            self.non_null_variables: set[str] = set()

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            parent = self.context.get_parent_type()
            if parent is not None and parent.name == "LocatedMember" and node.name.value == "member":
                self.cost += 1  # each selection of the located member is one more request to its node
                return
            if parent is None or parent.name != "Query":
                return
            name = node.name.value
            if name in EVERY_PROVINCE_FIELDS:
                narrowed = name == "nationalStatistics" and self._one_province(node)
                self.cost += 1 if narrowed else provinces
            elif name in ONE_PROVINCE_FIELDS | EXCHANGE_FIELDS:
                self.cost += 1

        def _one_province(self, node: FieldNode) -> bool:
            """``province`` is a code for certain: a string literal, or a variable that cannot be null (an empty
            code is refused when asked). ``null`` or a nullable variable may mean every province."""
            for argument in node.arguments or ():
                if argument.name.value != "province":
                    continue
                value = argument.value
                if isinstance(value, StringValueNode):
                    return True
                if isinstance(value, VariableNode):
                    return value.name.value in self.non_null_variables
            return False

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            self.non_null_variables = {
                definition.variable.name.value
                for definition in node.variable_definitions or ()
                if isinstance(definition.type, NonNullTypeNode)
            }

        def enter_fragment_definition(self, *_: Any) -> None:
            self.non_null_variables = set()  # a fragment may be spread where its variables can be null

        def leave_document(self, *_: Any) -> None:
            if self.cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"查询将向各省节点发出 {self.cost} 次请求，超过上限 {max_cost}，请拆分查询",
                        extensions={"code": ErrorCode.QUERY_TOO_COSTLY.value},
                    )
                )

    return FanOutCost


def query_limits(limits: QueryLimits, provinces: int) -> list[Callable[[], SchemaExtension]]:
    """Schema extension factories enforcing ``limits``: depth, aliases, tokens and fan-out cost."""
    return complexity_limits(
        max_depth=limits.max_depth,
        max_aliases=limits.max_aliases,
        max_tokens=limits.max_tokens,
        more_rules=[fan_out_cost_rule(limits.max_cost, provinces), LOGIN_ONCE],
    )
