"""Synthetic rosters as clerks send them: member rosters (花名册) and organisation summaries (汇总表).

A member roster has the ``MEMBER_ROSTER`` layout's headers for a profile (``Layout.columns_for``), plus
the 所在工会 column when the file holds several unions; coded fields are written as labels, the way clerks
write them (sometimes the short form: 本科, 党员, 在职), dates as dates, ID numbers and phones as text.
A ``dirty`` share of rows gets the mistakes of ``mistakes.Mistake``, and the writer returns which rows
and what the standard is to say about each, so a test can hold an importer's error report against it.

Files are .xlsx (xlsxwriter in constant-memory mode: one row in memory at a time, so a million-row roster
costs no more memory than a small one) or .csv (UTF-8 with a byte-order mark, as Excel saves it, or
GB18030 as older Chinese Excel does). Writing is streamed: people are made as rows are written.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final, Protocol

from xlsxwriter import Workbook

from exchange.standard import Profile, code_list
from province_node.rosters.layouts import MEMBER_ROSTER, ORGANISATION_SUMMARY, Column
from province_node.synthetic.hierarchy import Organisation, ProvinceHierarchy
from province_node.synthetic.mistakes import DirtyRow, Mistake, Mistakes, duplicate_row
from province_node.synthetic.people import Person, PersonFactory

ENCODINGS: Final = {"utf-8": "utf-8-sig", "gb18030": "gb18030"}  # what we call them -> Python's codec
SUFFIXES: Final = (".xlsx", ".csv")
_EXCEL_EPOCH: Final = datetime.date(1899, 12, 30).toordinal()
# The short forms clerks write for some labels (every one an alias in the code lists), and how often.
CLERK_FORMS: Final = {
    "education": {"20": "本科", "30": "大专", "40": "中专", "60": "高中"},
    "politicalStatus": {"01": "党员", "03": "团员"},
    "employmentStatus": {"1": "在职"},
    "unionPosition": {"99": "会员"},
    "householdType": {"1": "农村户口", "2": "城镇户口"},
}
CLERK_FORM_SHARE: Final = 0.15
HOME_COUNTY_SHARE: Final = 0.7  # members whose ID was issued in the county where they work
_CODED: Final = {
    "gender": "gender",
    "education": "education",
    "householdType": "household_type",
    "employmentStatus": "employment_status",
    "unionPosition": "union_position",
    "ethnicity": "ethnicity",
    "politicalStatus": "political_status",
    "newEmploymentForm": "new_employment_form",
    "positionKind": "position_kind",
    "cardStatus": "card_status",
}


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One member of a roster: the person, and the names (and codes) of their unit and union."""

    person: Person
    unit: str
    union: str
    unit_credit_code: str | None = None
    union_credit_code: str | None = None


@dataclass(frozen=True, slots=True)
class RosterReport:
    """What a roster writer wrote: the file, its columns, its member rows, the rows given mistakes."""

    path: Path
    columns: tuple[Column, ...]
    rows: int
    dirty: tuple[DirtyRow, ...]


def roster_entries(hierarchy: ProvinceHierarchy, *, seed: int) -> Iterator[RosterEntry]:
    """A person for every member of ``hierarchy``, union by union, each ID number distinct.

    Most IDs were issued in the county the member works in. Deterministic for the hierarchy and ``seed``.
    """
    rng = random.Random(f"unionfed people {hierarchy.province} {seed}")  # noqa: S311 - synthetic data
    factory = PersonFactory(hierarchy.province, rng, hierarchy.as_of)
    counties = frozenset(factory.regions)
    issued: set[int] = set()  # the 17-digit bodies given out: random IDs collide, a real roster has none
    for union, unit in hierarchy.member_slots():
        region = unit.region if unit.region in counties and rng.random() < HOME_COUNTY_SHARE else None
        person = factory.person(region)
        while int(person.id_number[:17]) in issued:
            person = factory.person(region)
        issued.add(int(person.id_number[:17]))
        yield RosterEntry(person, unit.name, union.name, unit.credit_code, union.credit_code)


def member_columns(profile: Profile, *, with_union: bool) -> tuple[Column, ...]:
    """The roster's columns for ``profile``, with 所在工会 when the file holds several unions."""
    columns = MEMBER_ROSTER.columns_for(profile)
    if with_union and not any(column.field == "union" for column in columns):
        union = next(column for column in MEMBER_ROSTER.all_columns if column.field == "union")
        columns = (*columns, union)
    return columns


class _Sheet(Protocol):
    """Where rows go: one header row, then value rows (``None`` is an empty cell)."""

    def row(self, values: Sequence[object]) -> None: ...

    def close(self) -> None: ...


