"""Coded errors: every GraphQL error of the gateway leaves with an ``extensions.code``.

Gateway errors carry their code (and the province, for a province's failure); errors a resolver added
without failing its field (missing provinces, a delegated node's errors, re-pathed) join the answer here;
an unexpected exception is logged and its text hidden.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.api.context import Context
from gateway.domain.errors import GatewayError

_log = logging.getLogger(__name__)


def _code_of(error: GraphQLError) -> str | None:
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else None


def _pre_execution_code(error: GraphQLError) -> str:
    return "GRAPHQL_PARSE_FAILED" if "Syntax Error" in error.message else "GRAPHQL_VALIDATION_FAILED"


class CodedErrors(SchemaExtension):
    """Codes every error and adds the errors resolvers reported beside their data."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:  # ParserCache parses inside its hook: a refused document leaves as an exception
            if _code_of(error) is None:
                error.extensions = {**(error.extensions or {}), "code": _pre_execution_code(error)}
            raise
        result = self.execution_context.result
        if result is None:
            return
        errors = [self._coded(error) for error in result.errors or ()]
        context = self.execution_context.context
        if isinstance(context, Context):
            errors += [
                GraphQLError(added["message"], path=added["path"], extensions=added["extensions"])
                for added in context.added_errors
            ]
        result.errors = errors or None

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None:
            if _code_of(error) is not None:
                return error
            extensions = {**(error.extensions or {}), "code": _pre_execution_code(error)}
            return GraphQLError(error.message, error.nodes, error.source, error.positions, error.path,
                                extensions=extensions)  # fmt: skip
        if isinstance(original, GatewayError):
            return GraphQLError(original.message, error.nodes, error.source, error.positions, error.path,
                                original_error=original, extensions=original.extensions())  # fmt: skip
        if isinstance(original, GraphQLError):
            extensions = {**(error.extensions or {}), "code": _code_of(original) or "GRAPHQL_VALIDATION_FAILED"}
            return GraphQLError(error.message, error.nodes, error.source, error.positions, error.path,
                                original_error=original, extensions=extensions)  # fmt: skip
        _log.error("unexpected error in %s", error.path, exc_info=original)
        return GraphQLError("全国网关内部错误，请稍后再试或联系系统管理员", error.nodes, error.source,
                            error.positions, error.path, extensions={"code": "INTERNAL_ERROR"})  # fmt: skip
