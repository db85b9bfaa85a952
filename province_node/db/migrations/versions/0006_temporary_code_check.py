"""Temporary codes issued before the standard library's corrected check character get it.

The check character of a temporary code was the USCC check over its 16 digits with the weights shifted by
one, so a ``Z`` mistyped as a registration authority gave a valid USCC about once in 31. It is now the USCC
check over "0" + the 16 digits (``exchange/standard/credit_codes.py``). Only the check character changes: the
province and sequence digits, which make a code unique, stay, so no code can collide with another. A stored
code that follows neither rule is left as it is (it was refused on entry and cannot be there). The rules are
written out here, not imported, so this migration means the same whatever the library says later.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
TABLES = ("unit", "organisation")


def _uscc_check(body: str) -> str:
    total = sum(_ALPHABET.index(character) * weight for character, weight in zip(body, _WEIGHTS, strict=False))
    return _ALPHABET[(31 - total % 31) % 31]


def old_check(digits: str) -> str:
    """The check character temporary codes were issued with."""
    return _uscc_check(digits)


def new_check(digits: str) -> str:
    """The check character temporary codes are issued with now."""
    return _uscc_check("0" + digits)


def _recheck(table: str, *, issued_with: Callable[[str], str], reissue_with: Callable[[str], str]) -> None:
    connection = op.get_bind()
    codes = connection.execute(
        sa.text(f"SELECT id, credit_code FROM {table} WHERE credit_code ~ '^Z[0-9]{{16}}[0-9A-Y]$'")  # noqa: S608
    ).all()
    reissued = [
        {"code": f"Z{code[1:17]}{reissue_with(code[1:17])}", "id": key}
        for key, code in codes
        if code[17] == issued_with(code[1:17])
    ]
    if reissued:  # one statement for them all, not a round trip per code
        connection.execute(sa.text(f"UPDATE {table} SET credit_code = :code WHERE id = :id"), reissued)  # noqa: S608


def upgrade() -> None:
    for table in TABLES:
        _recheck(table, issued_with=old_check, reissue_with=new_check)


def downgrade() -> None:
    for table in TABLES:
        _recheck(table, issued_with=new_check, reissue_with=old_check)
