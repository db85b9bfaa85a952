"""The instructions sheet (填写说明) of a roster workbook, in Chinese: general rules, then one line per column.

What it promises follows the standard's validators (``exchange.standard``): the date forms ``parse_date``
accepts, the ID-number rules, labels or common short forms of code lists, and one ID, one member.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from exchange.standard import Profile, code_list
from province_node.rosters.layouts import MEMBER_ROSTER, Column, Layout

# What each column holds, by field (layouts.py's Column.field).
FIELD_GUIDE: Final[dict[str, str]] = {
    "sequence": "行号，可不填，导入时不读取",
    "note": "备注，导入时不读取",
    "name": "会员本人姓名，与证件一致；少数民族或外籍姓名中的间隔号写作“·”",
    "gender": "男或女；证件为居民身份证时可不填，系统按身份证号第17位自动判定（奇数为男、偶数为女），"
    "填写的须与号码一致",
    "idNumber": "证件号码，一人一号；18位居民身份证号末位X大小写均可，15位旧号码自动升级为18位",
    "nationality": "国籍，不填视为中国",
    "education": "最高学历",
    "phone": "本人手机号码，11位，以1开头、第二位为3至9",
    "householdType": "户籍类型",
    "unit": "会员所在的工作单位（用人单位）全称，须是已登记的单位；每名会员必须有所属单位",
    "employmentStatus": "就业状况",
    "unionPosition": "担任的工会职务，普通会员选“无（会员）”",
    "idType": "证件类型，不填视为居民身份证",
    "birthDate": "出生日期；居民身份证可不填，系统按号码推算，填写的须与号码一致",
    "ethnicity": "民族",
    "politicalStatus": "政治面貌",
    "joinedOn": "加入工会的日期，不能晚于今天",
    "newEmploymentForm": "是否新就业形态劳动者：不是选“否”，是则选择具体类别",
    "positionKind": "工会职务是专职、兼职还是挂职，无职务选“无”",
    "union": "会员所在的基层工会全称；一份名册包含多个基层工会的会员时填写，只导入一个基层工会时可不填",
    "unionCreditCode": "所在基层工会的统一社会信用代码或临时赋码；与工会名称一起填写可避免同名工会混淆",
    "unitCreditCode": "所属单位的统一社会信用代码或临时赋码；有同名单位时须填写",
    "cardStatus": "会员卡（服务卡）状态",
    "unit.name": "单位全称，与营业执照或登记证书一致",
    "unit.creditCode": "单位的18位统一社会信用代码；没有法人资格的单位填写临时赋码（Z开头）",
    "unit.nature": "单位性质（经济类型）",
    "unit.address": "单位地址",
    "unit.employeeCount": "职工人数，填写0或正整数",
    "union.name": "基层工会全称",
    "union.foundedOn": "建会日期",
    "union.unionType": "工会类型",
    "union.memberCount": "会员人数由系统统计，无需填写，导入时不读取",
    "union.leader": "工会负责人（主席）姓名",
    "union.phone": "工会联系电话，手机号或座机号（如 0731-84512345）",
    "union.creditCode": "工会的统一社会信用代码（基层工会以81开头）或临时赋码；基层工会必须填写",
    "union.termStart": "本届工会委员会任期开始日期",
    "union.termEnd": "本届工会委员会任期结束日期，须晚于开始日期",
}
DATE_FORMS: Final = "2001-05-06、2001/5/6、2001.05.06、20010506、2001年5月6日，或Excel日期单元格"
_LISTED_IN_FULL: Final = 12  # longer lists are only named: their labels are in the drop-down


def column_guide(column: Column) -> str:
    """How to fill ``column``: what it holds and in what form (one line)."""
    parts = [FIELD_GUIDE.get(column.field, column.header)]
    if column.code_list:
        labels = [entry.label for entry in code_list(column.code_list)]
        if len(labels) <= _LISTED_IN_FULL:
            parts.append("从下拉列表选择：" + "、".join(labels))
        else:
            parts.append(f"从下拉列表选择（共{len(labels)}项）")
    if column.text:
        parts.append("本列为文本格式，请原样填写，不要改成数值")
    if column.date:
        parts.append("日期，如 2001-05-06")
    return "；".join(parts) + "。"


def general_rules(layout: Layout, profile: Profile) -> list[str]:
    """The rules for the whole sheet, numbered in the order a clerk needs them."""
    one_row = (
        "每行填写一名会员。一证一会员：同一证件号码在表中只能出现一次，已在本省登记的会员不会重复登记。"
        if layout is MEMBER_ROSTER
        else "每行填写一个基层工会及其所在单位。联合基层工会覆盖多个单位时，每个单位占一行，工会信息重复填写。"
    )
    rules = [
        "第1行是列标题，请勿修改标题文字，也不要在标题上方插入行；列的顺序可以调整，用不到的选填列可以删除。",
        f"红色标题的列为必填（本省执行“{profile.label}”）。鼠标停在标题上可查看该列的填写说明。",
        one_row,
        "身份证号码、手机号码、统一社会信用代码等列已设为文本格式，请按文本原样输入或粘贴（粘贴时选择“只粘贴值”）。"
        "不要把这些列改成数值或“常规”格式：Excel 会把长号码变成 4.30102E+17 这样的科学计数，"
        "丢失的位数无法恢复，该行将被拒绝导入。",
        f"日期可写作 {DATE_FORMS}。只写年月（如 2001-05、2001年5月）按当月1日处理并给出提示；"
        "日在前或两位年份的写法（如 06/05/2001、01-5-6）有歧义，不予接受。",
        "带下拉箭头的列请从列表中选择；常见简称（如“本科”“团员”）也能识别，但列表以外的值会被拒绝。",
        "请勿合并单元格，不要在表中加入合计行或说明行。",
        "导入时系统逐行校验。每个问题都会指出行号、列名、所填的值和原因（中文说明及错误代码），"
        "有错误的行不会入库；请按提示改正后重新导入这些行。",
    ]
    return [f"{number}. {rule}" for number, rule in enumerate(rules, start=1)]


def write_instructions(
    book: Workbook,
    sheet: Worksheet,
    layout: Layout,
    profile: Profile,
    columns: Sequence[Column],
    required: frozenset[str],
) -> None:
    """Fill the instructions sheet, row by row (so it also works in constant-memory mode)."""
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    header = book.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 90)
    sheet.write_string(0, 0, f"{layout.title} 填写说明", title)
    row = 2
    sheet.write_string(row, 0, "一、总体要求", bold)
    row += 1
    for rule in general_rules(layout, profile):
        sheet.write_string(row, 0, rule)
        row += 1
    row += 1
    sheet.write_string(row, 0, "二、各列说明", bold)
    row += 1
    for index, text in enumerate(("列标题", "是否必填", "填写说明")):
        sheet.write_string(row, index, text, header)
    row += 1
    for column in columns:
        sheet.write_string(row, 0, column.header, wrap)
        sheet.write_string(row, 1, "必填" if column.field in required else "选填", wrap)
        sheet.write_string(row, 2, column_guide(column), wrap)
        row += 1
