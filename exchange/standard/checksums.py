"""Check characters of the national identifiers (pure arithmetic, no validation policy)."""

from __future__ import annotations

from operator import mul
from typing import Final

# GB 11643-1999, ISO 7064 MOD 11-2: weights for the 17 body digits; remainder -> check character.
_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK: Final = "10X98765432"

# GB 32100-2015: 31 characters (no I, O, S, V, Z), mod 31 over 17 weights.
USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES: Final = {char: value for value, char in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def mod11_2_check(body: str) -> str:
    """The check character of a GB 11643 number from its first 17 digits."""
    return _ID_CHECK[sum(map(mul, map(int, body), _ID_WEIGHTS)) % 11]


def uscc_check(body: str) -> str:
    """The check character of a unified social credit code from its first 17 characters.

    The characters must come from ``USCC_ALPHABET``; temporary codes reuse it on ``0`` + their 16 digits.
    """
    total = sum(map(mul, map(_USCC_VALUES.__getitem__, body), _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]
