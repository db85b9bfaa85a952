"""Mistakes clerks make in rosters, made on purpose so an importer's error report can be checked.

Each kind is what a real roster gets wrong, and says what the standard's ``validate_member`` finds in the
row once it is read back (``error``, on ``field``) — or that the row stays valid, because the mistake is
one that normalisation repairs (full-width digits, stray spaces, a first-generation 15-digit ID), or one
only the whole file shows (the same ID twice). Which rows get a mistake, and which, follows the seed.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from exchange.standard import ProblemCode
from province_node.rosters.layouts import Column
from province_node.synthetic.names import below, pick, pick_weighted
from province_node.synthetic.people import Person


class Mistake(StrEnum):
    """The kinds of mistakes, with what the standard makes of each."""

    WRONG_CHECK_CHARACTER = "wrong_check_character"  # ID_CHECKSUM
    EXCEL_NUMBER = "excel_number"  # ID_EXCEL_NUMBER: Excel kept 15 digits of an ID typed as a number
    MISSING_REQUIRED = "missing_required"  # VALUE_REQUIRED (MEMBER_WITHOUT_UNIT/UNION for unit/union)
    DUPLICATE_ID = "duplicate_id"  # valid on its own: an earlier row of the file has the same person
    UNKNOWN_LABEL = "unknown_label"  # CODE_UNKNOWN: a label no code list has, e.g. 学历 "家里蹲"
    SHORT_PHONE = "short_phone"  # PHONE_FORMAT: a mobile number with 10 digits
    FULL_WIDTH_DIGITS = "full_width_digits"  # valid after normalisation (NFKC)
    TRAILING_SPACES = "trailing_spaces"  # valid after normalisation
    OLD_ID = "old_id"  # valid: a 15-digit first-generation ID, upgraded with the ID_UPGRADED warning


@dataclass(frozen=True, slots=True)
class DirtyRow:
    """A row given a mistake: where, which, and what ``validate_member`` is to say about it."""

    row: int  # the row number a clerk sees: the header is row 1, the first member row 2
    mistake: Mistake
    field: str  # the field the mistake is in
    error: ProblemCode | None  # the error on ``field``; None: the row is still valid
    warning: ProblemCode | None = None  # a warning the row is to carry
    original_row: int | None = None  # for a duplicate: the earlier row with the same ID


# Labels found in real rosters that no code list has.
UNKNOWN_LABELS: Final = {
    "education": ("家里蹲", "本科在读", "自考本科"),
    "householdType": ("外地户口", "集体户口"),
    "employmentStatus": ("临时工", "合同工"),
    "unionPosition": ("组长", "会计"),
    "ethnicity": ("穿青人", "汉人"),
    "politicalStatus": ("入党积极分子", "团员（已超龄）"),
    "idType": ("军官证", "驾驶证"),
    "gender": ("未知",),
    "nationality": ("中华",),
    "newEmploymentForm": ("滴滴司机", "跑腿"),
    "positionKind": ("全职",),
    "cardStatus": ("已领",),
}
# Fields whose blank the standard refuses; gender, birth date and ID type are derived or defaulted instead.
_NEVER_MISSING: Final = frozenset({"gender", "birthDate", "idType", "nationality", "sequence"})
_MISSING_ERRORS: Final = {"unit": ProblemCode.MEMBER_WITHOUT_UNIT, "union": ProblemCode.MEMBER_WITHOUT_UNION}
_FULL_WIDTH: Final = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
_SPACES: Final = ("  ", " ", "\u3000", "\t")
_WEIGHTS: Final = {
    Mistake.WRONG_CHECK_CHARACTER: 15,
    Mistake.EXCEL_NUMBER: 10,
    Mistake.MISSING_REQUIRED: 15,
    Mistake.DUPLICATE_ID: 10,
    Mistake.UNKNOWN_LABEL: 10,
    Mistake.SHORT_PHONE: 10,
    Mistake.FULL_WIDTH_DIGITS: 10,
    Mistake.TRAILING_SPACES: 10,
    Mistake.OLD_ID: 10,
}
_RECENT: Final = 1000  # duplicates copy one of this many recent clean rows


def wrong_check_character(number: str, rng: random.Random) -> str:
    """``number`` with another check character (never one that makes it end in 000, which reads as Excel's)."""
    choices = [char for char in "0123456789X" if char != number[17] and not (char == "0" and number[15:17] == "00")]
    return number[:17] + pick(rng, choices)


def excel_number(number: str) -> float:
    """What Excel keeps of an 18-digit ID typed into a General cell: 15 significant digits."""
    return float(int(number[:15]) * 1000)


def first_generation(number: str) -> str:
    """The 15-digit first-generation form of an 18-digit ID of someone born in the 1900s."""
    return number[:6] + number[8:17]


class Mistakes:
    """Chooses the rows to spoil and spoils their cells: ``share`` of the rows, kinds in fixed proportions.

    Per row, ``choose`` says which mistake (or none); a duplicate copies the person of a recent clean row
    (``remember``, ``duplicate``); any other kind is made by ``spoil`` in the row's cells (field -> value),
    which returns the ``DirtyRow`` describing it. Kinds a layout cannot show (no phone column) are skipped.
    """

    def __init__(
        self,
        share: float,
        columns: Sequence[Column],
        required: frozenset[str],
        *,
        seed: int,
        kinds: Sequence[Mistake] = tuple(Mistake),
    ) -> None:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"the dirty share must be between 0 and 1, not {share}")
        self.share = share
        self.rng = random.Random(f"unionfed mistakes {seed}")  # noqa: S311 - synthetic data
        fields = [column.field for column in columns]
        self.missing = [name for name in fields if name in required and name not in _NEVER_MISSING]
        self.labelled = [name for name in fields if name in UNKNOWN_LABELS]
        self.kinds = [kind for kind in dict.fromkeys(kinds) if self.possible(kind, fields)]
        self.recent: deque[tuple[int, Person]] = deque(maxlen=_RECENT)

    def possible(self, kind: Mistake, fields: Sequence[str]) -> bool:
        """True when the layout has what ``kind`` needs."""
        if kind is Mistake.MISSING_REQUIRED:
            return bool(self.missing)
        if kind is Mistake.UNKNOWN_LABEL:
            return bool(self.labelled)
        if kind is Mistake.SHORT_PHONE:
            return "phone" in fields
        return "idNumber" in fields

    def choose(self, person: Person) -> Mistake | None:
        """The mistake for the next row, or None to leave it clean."""
        rng = self.rng
        if not self.share or not self.kinds or rng.random() >= self.share:
            return None
        kinds = [
            kind
            for kind in self.kinds
            if (kind is not Mistake.OLD_ID or person.birth_date.year < 1985)
            and (kind is not Mistake.DUPLICATE_ID or self.recent)
        ]
        return pick_weighted(rng, [(kind, _WEIGHTS[kind]) for kind in kinds]) if kinds else None

    def duplicate(self) -> tuple[int, Person]:
        """An earlier clean row to copy: (its row number, its person)."""
        return self.recent[below(self.rng, len(self.recent))]

    def remember(self, row: int, person: Person) -> None:
        """Note a clean row, which a later duplicate may copy."""
        if self.share:
            self.recent.append((row, person))

    def spoil(self, row: int, kind: Mistake, cells: dict[str, object]) -> DirtyRow:
        """Make ``kind`` of mistake in ``cells`` (the row's values by field); what was done."""
        rng = self.rng
        number = str(cells["idNumber"])
        if kind is Mistake.WRONG_CHECK_CHARACTER:
            cells["idNumber"] = wrong_check_character(number, rng)
            return DirtyRow(row, kind, "idNumber", ProblemCode.ID_CHECKSUM)
        if kind is Mistake.EXCEL_NUMBER:
            cells["idNumber"] = excel_number(number)
            return DirtyRow(row, kind, "idNumber", ProblemCode.ID_EXCEL_NUMBER)
        if kind is Mistake.MISSING_REQUIRED:
            field = pick(rng, self.missing)
            cells[field] = None
            return DirtyRow(row, kind, field, _MISSING_ERRORS.get(field, ProblemCode.VALUE_REQUIRED))
        if kind is Mistake.UNKNOWN_LABEL:
            field = pick(rng, self.labelled)
            cells[field] = pick(rng, UNKNOWN_LABELS[field])
            return DirtyRow(row, kind, field, ProblemCode.CODE_UNKNOWN)
        if kind is Mistake.SHORT_PHONE:
            phone = str(cells["phone"])
            dropped = 3 + below(rng, 8)
            cells["phone"] = phone[:dropped] + phone[dropped + 1 :]
            return DirtyRow(row, kind, "phone", ProblemCode.PHONE_FORMAT)
        if kind is Mistake.FULL_WIDTH_DIGITS:
            field = "idNumber" if "phone" not in cells or rng.random() < 0.6 else "phone"
            cells[field] = str(cells[field]).translate(_FULL_WIDTH)
            return DirtyRow(row, kind, field, None)
        if kind is Mistake.TRAILING_SPACES:
            field = pick(rng, [name for name in ("idNumber", "idNumber", "name", "phone") if name in cells])
            cells[field] = f"{cells[field]}{pick(rng, _SPACES)}"
            return DirtyRow(row, kind, field, None)
        if kind is Mistake.OLD_ID:
            cells["idNumber"] = first_generation(number)
            return DirtyRow(row, kind, "idNumber", None, warning=ProblemCode.ID_UPGRADED)
        raise ValueError(f"{kind} is made by the roster writer")  # DUPLICATE_ID replaces the whole person


def duplicate_row(row: int, original: int) -> DirtyRow:
    """The record of a row that repeats the person of an earlier row."""
    return DirtyRow(row, Mistake.DUPLICATE_ID, "idNumber", None, original_row=original)