class _XlsxSheet:
    """A one-sheet workbook in constant-memory mode; text columns as text, dates as dates."""

    def __init__(self, path: Path, title: str, columns: Sequence[Column]) -> None:
        self.book = Workbook(str(path), {"constant_memory": True})
        self.sheet = self.book.add_worksheet(title)
        self.text = self.book.add_format({"num_format": "@"})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        header = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.formats = [self.text if column.text else self.date if column.date else None for column in columns]
        for index, column in enumerate(columns):
            width = 22 if column.text else 12 if column.date else 6 if column.field == "sequence" else 16
            self.sheet.set_column(index, index, width, self.formats[index])
        self.sheet.freeze_panes(1, 0)
        for index, column in enumerate(columns):
            self.sheet.write_string(0, index, column.header, header)
        self.next = 1

    def row(self, values: Sequence[object]) -> None:
        sheet, row, formats = self.sheet, self.next, self.formats
        for index, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(row, index, value, formats[index])
            elif isinstance(value, datetime.date):  # a date cell is a day number formatted as a date
                sheet.write_number(row, index, value.toordinal() - _EXCEL_EPOCH, self.date)
            elif isinstance(value, int | float):
                sheet.write_number(row, index, value)  # General: how Excel keeps a number typed in
            else:
                sheet.write_string(row, index, str(value), formats[index])
        self.next = row + 1

    def close(self) -> None:
        self.book.close()


class _CsvSheet:
    """A CSV file as Excel saves one: dates as 2001-05-06, numbers as Excel shows them."""

    def __init__(self, path: Path, columns: Sequence[Column], encoding: str) -> None:
        self.file = path.open("w", encoding=ENCODINGS[encoding], newline="")
        self.writer = csv.writer(self.file)
        self.writer.writerow([column.header for column in columns])

    def row(self, values: Sequence[object]) -> None:
        self.writer.writerow([_csv_text(value) for value in values])

    def close(self) -> None:
        self.file.close()


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.5E}" if value >= 1e11 else f"{value:g}"  # 4.30102E+17: a General cell's display
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Output:
    """Opens the sheet a path's suffix asks for; a context manager that closes it."""

    def __init__(self, path: Path, title: str, columns: Sequence[Column], encoding: str) -> None:
        if path.suffix.lower() not in SUFFIXES:
            raise ValueError(f"a roster is written as .xlsx or .csv, not {path.suffix or 'no suffix'!r}")
        if encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}, not {encoding!r}")
        self.sheet: _Sheet = (
            _XlsxSheet(path, title, columns) if path.suffix.lower() == ".xlsx" else _CsvSheet(path, columns, encoding)
        )

    def __enter__(self) -> _Sheet:
        return self.sheet

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.sheet.close()


