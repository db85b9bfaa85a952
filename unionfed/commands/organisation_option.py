"""The ``--org`` option of the roster commands: an organisation named by the id the API shows
(``T3JnYW5pc2F0aW9uOjEz``), by its row number (``13``) or by its unified social credit code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

HELP: Final = "its id (as the API shows it, or its number) or its credit code"
_LONGEST_NUMBER: Final = 17  # digits of a row number; a credit code has 18 characters, digits only for some


def organisation_key(reference: str) -> int | None:
    """The row key ``reference`` names by id or number; ``None`` when it can only be a credit code."""
    from province_node.services.pages import decode_key  # here: the commands start without the node's modules

    reference = reference.strip()
    if reference.isascii() and reference.isdigit() and len(reference) <= _LONGEST_NUMBER:
        return int(reference)
    return decode_key("Organisation", reference)


async def resolve_organisation(session: AsyncSession, reference: str) -> int:
    """The id of the organisation ``reference`` names (see ``organisation_key``, else a credit code, in any case);
    ``NotFound`` when there is none, ``RuleViolation`` for a credit code with control characters.

    Looked up in the whole tenant: ``import`` chooses its account from the organisation, so the scope is the
    command's to check afterwards (``export`` does, with the same ``NotFound``, so nothing tells them apart)."""
    from sqlalchemy import select

    from province_node.db.tables import Organisation
    from province_node.domain.errors import NotFound
    from province_node.services.pages import search_text

    key = organisation_key(reference)
    if key is not None:
        named = Organisation.id == key
    else:
        named = Organisation.credit_code == search_text(reference, what="统一社会信用代码").upper()
    found = await session.scalar(select(Organisation.id).where(named))
    if found is None:
        raise NotFound("工会组织")
    return int(found)
