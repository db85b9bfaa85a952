"""Problems found in input: a stable English code, the field, and a message a clerk understands.

Validators never raise on bad input; they return problems. Whether a problem is an error (the value is
refused) or a warning (kept, but worth a look) is decided where it is reported: a ``Verdict`` carries the
two lists separately. Codes are part of the contract with clients and never change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class ProblemCode(StrEnum):
    """Stable codes for everything the standard can find wrong with a value or a record."""

    VALUE_REQUIRED = "VALUE_REQUIRED"
    VALUE_TOO_LONG = "VALUE_TOO_LONG"
    VALUE_TYPE = "VALUE_TYPE"
    VALUE_CHARACTERS = "VALUE_CHARACTERS"
    VALUE_NOT_COUNT = "VALUE_NOT_COUNT"

    ID_LENGTH = "ID_LENGTH"
    ID_CHARACTERS = "ID_CHARACTERS"
    ID_CHECKSUM = "ID_CHECKSUM"
    ID_BIRTH_DATE = "ID_BIRTH_DATE"
    ID_BIRTH_FUTURE = "ID_BIRTH_FUTURE"
    ID_PROVINCE = "ID_PROVINCE"
    ID_REGION_UNKNOWN = "ID_REGION_UNKNOWN"
    ID_UPGRADED = "ID_UPGRADED"
    ID_EXCEL_NUMBER = "ID_EXCEL_NUMBER"
    ID_FORMAT = "ID_FORMAT"
    ID_PASSPORT_COUNTRY = "ID_PASSPORT_COUNTRY"

    USCC_LENGTH = "USCC_LENGTH"
    USCC_CHARACTERS = "USCC_CHARACTERS"
    USCC_AUTHORITY = "USCC_AUTHORITY"
    USCC_REGION = "USCC_REGION"
    USCC_CHECKSUM = "USCC_CHECKSUM"
    USCC_IS_TEMPORARY = "USCC_IS_TEMPORARY"
    USCC_NOT_UNION = "USCC_NOT_UNION"
    TEMP_CODE_FORMAT = "TEMP_CODE_FORMAT"
    TEMP_CODE_PROVINCE = "TEMP_CODE_PROVINCE"
    TEMP_CODE_CHECKSUM = "TEMP_CODE_CHECKSUM"

    PHONE_FORMAT = "PHONE_FORMAT"
    PHONE_NOT_MOBILE = "PHONE_NOT_MOBILE"

    DATE_FORMAT = "DATE_FORMAT"
    DATE_IMPOSSIBLE = "DATE_IMPOSSIBLE"
    DATE_TOO_EARLY = "DATE_TOO_EARLY"
    DATE_FUTURE = "DATE_FUTURE"
    DATE_MONTH_ONLY = "DATE_MONTH_ONLY"

    CODE_UNKNOWN = "CODE_UNKNOWN"

    NAME_CHARACTERS = "NAME_CHARACTERS"
    GENDER_MISMATCH = "GENDER_MISMATCH"
    BIRTH_DATE_MISMATCH = "BIRTH_DATE_MISMATCH"
    MEMBER_AGE_RANGE = "MEMBER_AGE_RANGE"
    MEMBER_WITHOUT_UNIT = "MEMBER_WITHOUT_UNIT"
    MEMBER_WITHOUT_UNION = "MEMBER_WITHOUT_UNION"
    TERM_ORDER = "TERM_ORDER"


# Messages are templates over the parameters a validator passes; ``label`` is always the field's
# Chinese name. Every code has one (a test checks), so a new code cannot ship without its message.
MESSAGES: Final[dict[ProblemCode, str]] = {
    ProblemCode.VALUE_REQUIRED: "{label}为必填项，不能为空",
    ProblemCode.VALUE_TOO_LONG: "{label}过长（{length} 个字符），最多 {limit} 个字符",
    ProblemCode.VALUE_TYPE: "{label}应填写文字，表格中却是{kind}；请检查该列的单元格格式",
    ProblemCode.VALUE_CHARACTERS: "{label}“{value}”含有不允许的字符：{chars}",
    ProblemCode.VALUE_NOT_COUNT: "{label}“{value}”应为不小于 0 的整数",
    ProblemCode.ID_LENGTH: "{label}“{value}”应为 18 位（或 15 位旧号码），实际为 {length} 位",
    ProblemCode.ID_CHARACTERS: "{label}“{value}”只能由数字组成，最后一位可以是 X",
    ProblemCode.ID_CHECKSUM: "{label}“{value}”校验位错误：按前 17 位计算最后一位应为 {expected}，请核对是否录错",
    ProblemCode.ID_BIRTH_DATE: "{label}“{value}”中的出生日期 {digits} 不是真实日期",
    ProblemCode.ID_BIRTH_FUTURE: "{label}“{value}”中的出生日期 {birth} 晚于今天",
    ProblemCode.ID_PROVINCE: "{label}“{value}”前两位 {prefix} 不是有效的省级行政区划代码",
    ProblemCode.ID_REGION_UNKNOWN: "{label}前六位 {region} 不在行政区划代码表中，请核对（号码仍可使用）",
    ProblemCode.ID_UPGRADED: "15 位旧身份证号码已按国家标准升级为 18 位：{normalized}",
    ProblemCode.ID_EXCEL_NUMBER: (
        "{label}“{value}”已被 Excel 当作数字保存，后几位已经丢失；请把该列单元格格式设为“文本”后重新填写号码"
    ),
    ProblemCode.ID_FORMAT: "{label}“{value}”不符合{id_type}的格式：{expected}",
    ProblemCode.ID_PASSPORT_COUNTRY: (
        "{label}“{value}”须写明签发国家代码和护照号，如“CHN E12345678”；“{country}”不是有效的国家代码"
    ),
    ProblemCode.USCC_LENGTH: "{label}“{value}”应为 18 位，实际为 {length} 位",
    ProblemCode.USCC_CHARACTERS: (
        "{label}“{value}”含有不允许的字符 {chars}；统一社会信用代码只用数字和大写字母，"
        "不用 I、O、S、V、Z（常见错误：字母 O 应为数字 0，字母 I 应为数字 1）"
    ),
    ProblemCode.USCC_AUTHORITY: "{label}“{value}”第 1 位 {first} 不是有效的登记管理部门代码（应为 1-9、A、N 或 Y）",
    ProblemCode.USCC_REGION: "{label}“{value}”第 3 至 8 位应为行政区划代码（6 位数字）",
    ProblemCode.USCC_CHECKSUM: "{label}“{value}”校验位错误：按前 17 位计算最后一位应为 {expected}，请核对是否录错",
    ProblemCode.USCC_IS_TEMPORARY: "{label}“{value}”是系统临时赋码，不是统一社会信用代码",
    ProblemCode.USCC_NOT_UNION: "{label} {value} 不是工会的代码（工会的统一社会信用代码以 81 或 89 开头），请核对",
    ProblemCode.TEMP_CODE_FORMAT: "{label}“{value}”不是有效的临时赋码：应为 Z、2 位省份代码、14 位序号和 1 位校验码",
    ProblemCode.TEMP_CODE_PROVINCE: "{label}“{value}”中的省份代码 {province} 无效",
    ProblemCode.TEMP_CODE_CHECKSUM: "{label}“{value}”校验位错误，请核对是否录错",
    ProblemCode.PHONE_FORMAT: "{label}“{value}”格式不正确：{expected}",
    ProblemCode.PHONE_NOT_MOBILE: "{label}“{value}”是固定电话；此处须填写 11 位手机号码",
    ProblemCode.DATE_FORMAT: "{label}“{value}”无法识别为日期；请写成 2001-05-06 这样的格式",
    ProblemCode.DATE_IMPOSSIBLE: "{label}“{value}”不是真实存在的日期",
    ProblemCode.DATE_TOO_EARLY: "{label}“{value}”早于 1900 年，请核对",
    ProblemCode.DATE_FUTURE: "{label} {date} 晚于今天",
    ProblemCode.DATE_MONTH_ONLY: "{label}“{value}”只有年月，已按当月 1 日记录",
    ProblemCode.CODE_UNKNOWN: "{label}“{value}”不在代码表中；可选值如：{examples}",
    ProblemCode.NAME_CHARACTERS: "{label}“{value}”含有姓名中不应出现的字符：{chars}",
    ProblemCode.GENDER_MISMATCH: "性别“{gender}”与证件号码不符：号码显示为{expected}",
    ProblemCode.BIRTH_DATE_MISMATCH: "出生日期 {birth} 与证件号码中的出生日期 {expected} 不符",
    ProblemCode.MEMBER_AGE_RANGE: "入会时年龄为 {age} 岁，不在 16 至 100 岁之间，请核对",
    ProblemCode.MEMBER_WITHOUT_UNIT: "会员必须填写所属单位",
    ProblemCode.MEMBER_WITHOUT_UNION: "会员必须填写所在基层工会，不允许空挂会员",
    ProblemCode.TERM_ORDER: "届期结束日期 {end} 应晚于开始日期 {start}",
}

# The Chinese name of every field the standard knows, as clerks see it in rosters and messages.
FIELD_LABELS: Final[dict[str, str]] = {
    "name": "姓名",
    "idType": "证件类型",
    "idNumber": "证件号码",
    "gender": "性别",
    "birthDate": "出生日期",
    "phone": "联系电话",
    "ethnicity": "民族",
    "politicalStatus": "政治面貌",
    "education": "学历",
    "householdType": "户籍类型",
    "nationality": "国籍",
    "employmentStatus": "就业状况",
    "joinedOn": "入会时间",
    "newEmploymentForm": "新就业形态劳动者",
    "unionPosition": "工会职务",
    "positionKind": "专兼职工会职务标识",
    "unit": "所属单位",
    "union": "所在基层工会",
    "cardStatus": "会员卡状态",
    "creditCode": "统一社会信用代码",
    "unionType": "工会类型",
    "orgLevel": "组织层级",
    "nature": "单位性质",
    "address": "单位地址",
    "employeeCount": "职工人数",
    "foundedOn": "建会日期",
    "termStart": "届期开始日期",
    "termEnd": "届期结束日期",
    "leader": "工会负责人",
    "parent": "隶属关系",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a value: what (``code``), where (``field``) and why, in Chinese (``message``)."""

    code: ProblemCode
    field: str
    message: str


def problem(code: ProblemCode, field: str, **params: object) -> Problem:
    """Build a problem for ``field`` with the Chinese message for ``code`` filled in from ``params``."""
    label = FIELD_LABELS.get(field, field)
    return Problem(code=code, field=field, message=MESSAGES[code].format(label=label, **params))
