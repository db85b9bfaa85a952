"""Queries for code lists: every client builds its drop-downs from these."""

from __future__ import annotations

import strawberry

from exchange.standard import code_list, code_list_names
from province_node.api.code_lists.types import CodeListType


@strawberry.type
class CodeListQueries:
    @strawberry.field(description="Code lists of the national standard; all of them when `names` is omitted.")
    def code_lists(self, names: list[str] | None = None) -> list[CodeListType]:
        known = code_list_names()
        wanted = known if names is None else [name for name in names if name in known]
        return [CodeListType.of(code_list(name)) for name in wanted]

    @strawberry.field(description="One code list by name, or null when there is no such list.")
    def code_list(self, name: str) -> CodeListType | None:
        return CodeListType.of(code_list(name)) if name in code_list_names() else None
