"""Importing a member roster, from file to committed rows: the bulk path.

    main thread: read (streamed) ─► resolve union/unit (cached) ─► chunks ─┐
    worker processes: check person fields, tokenise, seal ◄─────────────────┘
    writer thread: in-file duplicates, existing members, COPY + INSERT ... SELECT, in one transaction

The three run side by side, so reading, checking and writing overlap on both cores and the database. (A
sheet too big for calamine is parsed in a process of its own, ``reading_process``, and read from there.)
One transaction holds every write: killed at any point, the import leaves the database as it was; a
dry run or a refused all-or-nothing import rolls back. Rejected rows are collected with their reasons,
and an error report (the original rows with the reasons added) is written from a second pass over the
file. A small file is done in-process, without starting workers.
"""

from __future__ import annotations

import collections
import datetime
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

import psycopg

from exchange.standard import Problem, china_today
from province_node.domain.access import Caller, Permission
from province_node.domain.errors import ErrorCode, NotFound, RuleViolation
from province_node.exchange_link.claims import chunk_claims
from province_node.rosters.error_report import write_error_report
from province_node.rosters.headers import ColumnMap
from province_node.rosters.member_rows import ChunkResult, PreparationContext, prepare_chunk
from province_node.rosters.member_writer import PERSON_COLUMNS, MemberWriter, WriteScope
from province_node.rosters.outcome import ImportMode, ImportSummary, RowReason
from province_node.rosters.references import MEMBER_HOLDING_UNION_TYPES, ReferenceColumns, ReferenceResolver
from province_node.tenant import Tenant
from unionfed.postgres import libpq_url

_log = logging.getLogger(__name__)
CHUNK_ROWS = 4000
QUEUED_CHUNKS = 4
REFERENCE_FIELDS = {"union", "unionCreditCode", "unit", "unitCreditCode"}
Progress = Callable[[int], None]
ResolvedRow = tuple[int, Sequence[object], int | None, int | None]


@dataclass(frozen=True, slots=True)
class MemberImport:
    """One member roster to import into the subtree of ``organisation_id``."""

    path: Path
    file_name: str
    organisation_id: int
    mode: ImportMode = ImportMode.ALL_OR_NOTHING
    report_path: Path | None = None
    workers: int = max(1, (os.cpu_count() or 1))
    today: datetime.date = field(default_factory=china_today)


def _chosen_organisation(connection: psycopg.Connection[Any], caller: Caller, organisation_id: int) -> tuple[str, bool]:
    row = connection.execute(
        "SELECT ltree2text(path), union_type, dissolved_at IS NULL FROM organisation WHERE id = %s",
        (organisation_id,),
    ).fetchone()
    if row is None or not caller.governs(row[0]):
        raise NotFound("工会组织")
    if not row[2]:
        raise RuleViolation(ErrorCode.ORG_DISSOLVED, "所选工会已撤销，不能导入")
    return row[0], row[1] in MEMBER_HOLDING_UNION_TYPES


def _reasons(problems: list[Problem]) -> list[RowReason]:
    return [RowReason(field=item.field, code=item.code.value, message=item.message) for item in problems]


