"""Bounds on one GraphQL request, shared by the province node and the gateway: depth, aliases and tokens,
refused before anything runs.

strawberry's limiters report plain GraphQL errors; wrapped here, their refusals carry ``extensions.code``
``QUERY_TOO_COMPLEX``, so a client can tell "ask for less" from a malformed query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Final

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

TOO_COMPLEX: Final = {"code": "QUERY_TOO_COMPLEX"}


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


def once_per_request(*names: str) -> type[ASTValidationRule]:
    """A validation rule refusing documents that ask for a field of ``names`` (root fields such as ``login``,
    whose cost is a password hash) more than once: aliases must not turn one request into many guesses."""

    class OncePerRequest(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.seen: set[str] = set()

        def enter_field(self, node: FieldNode, *_: object) -> None:
            name = node.name.value
            if name not in names:
                return
            if name in self.seen:
                self.report_error(GraphQLError(f"每次请求只能调用一次 {name}", node, extensions=TOO_COMPLEX))
            self.seen.add(name)

    return OncePerRequest


def complexity_limits(
    *, max_depth: int, max_aliases: int, max_tokens: int, more_rules: Sequence[type[ASTValidationRule]] = ()
) -> list[Callable[[], SchemaExtension]]:
    """Schema extension factories refusing documents deeper, with more aliases or more tokens than allowed
    (and whatever ``more_rules`` refuse).

    The rules are built once, here: strawberry's ``ValidationCache`` keys on the rule classes, and rules
    made afresh for every request would make every request miss the cache.
    """
    rules = [
        _too_complex(rule)
        for limiter in (QueryDepthLimiter(max_depth=max_depth), MaxAliasesLimiter(max_alias_count=max_aliases))
        for rule in limiter.validation_rules
    ]
    rules += more_rules
    return [lambda: _TokenLimit(max_token_count=max_tokens), lambda: AddValidationRules(rules)]
