"""Rows read in a process of their own and handed over a thousand at a time.

An import's own process is its bottleneck: one interpreter reads the file, finds each row's unit, hands chunks
to the checking workers and builds the writes, while the workers and PostgreSQL wait on it. Parsing a big
sheet's XML (``streamed_sheet``) is about 140 µs of CPU a row, as much as the rest of that process's work;
done here, it runs on another core beside the rest, and the import process only unpickles the rows (a few µs
each). The reading process is spawned (the import process holds threads and connections), stops when the
rows are not wanted any more, and its failures are raised where the rows are read, as they would have been.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable, Generator, Iterable
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Any, Final, TypeVar

BATCH_ROWS: Final = 1_000
QUEUED_BATCHES: Final = 8  # ~8,000 rows in flight at most: memory stays flat when the reader is ahead
_POLL_SECONDS: Final = 1.0
_ROWS, _END, _FAILED = "rows", "end", "failed"

Source = TypeVar("Source")
Row = TypeVar("Row")


def rows_read_apart(read: Callable[[Source], Iterable[Row]], source: Source) -> Generator[Row]:
    """The rows ``read(source)`` gives, read in a spawned process; ``read`` must be a module-level function
    and what it raises must pickle."""
    context = multiprocessing.get_context("spawn")
    batches: Queue[tuple[str, Any]] = context.Queue(QUEUED_BATCHES)
    reader = context.Process(target=_send_rows, args=(read, source, batches), name="roster-reader", daemon=True)
    reader.start()
    try:
        while True:
            kind, content = _next_message(batches, reader)
            if kind == _END:
                return
            if kind == _FAILED:
                raise content
            yield from content
    finally:
        if reader.is_alive():  # the rows were not read to the end: the reader may be waiting to hand more over
            reader.terminate()
        reader.join()
        batches.close()


def _next_message(batches: Queue[tuple[str, Any]], reader: BaseProcess) -> tuple[str, Any]:
    while True:
        try:
            return batches.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if not reader.is_alive() and batches.empty():
                message = f"the process reading the rows ended without finishing (exit {reader.exitcode})"
                raise RuntimeError(message) from None


def _send_rows(read: Callable[[Source], Iterable[Row]], source: Source, batches: Queue[tuple[str, Any]]) -> None:
    """The reading process: the rows in batches, then the end or what went wrong."""
    importer = os.getppid()
    batch: list[Row] = []
    try:
        for row in read(source):
            batch.append(row)
            if len(batch) == BATCH_ROWS:
                _hand_over(batches, (_ROWS, batch), importer)
                batch = []
    except Exception as exc:  # raised in the import process, after the rows read before it
        _hand_over(batches, (_ROWS, batch), importer)
        _hand_over(batches, (_FAILED, exc), importer)
        return
    _hand_over(batches, (_ROWS, batch), importer)
    _hand_over(batches, (_END, None), importer)


def _hand_over(batches: Queue[tuple[str, Any]], message: tuple[str, Any], importer: int) -> None:
    """Queue ``message``, waiting while the queue is full, unless the import process is gone (killed: nobody
    will read, and nobody would stop this process)."""
    while True:
        try:
            batches.put(message, timeout=_POLL_SECONDS)
            return
        except queue.Full:
            if os.getppid() != importer:
                os._exit(1)