def _chunks(rows: Iterator[ResolvedRow]) -> Iterator[list[ResolvedRow]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def prepared_chunks(
    context: PreparationContext, rows: Iterator[ResolvedRow], workers: int
) -> Generator[tuple[int, ChunkResult]]:
    """(rows in chunk, prepared chunk), in file order: in worker processes once the file proves bigger
    than one chunk, in this process otherwise."""
    chunks = _chunks(rows)
    head = list(islice(chunks, 2))
    if len(head) < 2 or workers <= 1:
        for chunk in chain(head, chunks):
            yield len(chunk), prepare_chunk(context, chunk)
        return
    # Spawned, not forked: the parent holds threads and open connections.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: collections.deque[tuple[int, Future[ChunkResult]]] = collections.deque()
        for chunk in chain(head, chunks):  # lazily: never the whole file in memory, and reading overlaps writing
            pending.append((len(chunk), pool.submit(prepare_chunk, context, chunk)))
            while len(pending) > 2 * workers:
                size, future = pending.popleft()
                yield size, future.result()
        while pending:
            size, future = pending.popleft()
            yield size, future.result()


class _WriterThread(threading.Thread):
    """Runs a ``MemberWriter`` over chunks handed to it through a bounded queue."""

    def __init__(self, writer: MemberWriter) -> None:
        super().__init__(name="member-import-writer", daemon=True)
        self.writer = writer
        self.chunks: queue.Queue[list[Any] | None] = queue.Queue(QUEUED_CHUNKS)
        self.failure: BaseException | None = None

    def run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.failure is None:
                try:
                    self.writer.write(chunk)
                except BaseException as failure:  # handed back to the reading thread, which raises it
                    self.failure = failure

    def put(self, chunk: list[Any]) -> None:
        if self.failure is not None:
            raise self.failure
        self.chunks.put(chunk)

    def close(self) -> None:
        self.chunks.put(None)
        self.join()
        if self.failure is not None:
            raise self.failure


def import_members(
    tenant: Tenant,
    caller: Caller,
    request: MemberImport,
    columns: ColumnMap,
    rows: Iterator[tuple[int, list[object]]],
    *,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the data ``rows`` of a member roster whose header is ``columns``; synchronous (run it in a thread)."""
    caller.require(Permission.WRITE_MEMBERS)
    started = time.perf_counter()
    summary = ImportSummary(mode=request.mode, layout=columns.layout.name, ignored_columns=list(columns.ignored))
    url = libpq_url(tenant.settings.database_url)
    with psycopg.connect(url) as writing, psycopg.connect(url, autocommit=True) as reading:
        scope_path, chosen_is_union = _chosen_organisation(reading, caller, request.organisation_id)
        positions = {column.field: index for index, column in columns.columns.items()}
        resolver = ReferenceResolver(
            reading,
            scope_path,
            ReferenceColumns(*(positions.get(name) for name in ("union", "unionCreditCode", "unit", "unitCreditCode"))),
            chosen_union=request.organisation_id if chosen_is_union else None,
            title_union=columns.title_union,
        )
        context = PreparationContext(
            province=tenant.province,
            profile_name=tenant.profile.name,
            national_key=tenant.node.national_key.secret_bytes(),
            data_key=tenant.settings.data_key,
            today=request.today,
            fields=tuple((index, name) for name, index in positions.items() if name not in REFERENCE_FIELDS),
        )
        writer = MemberWriter(
            writing,
            WriteScope(caller, tenant.province, request.today, f"导入花名册 {request.file_name}"),
            tenant.cipher,
            request.mode,
            absent=frozenset(column for column, name in PERSON_COLUMNS.items() if name not in positions),
            claims=None if request.mode is ImportMode.DRY_RUN else chunk_claims(tenant.node.exchange, tenant.province),
        )
        thread = _WriterThread(writer)
        thread.start()
        try:
            for size, chunk in prepared_chunks(context, _resolved(rows, columns, resolver, summary), request.workers):
                for row, problems in chunk.rejected:  # after any reason the reader gave the row
                    summary.reject(row, _reasons(problems))
                for row, problems in chunk.warnings:
                    summary.warn(row, _reasons(problems))
                if summary.rejected:
                    writer.refused_elsewhere()
                thread.put(chunk.accepted)
                if progress:
                    progress(size)
        finally:
            thread.close()
        for row, reasons in writer.rejected.items():  # rows the reader and the checker let through
            summary.reject(row, reasons)
        summary.created, summary.updated, summary.unchanged = writer.created, writer.updated, writer.unchanged
        details: dict[str, object] = {**summary.as_json(rejections_shown=0), "file": request.file_name}
        keep = not summary.rejected or request.mode is ImportMode.ACCEPT_VALID
        summary.written = writer.finish(keep=keep, details=details)
        spent = {step: round(seconds, 2) for step, seconds in writer.timings.items()}
        _log.info("import of %s: %s rows in %.1f s; writer %s", request.file_name, summary.rows,
                  time.perf_counter() - started, spent)  # fmt: skip
    if summary.rejected and request.report_path is not None:
        write_error_report(request.path, columns, summary.rejected, request.report_path)
        summary.report = str(request.report_path)
    summary.seconds = time.perf_counter() - started
    return summary


def _resolved(
    rows: Iterator[tuple[int, list[object]]], columns: ColumnMap, resolver: ReferenceResolver, summary: ImportSummary
) -> Iterator[ResolvedRow]:
    for number, cells in rows:
        summary.rows += 1
        if errors := columns.formula_errors(cells):  # its other checks would only echo the missing value
            summary.reject(number, errors)
            continue
        union, unit, problems = resolver.resolve(cells)
        if problems:
            summary.reject(number, problems)
        yield number, cells, union, unit
