"""Rows read in a process of their own: all of them in order, failures raised where the rows are read, and the
process gone once the rows are not wanted."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest

from province_node.rosters.reading import SpreadsheetError
from province_node.rosters.reading_process import BATCH_ROWS, rows_read_apart

REPO = Path(__file__).resolve().parents[3]


def numbered_rows(count: int) -> Iterator[list[object]]:
    for number in range(1, count + 1):
        yield [number, f"张{number}"]


def rows_then_refusal(count: int) -> Iterator[list[object]]:
    yield from numbered_rows(count)
    raise SpreadsheetError("FILE_CORRUPT", "文件已损坏或不是有效的 xlsx 表格，读取到中途出错；请重新保存后上传")


def rows_then_death(count: int) -> Iterator[list[object]]:
    yield from numbered_rows(count)
    os._exit(9)  # as if killed for its memory


def test_every_row_comes_over_in_order() -> None:
    count = 3 * BATCH_ROWS + 7
    assert list(rows_read_apart(numbered_rows, count)) == list(numbered_rows(count))


def test_a_refusal_while_reading_is_raised_after_the_rows_before_it_with_its_code_and_message() -> None:
    rows = rows_read_apart(rows_then_refusal, 5)
    assert [row[0] for row in islice(rows, 5)] == [1, 2, 3, 4, 5]
    with pytest.raises(SpreadsheetError) as refused:
        next(rows)
    assert refused.value.code == "FILE_CORRUPT"
    assert "损坏" in refused.value.message


def test_a_reading_process_that_dies_is_an_error_not_the_end_of_the_file() -> None:
    with pytest.raises(RuntimeError, match="ended without finishing"):
        list(rows_read_apart(rows_then_death, 10))


def test_the_reading_process_stops_when_the_rows_are_not_wanted_any_more() -> None:
    rows = rows_read_apart(numbered_rows, 1_000_000)
    assert next(rows) == [1, "张1"]
    rows.close()
    assert multiprocessing.active_children() == []


KILLED_IMPORT = """
import multiprocessing, time
from province_node.rosters.reading_process import rows_read_apart
from tests.unit.rosters.test_reading_process import numbered_rows
rows = rows_read_apart(numbered_rows, 10_000_000)
next(rows)
print(multiprocessing.active_children()[0].pid, flush=True)
time.sleep(120)
"""


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (an exited one nobody has reaped yet is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_a_reading_process_whose_import_was_killed_ends_by_itself() -> None:
    command = [sys.executable, "-c", KILLED_IMPORT]
    with subprocess.Popen(command, stdout=subprocess.PIPE, cwd=REPO, text=True) as importer:
        assert importer.stdout is not None
        reader = int(importer.stdout.readline())
        importer.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 60  # against a hang only: the reader notices within a second or two
    while running(reader) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not running(reader)
