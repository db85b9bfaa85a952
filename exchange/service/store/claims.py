"""Answering claims: insert every unheld token at once, then decide for the rest under row locks.

``INSERT ... ON CONFLICT DO NOTHING RETURNING`` grants the tokens nobody holds; of two provinces claiming
the same new token at the same moment, the second waits for the first's commit and finds the row. The
tokens already in the index are locked in token order and decided by ``domain.claims``; ended rows are
granted again in one ``UPDATE``. Claims never change the tally (a claim is not a member yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from exchange.service.db.pool import Connection
from exchange.service.domain.claims import ClaimAnswer, ClaimOutcome, decide_claim
from exchange.service.errors import ConcurrentChange
from exchange.service.store.rows import lock_rows
from exchange.service.store.tokens import TOKEN_ARRAY, TOKEN_ROWS, packed

_INSERT_CLAIMS: Final = f"""
INSERT INTO identity (token, province, status, claimed_at)
SELECT token, %s, 'claimed', now() FROM {TOKEN_ROWS} AS wanted
ON CONFLICT (token) DO NOTHING RETURNING encode(token, 'hex')
"""  # noqa: S608 - a constant fragment
_REGRANT: Final = f"""
UPDATE identity SET province = %s, status = 'claimed', claimed_at = now(), updated_at = now(), last_seq = NULL
WHERE token = ANY({TOKEN_ARRAY})
"""  # noqa: S608 - a constant fragment
GRANTED: Final = ClaimAnswer(ClaimOutcome.GRANTED)


async def claim(connection: Connection, province: str, tokens: Sequence[str]) -> list[ClaimAnswer]:
    """The answers to ``province``'s claims of ``tokens``, in their order (inside a transaction)."""
    unique = sorted(set(tokens))
    cursor = await connection.execute(_INSERT_CLAIMS, (province, packed(unique)))
    answers = {record[0]: GRANTED for record in await cursor.fetchall()}
    held = [token for token in unique if token not in answers]
    if held:
        rows = await lock_rows(connection, held)
        if len(rows) != len(held):
            raise ConcurrentChange("a row vanished between the insert and the lock")
        for token, row in rows.items():
            answers[token] = decide_claim(row, province)
        regranted = [token for token in held if answers[token].outcome is ClaimOutcome.GRANTED]
        if regranted:
            await connection.execute(_REGRANT, (province, packed(regranted)))
    return [answers[token] for token in tokens]
