"""The outcome of checking one value: the normalised form, or the reasons it was refused."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from exchange.standard.identity import IdentityDocument
from exchange.standard.problems import Problem


@dataclass(frozen=True, slots=True)
class Verdict:
    """A checked value. ``normalized`` is set exactly when there are no errors."""

    input: object
    normalized: str | None
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the value may be stored (warnings do not prevent that)."""
        return not self.errors


@dataclass(frozen=True, slots=True)
class PersonIdVerdict(Verdict):
    """A checked ID number: the document it identifies and, where the number encodes them, birth date and gender."""

    birth_date: datetime.date | None = None
    gender: str | None = None
    document: IdentityDocument | None = None


@dataclass(frozen=True, slots=True)
class DateVerdict(Verdict):
    """A checked date. ``month_only`` when the input gave a year and month, stored as the 1st."""

    date: datetime.date | None = None
    month_only: bool = False


def refused(value: object, *errors: Problem) -> Verdict:
    """A verdict refusing ``value`` for ``errors``."""
    return Verdict(input=value, normalized=None, errors=errors)
