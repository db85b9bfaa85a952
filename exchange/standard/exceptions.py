"""Exceptions of the standard. Bad *input* is never an exception (validators return problems); these are
mistakes of configuration or of the calling code.

    StandardError
    ├── UnknownCodeList        a code list name that has no data file
    ├── UnknownProfile         a required-field profile that does not exist
    ├── BadCodeListData        a data file with a duplicate code, label or alias
    └── NationalKeyError       the identity-token key is missing, malformed or too short
"""

from __future__ import annotations


class StandardError(Exception):
    """Root of every exception raised by ``exchange.standard``."""


class UnknownCodeList(StandardError, LookupError):
    """No code list has this name."""


class UnknownProfile(StandardError, LookupError):
    """No required-field profile has this name."""


class BadCodeListData(StandardError):
    """A code list file contradicts itself (the same key meaning two entries)."""


class NationalKeyError(StandardError, ValueError):
    """The national key for identity tokens is unusable."""
