"""Loading a planned province straight into a tenant's database: no spreadsheet in between.

    plan_province ─► load_hierarchy: the root bootstrapped when the tenant is empty, then every
                     organisation and unit of the plan, parents first, through the use cases
                     (``create_organisation``, ``create_unit``), in one transaction
                  ─► load_members: ``roster_entries`` streamed as member-roster rows (union and unit by
                     credit code) into ``import_members``, the bulk path, one import per batch of rows

Organisations and units go through the use cases, so they are validated and audited like a clerk's; a
plan has some ten thousand of them per million members, a few minutes' work. Members go through the
bulk import, so they get their memberships, history and outbox events exactly as an imported roster
does. Rows are made as the import asks for them: memory stays flat whatever the province's size, apart
from the set of ID numbers given out (``roster_entries``) and the import's own bookkeeping.

A hierarchy is loaded only into a tenant that has nothing yet, or only its root: loading twice would
clash on credit codes and people.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Final

from sqlalchemy import func, select

from province_node.db.tables import Account, Member, Organisation
from province_node.domain.access import Caller, Role
from province_node.domain.errors import DomainError, ErrorCode, NotFound
from province_node.rosters.headers import ColumnMap
from province_node.rosters.layouts import MEMBER_ROSTER
from province_node.rosters.member_import import MemberImport, import_members
from province_node.rosters.outcome import ImportMode, ImportSummary
from province_node.services import organisations, units
from province_node.services.accounts import initial_password
from province_node.services.bootstrap import bootstrap_tenant, root_organisation
from province_node.services.unit_of_work import BatchUnitOfWork, Database, UnitOfWork
from province_node.synthetic.hierarchy import ProvinceHierarchy
from province_node.synthetic.rosters import RosterEntry, roster_entries
from province_node.tenant import Tenant

# The member-roster columns a loaded row fills, in order: values are codes (the layout takes codes or labels).
ROW_FIELDS: Final = (
    "name", "gender", "idType", "idNumber", "nationality", "birthDate", "phone", "ethnicity", "politicalStatus",
    "education", "householdType", "employmentStatus", "newEmploymentForm", "unionPosition", "positionKind",
    "cardStatus", "joinedOn", "unionCreditCode", "unitCreditCode",
)  # fmt: skip
BATCH_ROWS: Final = 1_000_000  # members per import (one transaction each)
Progress = Callable[[int], None]


class ProvinceNotEmpty(DomainError):
    """The tenant already holds organisations below its root, or members: a plan is loaded only once."""

    def __init__(self, organisations: int, members: int) -> None:
        super().__init__(
            ErrorCode.ORG_NOT_EMPTY,
            f"该省已有 {organisations} 个工会组织、{members} 名会员；合成数据只能载入空的省份（或只有根组织的省份）",
        )


@dataclass(frozen=True, slots=True)
class IssuedCodes:
    """Temporary codes the node issued to the plan's unions and units without a credit code, by name
    (names are unique within a plan)."""

    unions: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LoadedHierarchy:
    """What ``load_hierarchy`` did: the root, the acting administrator, what it created."""

    root_id: int
    caller: Caller
    organisations: int  # created, the root included when it was bootstrapped here
    units: int
    codes: IssuedCodes
    seconds: float
    admin_password: str | None = field(default=None, repr=False)  # set when the root was bootstrapped here


@dataclass
class LoadedMembers:
    """What ``load_members`` did: the imports, and their totals."""

    imports: list[ImportSummary] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        """Rows handed to the imports."""
        return sum(summary.rows for summary in self.imports)

    @property
    def created(self) -> int:
        """Members created (in imports that were kept)."""
        return sum(summary.created for summary in self.imports if summary.written)

    @property
    def rejected(self) -> int:
        """Rows refused (none, for a plan: every row is clean)."""
        return sum(len(summary.rejected) for summary in self.imports)

    @property
    def written(self) -> bool:
        """True when every import was kept."""
        return all(summary.written for summary in self.imports)


async def load_hierarchy(
    tenant: Tenant, hierarchy: ProvinceHierarchy, *, admin_username: str, progress: Progress | None = None
) -> LoadedHierarchy:
    """Create the organisations and units of ``hierarchy`` in ``tenant``, parents first, as ``admin_username``.

    An empty tenant is bootstrapped with the plan's root and ``admin_username`` as its administrator (with
    an initial password, returned once); a tenant with only its root gets the plan below that root, acting
    as the existing account ``admin_username``. Anything more: ``ProvinceNotEmpty``. The organisations and
    units are created in one transaction, so a failure leaves no part of the tree behind.
    """
    if hierarchy.province != tenant.province:
        raise ValueError(f"a plan of province {hierarchy.province} cannot be loaded into tenant {tenant.province}")
    started = time.perf_counter()
    today = hierarchy.as_of
    async with tenant.sessions() as session:
        db = Database(session)
        root = await root_organisation(UnitOfWork(db, tenant, None, today))
        password = None
        if root is None:
            password = initial_password()
            root = await bootstrap_tenant(
                UnitOfWork(db, tenant, None, today),
                root=hierarchy.root.record(),
                admin_username=admin_username,
                admin_password=password,
            )
        else:
            await _check_empty(db, root)
        caller = await _administrator(db, tenant, root, admin_username)
        uow = BatchUnitOfWork(db, tenant, caller, today)
        created_ids = {id(hierarchy.root): root.id}
        codes = IssuedCodes()
        created_units = 0
        async with uow:
            for parent, planned in hierarchy.walk():
                if parent is None:
                    continue
                organisation = await organisations.create_organisation(
                    uow,
                    parent_id=created_ids[id(parent)],
                    record=planned.record(),
                    issue_temporary=planned.needs_temporary_code,
                )
                created_ids[id(planned)] = organisation.id
                if planned.needs_temporary_code:
                    codes.unions[planned.name] = str(organisation.credit_code)
                for unit in planned.units:
                    stored = await units.create_unit(
                        uow,
                        organisation_id=organisation.id,
                        record=unit.record(),
                        issue_temporary=unit.needs_temporary_code,
                        covered_by=[organisation.id],
                    )
                    if unit.needs_temporary_code:
                        codes.units[unit.name] = stored.credit_code
                created_units += len(planned.units)
                if progress:
                    progress(1)
            await uow.commit_batch()
    return LoadedHierarchy(
        root_id=root.id,
        caller=caller,
        organisations=len(created_ids) - (1 if password is None else 0),
        units=created_units,
        codes=codes,
        seconds=time.perf_counter() - started,
        admin_password=password,
    )


async def _check_empty(db: Database, root: Organisation) -> None:
    below = int(await db.scalar(select(func.count()).select_from(Organisation).where(Organisation.id != root.id)))
    members = int(await db.scalar(select(func.count()).select_from(Member)))
    if below or members:
        raise ProvinceNotEmpty(below, members)


async def _administrator(db: Database, tenant: Tenant, root: Organisation, username: str) -> Caller:
    """The enabled administrator account ``username`` of the root, as a caller."""
    account: Account | None = await db.scalar(
        select(Account).where(
            func.lower(Account.username) == username.strip().lower(),
            Account.organisation_id == root.id,
            Account.role == Role.ADMIN.value,
            Account.disabled_at.is_(None),
        )
    )
    if account is None:
        raise NotFound(f"省级工会的管理员账号“{username}”")
    return Caller(account.id, account.username, Role.ADMIN, root.id, root.path, tenant.province)


def member_column_map() -> ColumnMap:
    """The header of the rows ``member_rows`` makes, as ``find_header`` would have read it from a file."""
    by_field = {column.field: column for column in MEMBER_ROSTER.all_columns}
    columns = {index: by_field[name] for index, name in enumerate(ROW_FIELDS)}
    return ColumnMap(MEMBER_ROSTER, 1, columns, [column.header for column in columns.values()])


def member_rows(
    entries: Iterable[RosterEntry], codes: IssuedCodes, *, first_row: int = 2
) -> Iterator[tuple[int, list[object]]]:
    """``(row number, cells)`` of each entry in the columns of ``ROW_FIELDS``; a union or unit without a
    credit code in the plan is named by the temporary code issued to it."""
    for number, entry in enumerate(entries, start=first_row):
        person = entry.person
        yield number, [
            person.name, person.gender, "01", person.id_number, "CHN", person.birth_date, person.phone,
            person.ethnicity, person.political_status, person.education, person.household_type,
            person.employment_status, person.new_employment_form, person.union_position, person.position_kind,
            person.card_status, person.joined_on,
            entry.union_credit_code or codes.unions[entry.union], entry.unit_credit_code or codes.units[entry.unit],
        ]  # fmt: skip


def load_members(
    tenant: Tenant,
    hierarchy: ProvinceHierarchy,
    loaded: LoadedHierarchy,
    *,
    seed: int,
    batch_rows: int = BATCH_ROWS,
    workers: int | None = None,
    progress: Progress | None = None,
) -> LoadedMembers:
    """Import the members of ``hierarchy`` (people made by ``roster_entries`` with ``seed``) into the province
    loaded as ``loaded``, ``batch_rows`` at a time, each batch one all-or-nothing import into the root's
    subtree; stops after a batch that was not kept. Synchronous: call it outside an event loop or in a thread.
    """
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be 1 or more, not {batch_rows}")
    started = time.perf_counter()
    columns = member_column_map()
    rows = member_rows(roster_entries(hierarchy, seed=seed), loaded.codes)
    result = LoadedMembers()
    while (first := next(rows, None)) is not None:
        name = f"合成数据 {tenant.settings.name} seed {seed} 第 {len(result.imports) + 1} 批"
        request = MemberImport(
            path=Path(name),  # no file: the rows are made in memory, and no error report is written
            file_name=name,
            organisation_id=loaded.root_id,
            mode=ImportMode.ALL_OR_NOTHING,
            report_path=None,
            today=hierarchy.as_of,
            **({"workers": workers} if workers else {}),
        )
        batch = chain([first], islice(rows, batch_rows - 1))
        summary = import_members(tenant, loaded.caller, request, columns, batch, progress=progress)
        result.imports.append(summary)
        if not summary.written:
            break
    result.seconds = time.perf_counter() - started
    return result
