"""What an import says back: per-row rejections with reasons, and the summary.

Field problems carry the standard's codes (``ID_CHECKSUM``, ``CODE_UNKNOWN``...); problems only an import
can have (the row names a union or unit nobody in scope has, repeats an earlier row, or is somebody
already registered elsewhere) carry the codes below, each with a Chinese message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class ImportMode(StrEnum):
    """What happens to a file with rejected rows."""

    DRY_RUN = "dry_run"  # check everything, write nothing
    ALL_OR_NOTHING = "all_or_nothing"  # write only if every row is accepted (the default)
    ACCEPT_VALID = "accept_valid"  # write the accepted rows, report the others


class RowProblemCode(StrEnum):
    """Stable codes of problems found with a row beyond its own fields."""

    UNION_NOT_FOUND = "UNION_NOT_FOUND"
    UNION_AMBIGUOUS = "UNION_AMBIGUOUS"
    UNIT_NOT_FOUND = "UNIT_NOT_FOUND"
    UNIT_AMBIGUOUS = "UNIT_AMBIGUOUS"
    DUPLICATE_IN_FILE = "DUPLICATE_IN_FILE"
    DUPLICATE_IN_PROVINCE = "DUPLICATE_IN_PROVINCE"
    DUPLICATE_IN_OTHER_PROVINCE = "DUPLICATE_IN_OTHER_PROVINCE"
    MEMBERSHIP_ENDED = "MEMBERSHIP_ENDED"
    FORMULA_ERROR = "FORMULA_ERROR"


ROW_MESSAGES: dict[RowProblemCode, str] = {
    RowProblemCode.UNION_NOT_FOUND: ("所在工会“{detail}”不在本次导入的范围内，或不是可登记会员的基层工会"),
    RowProblemCode.UNION_AMBIGUOUS: "导入范围内有多个名为“{detail}”的工会；请填写工会的统一社会信用代码",
    RowProblemCode.UNIT_NOT_FOUND: (
        "所属单位“{detail}”不在本次导入的范围内（所选工会及其下级没有这个单位）；请核对单位名称或统一社会信用代码，"
        "属于本范围而尚未登记的单位，请先导入组织信息汇总表或登记该单位"
    ),
    RowProblemCode.UNIT_AMBIGUOUS: "有多个名为“{detail}”的单位；请填写单位统一社会信用代码",
    RowProblemCode.DUPLICATE_IN_FILE: "与第 {detail} 行是同一证件号码（一证一会员）",
    RowProblemCode.DUPLICATE_IN_PROVINCE: (
        "该证件号码已登记为会员，所在：{detail}（一证一会员）；如需调整请办理会籍接转"
    ),
    RowProblemCode.DUPLICATE_IN_OTHER_PROVINCE: (
        "该证件号码已在{detail}登记为会员（一证一会员）；如本人已调动，请办理跨省会籍接转"
    ),
    RowProblemCode.MEMBERSHIP_ENDED: "该会员已终止会籍（{detail}）；如重新入会请在系统中办理",
    RowProblemCode.FORMULA_ERROR: "{detail}；请修正公式，或改为直接填写内容（“粘贴为数值”）",
}


@dataclass(frozen=True, slots=True)
class RowReason:
    """One reason a row was rejected or warned about."""

    field: str
    code: str
    message: str


@dataclass
class ImportSummary:
    """The outcome of one import."""

    mode: ImportMode
    layout: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: dict[int, list[RowReason]] = field(default_factory=dict)
    warnings: dict[int, list[RowReason]] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False
    report: str | None = None
    seconds: float = 0.0

    def reject(self, row: int, reason: RowReason) -> None:
        """Add a reason to refuse ``row``."""
        self.rejected.setdefault(row, []).append(reason)

    def as_json(self, *, rejections_shown: int = 1000) -> dict[str, object]:
        """The summary for ``--json`` and the API (the first ``rejections_shown`` rejected rows in detail)."""
        rejected_rows = sorted(self.rejected)
        return {
            "mode": self.mode.value,
            "layout": self.layout,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejectedRows": len(rejected_rows),
            "warningRows": len(self.warnings),
            "written": self.written,
            "ignoredColumns": self.ignored_columns,
            "report": self.report,
            "seconds": round(self.seconds, 3),
            "rowsPerSecond": round(self.rows / self.seconds) if self.seconds else None,
            "rejections": [
                {"row": row, "reasons": [asdict(reason) for reason in self.rejected[row]]}
                for row in rejected_rows[:rejections_shown]
            ],
        }


def formula_error(field_name: str, header: str, error: str) -> RowReason:
    """Why a row is refused when its cell under ``header`` holds a formula's error (``#N/A``, ``#REF!``)."""
    detail = f"“{header}”一栏的公式计算出错（{error}），读不出内容"
    message = ROW_MESSAGES[RowProblemCode.FORMULA_ERROR].format(detail=detail)
    return RowReason(field=field_name, code=RowProblemCode.FORMULA_ERROR.value, message=message)
