"""What an import says back: per-row rejections with reasons, and the summary.

Field problems carry the standard's codes (``ID_CHECKSUM``, ``CODE_UNKNOWN``...); problems only an import
can have (the row names a union or unit nobody in scope has, repeats an earlier row, or is somebody
already registered elsewhere) carry the codes below, each with a Chinese message.

The reasons of an import's rows (its rejections, and its warnings) are kept in ``RowReasons``, compactly: a
clerk's file can be refused on every one of a million rows, nearly always for a few reasons repeated (a unit
nobody registered, a column of labels no code list has), so each distinct reason is stored once and a row
holds a row number and a reason id per reason (6 bytes) instead of a list of objects. Reasons that differ on
every row (each names the row's own ID number) are stored one by one: past ``KEPT_REASONS`` of them, in an
anonymous temporary file.
"""

from __future__ import annotations

import marshal
import os
import tempfile
import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from itertools import islice
from typing import BinaryIO


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


KEPT_REASONS = 16_384  # distinct reasons held in memory (a few MB at most); new ones after them go to a file
_ROW_BITS = 16  # rows are kept in blocks of 65,536 numbers, each sorted on its own when rows come out of order
_ROW_MASK = (1 << _ROW_BITS) - 1
_NO_REASON = 0xFFFF_FFFF  # the id of "no reason": a row added without reasons still counts as given


@dataclass(slots=True)
class _Block:
    """The (row, reason id) pairs of one block of row numbers, in the order added until sorted."""

    rows: array[int] = field(default_factory=lambda: array("H"))  # row number minus the block's first
    reasons: array[int] = field(default_factory=lambda: array("I"))  # the reason id of each pair
    ordered: bool = True  # rows ascending; pairs of one row in the order added
    rows_given: int = 0  # distinct rows (counted as pairs arrive while ordered; recounted when sorted)

    def add(self, low: int, reason: int) -> None:
        rows = self.rows
        if not rows or low > rows[-1]:
            self.rows_given += 1
        elif low < rows[-1]:
            self.ordered = False
        rows.append(low)
        self.reasons.append(reason)

    def sort(self) -> None:
        """Order the pairs by row; stable, so each row's reasons stay in the order they were added."""
        if self.ordered:
            return
        order = sorted(range(len(self.rows)), key=self.rows.__getitem__)
        self.rows = array("H", map(self.rows.__getitem__, order))
        self.reasons = array("I", map(self.reasons.__getitem__, order))
        self.rows_given = len(set(self.rows))
        self.ordered = True


class RowReasons(Mapping[int, list[RowReason]]):
    """The reasons given for rows of one import, by row number: read like a dictionary (a row's reasons come as
    a list of its own each time), iterated in row order.

    Reasons may arrive in any order (a row's field problems after its unit's, the writer's duplicates at the
    end); a row's reasons keep the order they were added in. Each distinct reason is stored once (found again
    through the ``KEPT_REASONS`` most recently seen); the first ``KEPT_REASONS`` are held as they are, later
    ones written to an unnamed temporary file and read back when asked for. That file goes when this object
    does (its text is no more than the upload's, and the error report's, already on disk). One thread at a
    time: the member writer keeps its own.
    """

    def __init__(self) -> None:
        self._kept_limit = KEPT_REASONS
        self._blocks: dict[int, _Block] = {}
        self._kept: list[RowReason] = []  # reason id -> reason, for the first KEPT_REASONS ids
        self._ids: OrderedDict[RowReason, int] = OrderedDict()  # recently seen reasons, least recent first
        self._spilled: array[int] = array("Q")  # where each later reason ends in the file
        self._file: BinaryIO | None = None

    def add(self, row: int, reasons: Iterable[RowReason]) -> None:
        """Add ``reasons`` to those of ``row``; a row added with none counts as given all the same."""
        block = self._blocks.get(row >> _ROW_BITS)
        if block is None:
            block = self._blocks[row >> _ROW_BITS] = _Block()
        low = row & _ROW_MASK
        added = False
        for reason in reasons:
            block.add(low, self._id(reason))
            added = True
        if not added:
            block.add(low, _NO_REASON)

    @property
    def reasons_stored(self) -> int:
        """How many reasons are stored: a reason given on many rows is stored once."""
        return len(self._kept) + len(self._spilled)

    def first(self, count: int) -> list[tuple[int, list[RowReason]]]:
        """The first ``count`` rows, in row order, with their reasons."""
        return [(row, self[row]) for row in islice(self, count)]

    def __getitem__(self, row: int) -> list[RowReason]:
        ids = self._ids_of(row)
        if ids is None:
            raise KeyError(row)
        return [self._reason(reason) for reason in ids if reason != _NO_REASON]

    def __contains__(self, row: object) -> bool:
        return isinstance(row, int) and self._ids_of(row) is not None

    def __iter__(self) -> Iterator[int]:
        for key in sorted(self._blocks):
            block = self._blocks[key]
            block.sort()
            first, previous = key << _ROW_BITS, -1
            for low in block.rows:
                if low != previous:
                    previous = low
                    yield first + low

    def __len__(self) -> int:
        for block in self._blocks.values():
            block.sort()
        return sum(block.rows_given for block in self._blocks.values())

    def __bool__(self) -> bool:
        return bool(self._blocks)  # a block exists once a row was added; cheaper than counting

    def __repr__(self) -> str:
        return f"RowReasons({len(self)} rows, {self.reasons_stored} reasons stored)"

    def _ids_of(self, row: int) -> array[int] | None:
        block = self._blocks.get(row >> _ROW_BITS)
        if block is None:
            return None
        block.sort()
        low = row & _ROW_MASK
        start = bisect_left(block.rows, low)
        end = bisect_right(block.rows, low, start)
        return block.reasons[start:end] if end > start else None

    def _id(self, reason: RowReason) -> int:
        found = self._ids.get(reason)
        if found is not None:
            self._ids.move_to_end(reason)
            return found
        if len(self._kept) < self._kept_limit:
            found = len(self._kept)
            self._kept.append(reason)
        else:
            found = self._kept_limit + len(self._spilled)
            self._spill(reason)
        self._ids[reason] = found
        if len(self._ids) > self._kept_limit:
            self._ids.popitem(last=False)
        return found

    def _spill(self, reason: RowReason) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - open while this object lives, closed with it
            weakref.finalize(self, self._file.close)
        self._file.write(marshal.dumps((reason.field, reason.code, reason.message)))
        self._spilled.append(self._file.tell())

    def _reason(self, reason_id: int) -> RowReason:
        if reason_id < self._kept_limit:
            return self._kept[reason_id]
        index, file = reason_id - self._kept_limit, self._file
        if file is None:
            raise LookupError(f"reason {reason_id} was never stored")
        file.flush()
        start = self._spilled[index - 1] if index else 0
        data = os.pread(file.fileno(), self._spilled[index] - start, start)
        return RowReason(*marshal.loads(data))  # noqa: S302 - only this object writes its unnamed file