class _MemberCells:
    """Turns a roster entry into the row's values by field, labels written as clerks write them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.labels = {field: {entry.code: entry.label for entry in code_list(name)} for field, name in _CODED.items()}
        self.id_type = code_list("id_type").label("01")
        self.nationality = code_list("country").label("CHN")

    def label(self, field: str, code: str) -> str:
        forms = CLERK_FORMS.get(field)
        if forms and code in forms and self.rng.random() < CLERK_FORM_SHARE:
            return forms[code]
        return self.labels[field][code]

    def __call__(self, sequence: int, entry: RosterEntry, person: Person) -> dict[str, object]:
        label = self.label
        return {
            "sequence": sequence,
            "name": person.name,
            "gender": label("gender", person.gender),
            "idNumber": person.id_number,
            "nationality": self.nationality,
            "education": label("education", person.education),
            "phone": person.phone,
            "householdType": label("householdType", person.household_type),
            "unit": entry.unit,
            "employmentStatus": label("employmentStatus", person.employment_status),
            "unionPosition": label("unionPosition", person.union_position),
            "idType": self.id_type,
            "birthDate": person.birth_date,
            "ethnicity": label("ethnicity", person.ethnicity),
            "politicalStatus": label("politicalStatus", person.political_status),
            "joinedOn": person.joined_on,
            "newEmploymentForm": label("newEmploymentForm", person.new_employment_form),
            "positionKind": label("positionKind", person.position_kind),
            "union": entry.union,
            "unionCreditCode": entry.union_credit_code,
            "unitCreditCode": entry.unit_credit_code,
            "cardStatus": label("cardStatus", person.card_status),
        }


def write_member_roster(
    path: Path,
    entries: Iterable[RosterEntry],
    profile: Profile,
    *,
    with_union: bool,
    dirty: float = 0.0,
    seed: int = 0,
    encoding: str = "utf-8",
    kinds: Sequence[Mistake] = tuple(Mistake),
) -> RosterReport:
    """Write ``entries`` as a member roster (.xlsx or .csv by ``path``'s suffix) for ``profile``.

    ``dirty`` (0..1) is the share of rows given one of ``kinds`` of mistakes, chosen by ``seed``;
    ``encoding`` (``utf-8`` or ``gb18030``) applies to CSV. Returns the rows made dirty and how.
    """
    columns = member_columns(profile, with_union=with_union)
    required = profile.member | {"name", "idNumber", "phone", "unit", "union"}
    mistakes = Mistakes(dirty, columns, required, seed=seed, kinds=kinds)
    cells = _MemberCells(random.Random(f"unionfed roster labels {seed}"))  # noqa: S311 - synthetic data
    fields = [column.field for column in columns]
    spoilt: list[DirtyRow] = []
    count = 0
    with _Output(path, MEMBER_ROSTER.title, columns, encoding) as sheet:
        for count, entry in enumerate(entries, start=1):
            row = count + 1  # the header is row 1
            person = entry.person
            kind = mistakes.choose(person)
            if kind is None:
                mistakes.remember(row, person)
            elif kind is Mistake.DUPLICATE_ID:
                original, person = mistakes.duplicate()
                spoilt.append(duplicate_row(row, original))
            values = cells(count, entry, person)
            if kind is not None and kind is not Mistake.DUPLICATE_ID:
                spoilt.append(mistakes.spoil(row, kind, values))
            sheet.row([values[field] for field in fields])
    return RosterReport(path=path, columns=columns, rows=count, dirty=tuple(spoilt))


@dataclass(frozen=True, slots=True)
class SummaryReport:
    """What an organisation summary holds: the file, its columns, its rows (one per unit) and unions."""

    path: Path
    columns: tuple[Column, ...]
    rows: int
    unions: int


def _summary_rows(top: Organisation) -> Iterator[tuple[Organisation, Organisation, int]]:
    """(parent, grassroots union, index of a unit) for every unit below ``top``, in tree order."""
    for parent, union in top.walk():
        if union.is_grassroots and parent is not None:
            for index in range(len(union.units)):
                yield parent, union, index


def write_organisation_summary(
    path: Path, top: Organisation | ProvinceHierarchy, profile: Profile, *, encoding: str = "utf-8"
) -> SummaryReport:
    """Write the grassroots unions below ``top`` as an organisation summary: one row per unit, the seed's
    columns plus those ``profile`` requires. 备注 names the union's parent (the layout has no column for
    it) and flags a unit or union without legal-person status, whose code the node is to issue."""
    top = top.root if isinstance(top, ProvinceHierarchy) else top
    columns = ORGANISATION_SUMMARY.columns_for(profile)
    nature = {entry.code: entry.label for entry in code_list("unit_nature")}
    union_type = {entry.code: entry.label for entry in code_list("union_type")}
    getters: dict[str, Callable[[Organisation, Organisation, int, int], object]] = {
        "sequence": lambda parent, union, index, sequence: sequence,
        "unit.name": lambda parent, union, index, sequence: union.units[index].name,
        "unit.creditCode": lambda parent, union, index, sequence: union.units[index].credit_code,
        "unit.nature": lambda parent, union, index, sequence: nature[union.units[index].nature],
        "unit.address": lambda parent, union, index, sequence: union.units[index].address,
        "unit.employeeCount": lambda parent, union, index, sequence: union.units[index].employee_count,
        "union.name": lambda parent, union, index, sequence: union.name,
        "union.foundedOn": lambda parent, union, index, sequence: union.founded_on,
        "union.unionType": lambda parent, union, index, sequence: union_type[union.union_type],
        "union.memberCount": lambda parent, union, index, sequence: union.units[index].members,
        "union.leader": lambda parent, union, index, sequence: union.leader,
        "union.phone": lambda parent, union, index, sequence: union.phone,
        "note": lambda parent, union, index, sequence: _note(parent, union, index),
        "union.creditCode": lambda parent, union, index, sequence: union.credit_code,
        "union.termStart": lambda parent, union, index, sequence: union.term_start,
        "union.termEnd": lambda parent, union, index, sequence: union.term_end,
    }
    row_of = [getters[column.field] for column in columns]
    rows = 0
    unions: set[int] = set()
    with _Output(path, ORGANISATION_SUMMARY.title, columns, encoding) as sheet:
        for parent, union, index in _summary_rows(top):
            rows += 1
            unions.add(id(union))
            sheet.row([value(parent, union, index, rows) for value in row_of])
    return SummaryReport(path=path, columns=columns, rows=rows, unions=len(unions))


def _note(parent: Organisation, union: Organisation, index: int) -> str:
    notes = [f"隶属：{parent.name}"]
    if union.needs_temporary_code and index == 0:
        notes.append("工会无法人资格，申请临时赋码")
    if union.units[index].needs_temporary_code:
        notes.append("单位无法人资格，申请临时赋码")
    return "；".join(notes)
