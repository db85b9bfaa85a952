"""The size of an answer, estimated from the query before anything runs.

Depth, aliases and tokens bound the *query*; nested lists can still multiply the *answer*: 500 members, each
with its union's children, each with their units, is a query of twenty tokens and an answer of hundreds of
thousands of objects. This rule multiplies out the lists a query asks for and refuses it when the estimate is
above a limit, with ``extensions.code`` ``QUERY_TOO_COSTLY``.

How a list is sized:
- a field with a ``first`` argument: that many (the argument's literal, its default, or for a variable the
  largest page there is); a connection passes its ``first`` on to its ``edges``;
- any other list: the size the schema's owner expects of it (``ListSizes.expected``, by ``Type.field``),
  else ``ListSizes.default_list``.

Each object in the answer counts one; scalar fields count nothing (the token limit bounds them). Fragments
count where they are spread, as many times as they are spread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

TOO_COSTLY: Final = {"code": "QUERY_TOO_COSTLY"}


@dataclass(frozen=True, slots=True)
class ListSizes:
    """What a list in an answer is taken to hold, for the estimate."""

    max_page: int  # a ``first`` given as a variable may be this large
    default_page: int  # a connection asked without ``first``
    default_list: int  # a list without ``first`` and not in ``expected``
    expected: Mapping[str, int]  # "Type.field" -> size, for lists whose size the schema's owner knows


class _Estimate:
    """The estimated number of objects in the answer to one operation."""

    def __init__(self, context: ValidationContext, sizes: ListSizes) -> None:
        self.schema = context.schema
        self.sizes = sizes
        self.fragments = {
            definition.name.value: definition
            for definition in context.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.spreading: list[str] = []  # fragments being counted, so a cycle (refused elsewhere) ends here

    def of(self, selections: SelectionSetNode, parent: GraphQLNamedType, page: int | None = None) -> int:
        """Objects answered for ``selections`` on one ``parent``; ``page`` is the size of a connection's edges."""
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.of(selection.selection_set, inner or parent, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread(selection, parent, page)
        return total

    def _field(self, node: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        fields: dict[str, GraphQLField] = getattr(parent, "fields", {})
        definition = fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 0  # a scalar, __typename, or an unknown field (refused by another rule)
        first = self._first(node, definition)
        listed = is_list_type(get_nullable_type(definition.type))
        if listed:
            expected = self.sizes.expected.get(f"{parent.name}.{node.name.value}", self.sizes.default_list)
            count = first if first is not None else page if page is not None else expected
        else:
            count = 1
        inner = None if listed else first  # a connection's page sizes its edges, and nothing deeper
        return count * (1 + self.of(node.selection_set, get_named_type(definition.type), inner))

    def _first(self, node: FieldNode, definition: GraphQLField) -> int | None:
        if "first" not in definition.args:
            return None
        for argument in node.arguments or ():
            if argument.name.value == "first":
                value = argument.value
                if isinstance(value, IntValueNode):
                    return max(0, int(value.value))
                if isinstance(value, VariableNode):
                    return self.sizes.max_page
                return self.sizes.default_page  # null
        declared = definition.args["first"]
        default = declared.default_value  # a schema built from code; one built from SDL keeps the literal
        if declared.default is not None and isinstance(declared.default.literal, IntValueNode):
            default = int(declared.default.literal.value)
        return default if isinstance(default, int) else self.sizes.default_page

    def _spread(self, node: FragmentSpreadNode, parent: GraphQLNamedType, page: int | None) -> int:
        name = node.name.value
        fragment = self.fragments.get(name)
        if fragment is None or name in self.spreading:
            return 0
        self.spreading.append(name)
        try:
            inner = self.schema.get_type(fragment.type_condition.name.value) or parent
            return self.of(fragment.selection_set, inner, page)
        finally:
            self.spreading.pop()


def result_size_rule(max_objects: int, sizes: ListSizes) -> type[ValidationRule]:
    """A validation rule refusing operations whose answer is estimated at more than ``max_objects`` objects."""

    class ResultSize(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            root = self.context.schema.get_root_type(node.operation)
            if root is None:
                return
            estimate = _Estimate(self.context, sizes).of(node.selection_set, root)
            if estimate > max_objects:
                self.report_error(
                    GraphQLError(
                        f"查询的结果估计有 {estimate} 个对象，超过上限 {max_objects}，请减少每页条数或嵌套的列表",
                        node,
                        extensions=TOO_COSTLY,
                    )
                )

    return ResultSize
