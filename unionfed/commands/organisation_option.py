"""The ``--org`` option of the roster commands: an organisation named by the id the API shows
(``T3JnYW5pc2F0aW9uOjEz``), by its row number (``13``) or by its unified social credit code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from province_node.services.unit_of_work import UnitOfWork

HELP: Final = "its id (as the API shows it, or its number) or its credit code"
_LONGEST_NUMBER: Final = 17  # digits of a row number; a credit code has 18 characters, digits only for some


def organisation_key(reference: str) -> int | None:
    """The row key ``reference`` names by id or number; ``None`` when it can only be a credit code."""
    from province_node.services.pages import decode_key  # here: the commands start without the node's modules

    reference = reference.strip()
    if reference.isascii() and reference.isdigit() and len(reference) <= _LONGEST_NUMBER:
        return int(reference)
    return decode_key("Organisation", reference)


async def resolve_organisation(uow: UnitOfWork, reference: str) -> int:
    """The id of the organisation ``reference`` names (see ``organisation_key``, else a credit code, in any case):
    in the caller's subtree, or anywhere in the tenant before there is a caller (``import`` chooses its account
    from the organisation); ``NotFound`` otherwise, ``RuleViolation`` for a credit code with control characters."""
    from province_node.services.organisations import organisation_id_named

    return await organisation_id_named(uow, organisation_key(reference), reference)
