"""Importing a file into the small Hunan of the province node tests as a clerk would, and seeing what the
database holds afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from province_node.db.tables import Organisation
from province_node.domain.access import Caller
from province_node.rosters.imports import ImportRequest, import_file
from province_node.rosters.outcome import ImportMode, ImportSummary
from province_node.synthetic.people import Person
from province_node.tenant import Tenant
from tests.integration.province_node.conftest import fetch, table_counts
from tests.integration.province_node.world import TODAY, World
from tests.roster_files import HUNAN_HEADERS, member_record, table, write_sheet

# Tables an import writes to (and the audit log), for "nothing was written" checks.
WRITTEN_TABLES = ("organisation", "unit", "organisation_unit", "member", "membership", "membership_event", "outbox",
                  "audit_log")  # fmt: skip


async def run_import(
    world: World,
    path: Path,
    into: Organisation,
    *,
    mode: ImportMode = ImportMode.ALL_OR_NOTHING,
    report: Path | None = None,
    temporary_codes: bool = False,
    caller: Caller | None = None,
    tenant: Tenant | None = None,
) -> ImportSummary:
    """Import ``path`` into ``into`` as its administrator (or ``caller``), the way the upload and the CLI do."""
    request = ImportRequest(
        path=path,
        file_name=path.name,
        organisation_id=into.id,
        mode=mode,
        report_path=report,
        issue_temporary_codes=temporary_codes,
        workers=1,
        today=TODAY,
    )
    return await import_file(tenant or world.tenant, caller or world.caller(into), request)


async def written_counts(tenant: Tenant) -> dict[str, int]:
    """Rows in every table an import can write to."""
    counts = await table_counts(tenant)
    return {name: counts[name] for name in WRITTEN_TABLES}


def people(world: World, count: int) -> list[Person]:
    """``count`` new synthetic people of Hunan, none of them registered yet."""
    return [world.people.person() for _ in range(count)]


def furong_roster(
    world: World, path: Path, persons: Sequence[Person], *, headers: Sequence[str] = HUNAN_HEADERS
) -> Path:
    """A roster of ``persons`` in 芙蓉科技公司工会 and its unit, written to ``path`` (its suffix says the kind)."""
    records = [
        member_record(person, world.furong_unit.name, world.furong_union.name, sequence=index)
        for index, person in enumerate(persons, start=1)
    ]
    return write_sheet(path, table(headers, records))


async def member_rows(tenant: Tenant) -> list[tuple[Any, ...]]:
    """Every member with the fields an import may change, and their membership's union and unit, by token."""
    return await fetch(
        tenant,
        """SELECT m.token, m.name, m.gender, m.birth_date, m.ethnicity, m.political_status, m.education,
                  m.household_type, m.nationality, m.updated_at, ms.union_id, ms.unit_id, ms.status, ms.updated_at
           FROM member m JOIN membership ms ON ms.member_id = m.id ORDER BY m.token""",
    )
