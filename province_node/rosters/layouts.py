"""The spreadsheet layouts clerks already use (STANDARD.md "Roster layouts"), as data.

One definition serves import (matching headers), templates (the columns, drop-downs, text formats) and
export (the same columns, so an export re-imports unchanged). Columns keep the seeds' order and Chinese
headers; a province's profile adds the fields it requires that the seed layout lacks.

- member roster (花名册, seed 003 附件3): one row per member;
- organisation summary (汇总表, seed 003 附件1): one row per unit and its grassroots union.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from exchange.standard import Profile


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a layout: the record field it holds and the headers it answers to."""

    field: str  # the standard's field name; organisation summaries prefix "unit." / "union."
    header: str  # the Chinese header, as in the seeds and in our templates
    english: str
    aliases: tuple[str, ...] = ()
    code_list: str | None = None  # values are labels (or codes) of this list
    text: bool = False  # an identifier: formatted as text so Excel cannot turn it into a number
    date: bool = False
    imported: bool = True  # False for columns shown but never read back (序号, 会员人数, 备注)

    @property
    def names(self) -> tuple[str, ...]:
        """Every header this column is recognised by."""
        return (self.header, self.english, self.field, *self.aliases)


@dataclass(frozen=True, slots=True)
class Layout:
    """A spreadsheet layout: its seed columns, and the columns a profile may add."""

    name: str
    title: str
    seed_columns: tuple[Column, ...]
    extra_columns: tuple[Column, ...]

    def columns_for(self, profile: Profile) -> tuple[Column, ...]:
        """The seed columns, then the extra columns this profile requires, in the layout's order."""
        required = {f"unit.{name}" for name in profile.unit} | {f"union.{name}" for name in profile.union}
        required |= profile.member
        extras = tuple(column for column in self.extra_columns if column.field in required)
        return self.seed_columns + extras

    @property
    def all_columns(self) -> tuple[Column, ...]:
        """Every column the layout knows (what import recognises)."""
        return self.seed_columns + self.extra_columns

    def column_for(self, header: object) -> Column | None:
        """The column a header cell names, if any (case, spaces, width and required-marks ignored)."""
        if not isinstance(header, str):
            return None
        return _index(self).get(header_key(header))


_REQUIRED_MARK = re.compile(r"^[*＊]+|[*＊]+$|[(（]\s*(必填|选填|必选)\s*[)）]$")


def header_key(header: str) -> str:
    """A header as compared: NFKC, no spaces or required-marks (``*姓名``, ``姓名（必填）``), case-folded."""
    text = unicodedata.normalize("NFKC", header)
    text = "".join(text.split())
    return _REQUIRED_MARK.sub("", text).casefold()


_INDEXES: dict[str, dict[str, Column]] = {}


def _index(layout: Layout) -> dict[str, Column]:
    index = _INDEXES.get(layout.name)
    if index is None:
        index = {header_key(name): column for column in layout.all_columns for name in column.names}
        _INDEXES[layout.name] = index
    return index


SEQUENCE = Column("sequence", "序号", "No.", ("编号",), imported=False)
NOTE = Column("note", "备注", "Note", ("说明",), imported=False)

MEMBER_ROSTER = Layout(
    name="member_roster",
    title="工会会员花名册",
    seed_columns=(
        SEQUENCE,
        Column("name", "姓名", "Name", ("会员姓名",)),
        Column("gender", "性别", "Gender", code_list="gender"),
        Column("idNumber", "身份证号码", "ID number", ("证件号码", "身份证号", "公民身份号码", "证件号"), text=True),
        Column("nationality", "国籍", "Nationality", code_list="country"),
        Column("education", "学历", "Education", ("最高学历", "文化程度"), code_list="education"),
        Column("phone", "手机号码", "Mobile", ("联系电话", "手机", "手机号", "联系方式"), text=True),
        Column("householdType", "户籍类型", "Household type", ("户口类型", "户口性质"), code_list="household_type"),
        Column("unit", "所属单位", "Unit", ("工作单位", "单位名称", "所在单位")),
        Column("employmentStatus", "就业状况", "Employment status", ("就业状态",), code_list="employment_status"),
        Column("unionPosition", "担任工会职务", "Union position", ("工会职务",), code_list="union_position"),
    ),
    extra_columns=(
        Column("idType", "证件类型", "ID type", code_list="id_type"),
        Column("birthDate", "出生日期", "Birth date", ("出生年月", "出生年月日"), date=True),
        Column("ethnicity", "民族", "Ethnicity", code_list="ethnicity"),
        Column("politicalStatus", "政治面貌", "Political status", code_list="political_status"),
        Column("joinedOn", "入会时间", "Joined on", ("入会日期", "入会年月"), date=True),
        Column(
            "newEmploymentForm",
            "新就业形态劳动者",
            "New employment form",
            ("是否新就业形态劳动者", "新就业形态"),
            code_list="new_employment_form",
        ),
        Column("positionKind", "专兼职工会职务标识", "Position kind", ("专兼职",), code_list="position_kind"),
        Column("union", "所在工会", "Union", ("所在基层工会", "工会名称", "基层工会")),
        Column(
            "unionCreditCode", "所在工会统一社会信用代码", "Union credit code", ("工会统一社会信用代码",), text=True
        ),
        Column("unitCreditCode", "单位统一社会信用代码", "Unit credit code", ("单位代码",), text=True),
        Column("cardStatus", "会员卡状态", "Card status", ("服务卡状态",), code_list="card_status"),
    ),
)

ORGANISATION_SUMMARY = Layout(
    name="organisation_summary",
    title="基层工会组织信息采集汇总表",
    seed_columns=(
        SEQUENCE,
        Column("unit.name", "单位名称", "Unit name"),
        Column(
            "unit.creditCode",
            "单位组织机构代码证",
            "Unit credit code",
            ("统一社会信用代码", "单位统一社会信用代码", "组织机构代码", "单位组织机构代码"),
            text=True,
        ),
        Column("unit.nature", "单位性质", "Unit nature", ("经济类型",), code_list="unit_nature"),
        Column("unit.address", "单位地址", "Unit address", ("地址",)),
        Column("unit.employeeCount", "职工人数", "Employees"),
        Column("union.name", "工会名称", "Union name"),
        Column("union.foundedOn", "建会时间", "Founded on", ("建会日期",), date=True),
        Column("union.unionType", "工会类型", "Union type", ("基层工会类型",), code_list="union_type"),
        Column("union.memberCount", "会员人数", "Members", imported=False),
        Column("union.leader", "工会负责人", "Union leader", ("工会主席", "负责人")),
        Column("union.phone", "联系电话", "Contact phone", ("工会联系电话",), text=True),
        NOTE,
    ),
    extra_columns=(
        Column(
            "union.creditCode",
            "工会统一社会信用代码",
            "Union credit code",
            ("社团法人统一社会信用代码", "工会代码"),
            text=True,
        ),
        Column("union.termStart", "届期开始日期", "Term start", ("届期开始",), date=True),
        Column("union.termEnd", "届期结束日期", "Term end", ("届期结束",), date=True),
    ),
)

LAYOUTS = {layout.name: layout for layout in (MEMBER_ROSTER, ORGANISATION_SUMMARY)}
