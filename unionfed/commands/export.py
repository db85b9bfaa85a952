"""``unionfed export``: export a subtree's members or organisations to .xlsx, acting as a given account.

The command acts as the account named by ``--as``: its scope bounds what is exported and its role decides
whether ID numbers and phones are in clear or masked; the export is audited under that account (``via``
``cli``). The file is written next to ``--out`` and moved into place only after the audit entry is
committed. Configuration comes from the environment, as for ``unionfed node`` (``province_node.settings``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from unionfed.commands.organisation_option import HELP as ORG_HELP
from unionfed.commands.organisation_option import resolve_organisation

if TYPE_CHECKING:
    from province_node.settings import NodeSettings

_log = logging.getLogger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``export``."""
    parser = commands.add_parser(
        "export",
        help="export a subtree's members or organisations to .xlsx, as an account",
        description="Write the members (花名册) or grassroots unions (汇总表) under an organisation, as the "
        "account given by --as sees them (its scope; personal numbers masked unless its role may read them).",
    )
    parser.add_argument("--province", required=True, help="province code of the tenant, e.g. 43")
    parser.add_argument(
        "--org", metavar="ORG", help=f"root of the subtree: {ORG_HELP} (default: the account's organisation)"
    )
    parser.add_argument("--kind", required=True, choices=("members", "organisations"), help="what to export")
    parser.add_argument("--as", required=True, dest="username", metavar="USERNAME", help="the account to act as")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx", help="where to write the file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Export and report what was written."""
    from unionfed.commands.node_environment import configured_tenant

    configured = configured_tenant(args.province)
    if configured is None:
        return 2
    return asyncio.run(export(configured[0], args))


async def export(settings: NodeSettings, args: argparse.Namespace) -> int:
    """Run the export as ``args.username``; the exit status."""
    from province_node.domain.errors import DomainError
    from province_node.rosters.export import ExportKind, export_roster
    from province_node.rosters.workbook import RosterWriteError
    from province_node.services import accounts
    from province_node.services.unit_of_work import Database, UnitOfWork
    from province_node.tenant import open_tenant

    tenant_settings = settings.tenant(args.province)
    if tenant_settings is None:
        raise RuntimeError("the tenant was checked before")
    out: Path = args.out
    if not out.parent.is_dir():
        _log.error("folder %s does not exist", out.parent)
        return 2
    handle, partial = tempfile.mkstemp(prefix=".export-", suffix=".xlsx", dir=out.parent)
    os.close(handle)
    tenant = open_tenant(tenant_settings, settings)
    try:
        async with tenant.sessions() as session:
            db = Database(session)
            caller = await accounts.caller_by_username(UnitOfWork(db, tenant, None), args.username)
            uow = UnitOfWork(db, tenant, caller)
            async with uow:
                under = await resolve_organisation(uow, args.org) if args.org is not None else None
                summary = await export_roster(uow, ExportKind(args.kind), partial, under=under, via="cli")
        os.replace(partial, out)
    except (DomainError, RosterWriteError) as error:
        _log.error("%s", getattr(error, "message", error))
        return 1
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        await tenant.engine.dispose()
    numbers = "in clear" if summary.personal_data_in_clear else "masked"
    what = f"{summary.rows} rows of {summary.kind.value} under {summary.organisation_name}"
    _log.info("%s written to %s%s", what, out, f" (personal numbers {numbers})" if args.kind == "members" else "")
    return 0
