"""How failures reach clients.

Expected failures of a mutation are typed results: every mutation returns a union of its success type and
the error types below, each with a stable ``code`` and a Chinese ``message``. Failures of queries
(malformed ids or cursors, out-of-range arguments), missing permissions and authentication are GraphQL
errors whose ``extensions.code`` is the same stable code. Unexpected exceptions are logged and reach
the client only as ``INTERNAL_ERROR``, never with their text.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from psycopg.errors import QueryCanceled
from sqlalchemy.exc import DBAPIError
from strawberry.extensions import SchemaExtension

from exchange.standard import Problem, ProblemCode
from province_node.domain.errors import DomainError, ErrorCode, InvalidInput, NotFound, NotPermitted
from province_node.services.unit_of_work import UnitOfWork

_log = logging.getLogger(__name__)

ErrorCodeType = strawberry.enum(ErrorCode, name="ErrorCode", description="Stable codes of domain errors.")
ProblemCodeType = strawberry.enum(
    ProblemCode, name="ProblemCode", description="Stable codes of field problems found by the data standard."
)


@strawberry.interface(description="A failure the client can act on: a stable code and a Chinese message.")
class Error:
    code: ErrorCodeType  # type: ignore[valid-type]
    message: str


@strawberry.type(description="One field refused by the data standard.")
class FieldError:
    field: str = strawberry.field(description="The input field, e.g. `idNumber`.")
    code: ProblemCodeType  # type: ignore[valid-type]
    message: str

    @classmethod
    def of(cls, item: Problem) -> FieldError:
        """The GraphQL form of a standard problem."""
        return cls(field=item.field, code=item.code, message=item.message)


@strawberry.type(description="Fields of the input were refused; `fieldErrors` says which and why.")
class InvalidInputError(Error):
    field_errors: list[FieldError]


@strawberry.type(description="Nothing with that id in your scope.")
class NotFoundError(Error):
    pass


@strawberry.type(description="The request breaks a rule (e.g. moving an organisation under itself).")
class RuleViolationError(Error):
    pass


CommonError = InvalidInputError | NotFoundError | RuleViolationError


def error_result(error: DomainError) -> InvalidInputError | NotFoundError | RuleViolationError:
    """The typed result of an expected failure."""
    if isinstance(error, InvalidInput):
        return InvalidInputError(
            code=error.code, message=error.message, field_errors=[FieldError.of(item) for item in error.problems]
        )
    if isinstance(error, NotFound):
        return NotFoundError(code=error.code, message=error.message)
    return RuleViolationError(code=error.code, message=error.message)


T = TypeVar("T")
R = TypeVar("R")


async def typed_result(
    uow: UnitOfWork,
    start: Callable[[], Awaitable[T]],
    success: Callable[[T], R],
    *,
    raise_: tuple[type[DomainError], ...] = (),
) -> R | InvalidInputError | NotFoundError | RuleViolationError:
    """Run a mutation's use case in the request's unit of work: its result, or a typed expected failure.

    ``start`` is called inside the ``try``, so decoding ids there reports malformed ids the same way.
    ``NotPermitted`` is not expected of a well-behaved client: it stays an exception (a GraphQL error),
    as do the errors in ``raise_``, for a caller that turns them into a result of its own.
    """
    passed_on: tuple[type[DomainError], ...] = (NotPermitted, *raise_)
    async with uow:
        try:
            return success(await start())
        except passed_on:
            raise
        except DomainError as error:
            return error_result(error)


def _code_of(error: GraphQLError) -> str | None:
    """The ``extensions.code`` an error already carries."""
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else None


_INVALID = "GRAPHQL_VALIDATION_FAILED"


def _pre_execution_code(error: GraphQLError) -> str:
    return "GRAPHQL_PARSE_FAILED" if isinstance(error, GraphQLSyntaxError) else _INVALID


class CodedErrors(SchemaExtension):
    """Give every GraphQL error an ``extensions.code`` and hide unexpected exceptions' text.

    It wraps the whole operation, so documents refused before execution (unparsable, invalid, too
    complex) are coded too: ``GRAPHQL_PARSE_FAILED``, ``GRAPHQL_VALIDATION_FAILED`` or the limiter's code.
    """

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:  # ParserCache parses inside its hook: a refused document leaves as an exception
            if _code_of(error) is None:
                error.extensions = {**(error.extensions or {}), "code": _pre_execution_code(error)}
            raise
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [self._coded(error) for error in result.errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None:
            extensions = {"code": _code_of(error) or _pre_execution_code(error)}
            return GraphQLError(error.message, error.nodes, error.source, error.positions, error.path,
                                extensions={**(error.extensions or {}), **extensions})  # fmt: skip
        if isinstance(original, DomainError):
            return GraphQLError(original.message, error.nodes, error.source, error.positions, error.path,
                                original_error=original, extensions={"code": original.code.value})  # fmt: skip
        if isinstance(original, GraphQLError):  # a permission refusal, or a variable value the schema refused
            extensions = {**(error.extensions or {}), "code": _code_of(error) or _code_of(original) or _INVALID}
            return GraphQLError(error.message, error.nodes, error.source, error.positions, error.path,
                                original_error=original, extensions=extensions)  # fmt: skip
        if error.extensions and "code" in error.extensions:
            return error
        if isinstance(original, DBAPIError) and isinstance(original.orig, QueryCanceled):
            _log.warning("a statement ran too long in %s and was cancelled", error.path)
            return GraphQLError("查询耗时过长，已被中止；请缩小范围（例如按下级组织分别查询）后再试", error.nodes,
                                error.source, error.positions, error.path,
                                extensions={"code": ErrorCode.QUERY_TIMEOUT.value})  # fmt: skip
        _log.error("unexpected error in %s", error.path, exc_info=original)
        return GraphQLError("服务器内部错误，请稍后再试或联系系统管理员", error.nodes, error.source, error.positions,
                            error.path, extensions={"code": "INTERNAL_ERROR"})  # fmt: skip
