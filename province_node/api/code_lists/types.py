"""GraphQL types of code lists."""

from __future__ import annotations

import strawberry

from exchange.standard import CodeEntry, CodeList


@strawberry.type(name="CodeEntry", description="One code of a code list, with the labels it is known by.")
class CodeEntryType:
    code: str = strawberry.field(description="The stored code, e.g. `01`.")
    label: str = strawberry.field(description="Chinese label, as clerks see it in drop-downs.")
    label_en: str = strawberry.field(description="English label.")
    aliases: list[str] = strawberry.field(description="Other spellings accepted on import.")

    @classmethod
    def of(cls, entry: CodeEntry) -> CodeEntryType:
        """The GraphQL view of a standard code entry."""
        return cls(code=entry.code, label=entry.label, label_en=entry.label_en, aliases=list(entry.aliases))


@strawberry.type(name="CodeList", description="A code list of the national data standard.")
class CodeListType:
    name: str = strawberry.field(description="The list's name, e.g. `ethnicity`.")
    entries: list[CodeEntryType]

    @classmethod
    def of(cls, code_list: CodeList) -> CodeListType:
        """The GraphQL view of a standard code list."""
        return cls(name=code_list.name, entries=[CodeEntryType.of(entry) for entry in code_list])
