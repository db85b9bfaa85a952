"""The bulk import's fast checker against the standard's own validator: it may pass a row on to the
validator whenever it likes, but a row it accepts is one ``validate_member`` accepts, with the same values
and without warnings the fast path would swallow.

Rows are synthetic people written as clerks write them — labels, codes, aliases, English labels — with a
few fields perturbed: full-width digits, spaces, a lower-case x, missing cells, the other gender, numbers
and booleans where text belongs, dates as text, serials or date cells. Several rows go through one checker,
as in an import, so its per-column caches are part of what is tested.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from typing import Final

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from exchange.standard import code_list, validate_member
from exchange.standard.checksums import mod11_2_check
from exchange.standard.member_record import MEMBER_CODE_FIELDS
from province_node.rosters.member_rows import RowChecker
from province_node.synthetic.people import Person, PersonFactory

TODAY: Final = datetime.date(2026, 11, 22)
FIELDS: Final = ("name", "idNumber", "phone", "birthDate", "joinedOn", *MEMBER_CODE_FIELDS)
PERSON_ATTRIBUTES: Final = {
    "gender": "gender", "ethnicity": "ethnicity", "politicalStatus": "political_status", "education": "education",
    "householdType": "household_type", "employmentStatus": "employment_status",
    "newEmploymentForm": "new_employment_form", "unionPosition": "union_position", "positionKind": "position_kind",
    "cardStatus": "card_status",
}  # fmt: skip
FULL_WIDTH: Final = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
BLANKS: Final = ("", " ", "\u3000", "\t")
_EXCEL_EPOCH: Final = datetime.date(1899, 12, 30)
DATE_TEXT: Final[tuple[Callable[[datetime.date], object], ...]] = (
    lambda day: day,
    lambda day: datetime.datetime.combine(day, datetime.time()),
    lambda day: (day - _EXCEL_EPOCH).days,
    lambda day: float((day - _EXCEL_EPOCH).days),
    lambda day: str((day - _EXCEL_EPOCH).days),
    lambda day: day.isoformat(),
    lambda day: f"{day.year}/{day.month}/{day.day}",
    lambda day: f"{day.year}年{day.month}月{day.day}日",
    lambda day: f"{day:%Y%m%d}",
    lambda day: f"{day:%Y-%m}",
    lambda day: f" {day.isoformat()} ",
)


def clean_cell(field: str, person: Person, form: int) -> object:
    """The cell a careful clerk writes for ``field``: one of several accepted forms for coded fields."""
    if field == "name":
        return person.name
    if field == "idNumber":
        return person.id_number
    if field == "phone":
        return person.phone
    if field == "birthDate":
        return person.birth_date
    if field == "joinedOn":
        return person.joined_on
    code = {"idType": "01", "nationality": "CHN"}.get(field) or getattr(person, PERSON_ATTRIBUTES[field])
    entry = code_list(MEMBER_CODE_FIELDS[field]).get(code)
    assert entry is not None
    forms = [entry.label, entry.code, entry.label_en, *entry.aliases]
    return forms[form % len(forms)]


def perturbed_cells(field: str, person: Person, clean: object) -> list[object]:
    """Cells a hurried clerk or a spreadsheet program makes of ``field`` (some valid, most not)."""
    number = person.id_number
    other_gender = "女" if person.gender == "1" else "男"
    # Booleans next to the numbers they equal in Python (True == 1): a cache keyed by cell must tell them apart.
    common: list[object] = [True, 1, False, 0, 1.0, None, *BLANKS, f" {clean} ", f"{clean}\u3000", 1.5, "未知", "N/A"]
    if field == "name":
        return [*common, person.name[0] + " " + person.name[1:], person.name + "·", "Zhang San", person.name + "1",
                person.name * 6, "王" + "\u200b" + "芳", "ＡＢＣ"]  # fmt: skip
    if field == "idNumber":
        body = number[:17]
        wrong = body + ("0" if number[17] != "0" else "1")
        old = number[:6] + number[8:17] if number[6:8] == "19" else number
        return [*common, number.translate(FULL_WIDTH), number.lower(), f"{number[:6]} {number[6:14]} {number[14:]}",
                float(number[:17]), int(number[:17] + "0"), wrong, old, number[:17], number + "1",
                number[:6] + "20990101" + number[14:17] + mod11_2_check(number[:6] + "20990101" + number[14:17]),
                "99" + number[2:17] + mod11_2_check("99" + number[2:17]),
                float(old) if old != number else 1e17]  # fmt: skip
    if field == "phone":
        phone = person.phone
        return [*common, phone.translate(FULL_WIDTH), f"{phone[:3]}-{phone[3:7]}-{phone[7:]}", "+86" + phone,
                int(phone), float(phone), phone[:10], "0731-84512345", "12" + phone[2:]]  # fmt: skip
    if field in ("birthDate", "joinedOn"):
        day = person.birth_date if field == "birthDate" else person.joined_on
        shifted = day + datetime.timedelta(days=1)
        return [*common, *(form(day) for form in DATE_TEXT), *(form(shifted) for form in DATE_TEXT[:3]),
                TODAY + datetime.timedelta(days=1), datetime.date(1899, 12, 31), person.birth_date,
                "2001-02-30", "06/05/2001"]  # fmt: skip
    code = clean if isinstance(clean, str) else ""
    cells = [*common, code.translate(FULL_WIDTH), code.lower(), code.upper(), code.lstrip("0") or code, 2, 2.0]
    if code.isdigit():
        cells += [int(code), float(code)]
    if field == "gender":
        cells.append(other_gender)
    if field == "idType":
        cells += ["护照", "07", 7, "港澳居民居住证"]
    return cells


@st.composite
def rosters(draw: st.DrawFn) -> tuple[str, list[tuple[int, str]], list[list[object]]]:
    """(profile, sheet columns as (position, field), rows of cells) for one to four people."""
    profile_name = draw(st.sampled_from(("national", "hubei", "hunan")))
    fields = [field for field in FIELDS if draw(st.integers(0, 9)) > 0]  # a field's column is missing 1 in 10
    positions = draw(st.permutations(range(len(fields) + 2)))  # two columns are not person fields
    columns = [(positions[index], field) for index, field in enumerate(fields)]
    factory = PersonFactory("43", random.Random(draw(st.integers(0, 2**32))), TODAY)
    # The fields perturbed in this file, each with two kinds of mistake the rows share (so that the
    # checker's per-column caches meet the same cells in several forms, as in a real file).
    touched = draw(st.sets(st.sampled_from(fields), max_size=3)) if fields else set()
    kinds = {field: draw(st.lists(st.integers(0, 24), min_size=1, max_size=3)) for field in sorted(touched)}
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        person = factory.person()
        cells: list[object] = [draw(st.sampled_from(["芙蓉科技有限公司", None]))] * (len(fields) + 2)
        for position, field in columns:
            clean = clean_cell(field, person, draw(st.integers(0, 5)))
            if field in kinds and draw(st.booleans()):
                choices = perturbed_cells(field, person, clean)
                cells[position] = choices[draw(st.sampled_from(kinds[field])) % len(choices)]
            else:
                cells[position] = clean
        rows.append(cells)
    return profile_name, columns, rows


def boolean_after_number() -> tuple[str, list[tuple[int, str]], list[list[object]]]:
    """Two men whose gender cells are ``1`` then ``TRUE`` (a boolean cell), under one checker."""
    factory = PersonFactory("43", random.Random(11), TODAY)
    men = [person for person in (factory.person() for _ in range(20)) if person.gender == "1"][:2]
    rows = [[clean_cell(field, person, 0) for field in FIELDS] for person in men]
    rows[0][FIELDS.index("gender")], rows[1][FIELDS.index("gender")] = 1, True
    return "national", list(enumerate(FIELDS)), rows


def reference(checker: RowChecker, cells: Sequence[object]) -> tuple[dict[str, object], bool, bool]:
    """What the standard says of a row: (person values, valid, has warnings)."""
    verdict = validate_member(checker.record(cells), checker.profile, today=TODAY)
    values = {name: value for name, value in verdict.values.items() if name not in ("unit", "union")}
    return values, verdict.valid, bool(verdict.warnings)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters())
@example(boolean_after_number())
def test_the_fast_checker_accepts_only_what_the_standard_accepts_with_the_same_values(
    roster: tuple[str, list[tuple[int, str]], list[list[object]]],
) -> None:
    profile_name, columns, rows = roster
    checker = RowChecker(profile_name, TODAY, columns)
    for cells in rows:
        fast = checker.fast(cells)
        if fast is None:
            continue
        values, valid, warned = reference(checker, cells)
        assert valid, cells
        assert not warned, cells
        assert fast == values, cells


def test_a_clean_row_in_every_accepted_form_takes_the_fast_path() -> None:
    factory = PersonFactory("43", random.Random(7), TODAY)
    columns = list(enumerate(FIELDS))
    checker = RowChecker("hunan", TODAY, columns)
    for form in range(6):
        person = factory.person()
        cells = [clean_cell(field, person, form) for field in FIELDS]
        fast = checker.fast(cells)
        assert fast is not None, cells
        assert fast == reference(checker, cells)[0]


def test_a_row_the_fast_checker_declines_is_checked_by_the_standard_with_its_messages() -> None:
    person = PersonFactory("43", random.Random(8), TODAY).person()
    columns = list(enumerate(FIELDS))
    checker = RowChecker("hunan", TODAY, columns)
    cells = [clean_cell(field, person, 0) for field in FIELDS]
    cells[FIELDS.index("idNumber")] = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")
    _values, document, errors, _warnings = checker.check(cells)
    assert document is None
    assert [(error.field, error.code.value) for error in errors] == [("idNumber", "ID_CHECKSUM")]
    assert "校验位错误" in errors[0].message
