"""Bounds on one GraphQL request: depth, aliases and tokens, refused before anything runs.

strawberry's limiters report plain GraphQL errors; wrapped here, their refusals carry
``extensions.code`` ``QUERY_TOO_COMPLEX``, so a client can tell "ask for less" from a malformed query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import ASTValidationRule, GraphQLError, GraphQLSyntaxError, Lexer, Source, TokenKind, ValidationContext
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from province_node.domain.errors import ErrorCode
from province_node.settings import QueryLimits

TOO_COMPLEX = {"code": ErrorCode.QUERY_TOO_COMPLEX.value}


def _too_complex(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """``rule`` with the errors it reports coded ``QUERY_TOO_COMPLEX``.

    The limiters measure the whole document when they are built, so only errors reported then are theirs.
    """

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
    """``MaxTokensLimiter`` whose refusal is coded ``QUERY_TOO_COMPLEX`` (other syntax errors are not)."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield from super().on_operation()
        except GraphQLSyntaxError as error:  # ParserCache parses inside its hook: the refusal leaves as an exception
            self._code([error])
            raise
        self._code(self.execution_context.pre_execution_errors or [])

    def _code(self, errors: list[GraphQLError]) -> None:
        query = self.execution_context.query
        syntax_errors = [error for error in errors if isinstance(error, GraphQLSyntaxError)]
        if syntax_errors and query and _more_tokens_than(query, self.max_token_count):
            for error in syntax_errors:
                error.extensions = {**(error.extensions or {}), **TOO_COMPLEX}


def query_limits(limits: QueryLimits) -> list[Callable[[], SchemaExtension]]:
    """Schema extension factories enforcing ``limits``.

    The depth and alias rules are built once, here: strawberry's ``ValidationCache`` keys on the rule
    classes, and rules made afresh for every request would make every request miss the cache.
    """
    rules = [
        _too_complex(rule)
        for limiter in (
            QueryDepthLimiter(max_depth=limits.max_depth),
            MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        )
        for rule in limiter.validation_rules
    ]
    return [lambda: _TokenLimit(max_token_count=limits.max_tokens), lambda: AddValidationRules(rules)]
