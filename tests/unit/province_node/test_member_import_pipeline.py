"""The bulk import's pipeline reads a roster as it goes: chunks are prepared while the rest of the file is
still unread, so a million-row roster is never held in memory whole."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from province_node.rosters.member_import import CHUNK_ROWS, ResolvedRow, prepared_chunks
from province_node.rosters.member_rows import PreparationContext

CHUNKS = 12
CONTEXT = PreparationContext(
    province="43",
    profile_name="national",
    national_key=b"k" * 32,
    data_key=b"d" * 32,
    today=datetime.date(2026, 11, 22),
    fields=((0, "name"),),
)


class CountedRows:
    """Rows of unresolved members (refused, so cheap to prepare), counting how many were taken."""

    def __init__(self) -> None:
        self.taken = 0

    def __iter__(self) -> Iterator[ResolvedRow]:
        for number in range(CHUNKS * CHUNK_ROWS):
            self.taken += 1
            yield number, ["张三"], None, None


@pytest.mark.parametrize("workers", [1, 2])
def test_the_first_chunk_is_prepared_before_the_file_is_read_to_the_end(workers: int) -> None:
    rows = CountedRows()
    prepared = prepared_chunks(CONTEXT, iter(rows), workers)
    size, first = next(prepared)
    assert size == CHUNK_ROWS
    assert len(first.rejected) == CHUNK_ROWS
    assert rows.taken < CHUNKS * CHUNK_ROWS
    prepared.close()
