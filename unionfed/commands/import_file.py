"""``unionfed import --province CODE --org ORG FILE``: import a member roster or an organisation summary.

The import acts as an account (``--as``; by default the administrator closest above ``ORG``): its scope,
its role and its name in history and audit. A progress bar (rows, rows/s, ETA) goes to standard error,
the summary to standard output (``--json`` for machines). Exit status: 0 when every row was written
(or would be, with ``--dry-run``), 1 when rows were refused, 2 when nothing could be done.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from unionfed.commands.organisation_option import HELP as ORG_HELP
from unionfed.commands.organisation_option import resolve_organisation

if TYPE_CHECKING:
    from province_node.domain.access import Caller
    from province_node.rosters.outcome import ImportSummary
    from province_node.settings import NodeSettings, TenantSettings
    from province_node.tenant import Tenant

_log = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``import``."""
    parser = commands.add_parser("import", help="import a member roster or organisation summary (xlsx/xls/ods/csv)")
    parser.add_argument("--province", required=True, help="province code of the tenant, e.g. 43")
    parser.add_argument("--org", required=True, help=f"the organisation imported into: {ORG_HELP}")
    parser.add_argument("file", type=Path, help="the spreadsheet")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    mode.add_argument("--accept-valid", action="store_true", help="write the valid rows, report the others")
    parser.add_argument("--as", dest="username", help="the account the import acts as")
    parser.add_argument("--report", type=Path, help="where to write the error report (default: FILE.错误报告.xlsx)")
    parser.add_argument("--temporary-codes", action="store_true", help="issue temporary codes to those without one")
    parser.add_argument("--workers", type=int, help="worker processes for checking rows (default: CPU count)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the import and report it."""
    from province_node.domain.errors import DomainError
    from province_node.rosters.reading import SpreadsheetError
    from unionfed.commands.node_environment import configured_tenant

    configured = configured_tenant(args.province)
    if configured is None:
        return 2
    settings, tenant_settings = configured
    try:
        summary = asyncio.run(_import(settings, tenant_settings, args))
    except (SpreadsheetError, DomainError) as error:
        if args.json:
            print(json.dumps({"error": {"code": str(error.code), "message": error.message}}, ensure_ascii=False))
        else:
            print(f"无法导入：{error.message}（{error.code}）", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_summary(summary)
    return 0 if not summary.rejected else 1


async def _import(settings: NodeSettings, tenant_settings: TenantSettings, args: argparse.Namespace) -> ImportSummary:
    from province_node.rosters.imports import ImportRequest, import_file
    from province_node.rosters.outcome import ImportMode
    from province_node.rosters.reading import row_count_hint
    from province_node.services.unit_of_work import Database, UnitOfWork
    from province_node.tenant import open_tenant

    tenant = open_tenant(tenant_settings, settings)
    try:
        async with tenant.sessions() as session:  # no caller yet: the organisation chooses who acts
            organisation_id = await resolve_organisation(UnitOfWork(Database(session), tenant, None), args.org)
        caller = await _caller(tenant, organisation_id, args.username)
        mode = (
            ImportMode.DRY_RUN
            if args.dry_run
            else ImportMode.ACCEPT_VALID
            if args.accept_valid
            else (ImportMode.ALL_OR_NOTHING)
        )
        report = args.report or args.file.with_name(f"{args.file.stem}.错误报告.xlsx")
        total = await asyncio.to_thread(row_count_hint, args.file)
        with tqdm(total=total, unit="行", desc=args.file.name, file=sys.stderr, disable=args.json) as bar:
            request = ImportRequest(
                path=args.file,
                file_name=args.file.name,
                organisation_id=organisation_id,
                mode=mode,
                report_path=report,
                issue_temporary_codes=args.temporary_codes,
                workers=args.workers,
            )

            def advance(rows: int) -> None:
                bar.update(rows)

            summary = await import_file(tenant, caller, request, progress=advance)
            bar.total = bar.n  # the hint counted the header rows too: end at 100 %
            bar.refresh()
            return summary
    finally:
        await tenant.engine.dispose()


async def _caller(tenant: Tenant, organisation_id: int, username: str | None) -> Caller:
    """The account named ``username``, or the administrator of the nearest organisation at or above."""
    from sqlalchemy import func, select

    from province_node.db.tables import Account, Organisation
    from province_node.domain.access import Caller, Role
    from province_node.domain.errors import ErrorCode, RuleViolation

    async with tenant.sessions() as session:
        path = await session.scalar(select(Organisation.path).where(Organisation.id == organisation_id))
        statement = (
            select(Account, Organisation.path)
            .join(Organisation, Organisation.id == Account.organisation_id)
            .where(Account.disabled_at.is_(None))
        )
        if username:
            statement = statement.where(func.lower(Account.username) == username.lower())
        else:
            ancestors = [".".join(str(path).split(".")[:depth]) for depth in range(len(str(path).split(".")), 0, -1)]
            statement = statement.where(Account.role == Role.ADMIN.value, Organisation.path.in_(ancestors))
        rows = sorted((await session.execute(statement)).all(), key=lambda row: -row.path.count("."))
    if not rows:
        raise RuleViolation(ErrorCode.NOT_FOUND, "找不到可执行导入的账号；请用 --as 指定账号")
    account, account_path = rows[0]
    return Caller(account.id, account.username, Role(account.role), account.organisation_id, account_path,
                  tenant.province)  # fmt: skip


def _print_summary(summary: ImportSummary) -> None:
    from province_node.rosters.outcome import ImportMode

    if summary.written:
        verb = "已写入"
    else:
        verb = "预检完成，未写入" if summary.mode is ImportMode.DRY_RUN else "存在错误，未写入"
    counts = f"新增 {summary.created}，更新 {summary.updated}，无变化 {summary.unchanged}"
    problems = f"有误 {len(summary.rejected)}，提示 {len(summary.warnings)}"
    print(f"{summary.rows} 行：{counts}，{problems}；{verb}；用时 {summary.seconds:.1f} 秒")
    if summary.ignored_columns:
        print(f"已忽略的列：{'、'.join(summary.ignored_columns)}")
    for row, reasons in summary.first_rejected(20):  # not every row sorted: a refused file may have a million
        print(f"  第 {row} 行：" + "；".join(reason.message for reason in reasons))
    if len(summary.rejected) > 20:
        print(f"  …… 共 {len(summary.rejected)} 行有误")
    if summary.report:
        print(f"错误报告：{summary.report}")