@dataclass
class ImportSummary:
    """The outcome of one import. Its refused and warned-about rows are added through ``reject`` and ``warn`` and
    read as mappings, in row order (typed as plain mappings: a caller reads them as the dictionaries they were)."""

    mode: ImportMode
    layout: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False
    report: str | None = None
    seconds: float = 0.0
    _rejected: RowReasons = field(default_factory=RowReasons, init=False)
    _warnings: RowReasons = field(default_factory=RowReasons, init=False)

    @property
    def rejected(self) -> Mapping[int, list[RowReason]]:
        """The refused rows with their reasons, in row order (added through ``reject``)."""
        return self._rejected

    @property
    def warnings(self) -> Mapping[int, list[RowReason]]:
        """The rows warned about with the warnings, in row order (added through ``warn``)."""
        return self._warnings

    def reject(self, row: int, reasons: Iterable[RowReason]) -> None:
        """Refuse ``row`` for ``reasons``, after any it was refused for already."""
        self._rejected.add(row, reasons)

    def warn(self, row: int, reasons: Iterable[RowReason]) -> None:
        """Warn about ``row``, after any warnings it has already."""
        self._warnings.add(row, reasons)

    def first_rejected(self, count: int) -> list[tuple[int, list[RowReason]]]:
        """The first ``count`` refused rows with their reasons, in row order (not every row sorted to find them)."""
        return self._rejected.first(count)

    def as_json(self, *, rejections_shown: int = 1000) -> dict[str, object]:
        """The summary for ``--json`` and the API (the first ``rejections_shown`` rejected rows in detail)."""
        return {
            "mode": self.mode.value,
            "layout": self.layout,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejectedRows": len(self._rejected),
            "warningRows": len(self._warnings),
            "written": self.written,
            "ignoredColumns": self.ignored_columns,
            "report": self.report,
            "seconds": round(self.seconds, 3),
            "rowsPerSecond": round(self.rows / self.seconds) if self.seconds else None,
            "rejections": [
                {"row": row, "reasons": [asdict(reason) for reason in reasons]}
                for row, reasons in self.first_rejected(rejections_shown)
            ],
        }


def formula_error(field_name: str, header: str, error: str) -> RowReason:
    """Why a row is refused when its cell under ``header`` holds a formula's error (``#N/A``, ``#REF!``)."""
    detail = f"“{header}”一栏的公式计算出错（{error}），读不出内容"
    message = ROW_MESSAGES[RowProblemCode.FORMULA_ERROR].format(detail=detail)
    return RowReason(field=field_name, code=RowProblemCode.FORMULA_ERROR.value, message=message)
