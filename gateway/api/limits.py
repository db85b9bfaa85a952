"""Bounds on one gateway request, refused before anything is sent to a node: depth, aliases and tokens
(strawberry's limiters, coded ``QUERY_TOO_COMPLEX``), and the **cost** of fan-out (``QUERY_TOO_COSTLY``).

Cost counts the requests the gateway would send: a field asked of every province costs the number of
provinces, a field sent to one province (or to the exchange only) costs one. Fields inside fragments count
where they are defined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

from graphql import (
    ASTValidationRule,
    FieldNode,
    GraphQLError,
    GraphQLSyntaxError,
    Lexer,
    Source,
    TokenKind,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from gateway.domain.errors import ErrorCode
from gateway.settings import QueryLimits

TOO_COMPLEX: Final = {"code": ErrorCode.QUERY_TOO_COMPLEX.value}
EVERY_PROVINCE_FIELDS: Final = frozenset({"nationalStatistics", "provinces"})
ONE_PROVINCE_FIELDS: Final = frozenset({"province", "locateMember"})
EXCHANGE_FIELDS: Final = frozenset({"verifyMembership", "conflicts"})


def _too_complex(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """``rule`` with the errors it reports while measuring the document coded ``QUERY_TOO_COMPLEX``."""

    class CodedRule(rule):  # type: ignore[valid-type,misc]
        def __init__(self, context: ValidationContext) -> None:
            report = context.on_error

            def coded(error: GraphQLError) -> None:
                error.extensions = {**(error.extensions or {}), **TOO_COMPLEX}
                report(error)

            context.on_error = coded  # type: ignore[method-assign]
            try:
                super().__init__(context)
            finally:
                context.on_error = report  # type: ignore[method-assign]

    return CodedRule


def fan_out_cost_rule(max_cost: int, provinces: int) -> type[ASTValidationRule]:
    """A validation rule refusing documents whose fan-out would cost more than ``max_cost`` requests."""

    class FanOutCost(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.cost = 0

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            parent = self.context.get_parent_type()
            if parent is None or parent.name != "Query":
                return
            name = node.name.value
            if name in EVERY_PROVINCE_FIELDS:
                narrowed = name == "nationalStatistics" and any(
                    a.name.value == "province" for a in node.arguments or ()
                )
                self.cost += 1 if narrowed else provinces
            elif name in ONE_PROVINCE_FIELDS | EXCHANGE_FIELDS:
                self.cost += 1

        def leave_document(self, *_: Any) -> None:
            if self.cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"查询将向各省节点发出 {self.cost} 次请求，超过上限 {max_cost}，请拆分查询",
                        extensions={"code": ErrorCode.QUERY_TOO_COSTLY.value},
                    )
                )

    return FanOutCost


def _more_tokens_than(query: str, limit: int) -> bool:
    lexer = Lexer(Source(query))
    try:
        for _ in range(limit + 1):
            if lexer.advance().kind is TokenKind.EOF:
                return False
    except GraphQLSyntaxError:
        return False
    return True


class _TokenLimit(MaxTokensLimiter):
    """``MaxTokensLimiter`` whose refusal is coded ``QUERY_TOO_COMPLEX``."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield from super().on_operation()
        except GraphQLSyntaxError as error:
            self._code([error])
            raise
        self._code(self.execution_context.pre_execution_errors or [])

    def _code(self, errors: list[GraphQLError]) -> None:
        query = self.execution_context.query
        if query and _more_tokens_than(query, self.max_token_count):
            for error in errors:
                if isinstance(error, GraphQLSyntaxError):
                    error.extensions = {**(error.extensions or {}), **TOO_COMPLEX}


def query_limits(limits: QueryLimits, provinces: int) -> list[Callable[[], SchemaExtension]]:
    """Schema extension factories enforcing ``limits`` (rules built once, so the validation cache hits)."""
    rules = [
        _too_complex(rule)
        for limiter in (
            QueryDepthLimiter(max_depth=limits.max_depth),
            MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        )
        for rule in limiter.validation_rules
    ]
    rules.append(fan_out_cost_rule(limits.max_cost, provinces))
    return [lambda: _TokenLimit(max_token_count=limits.max_tokens), lambda: AddValidationRules(rules)]
