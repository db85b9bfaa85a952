"""Bootstrapping a province tenant: its root organisation (the provincial federation) and first admin.

Everything else is created by accounts, top-down; these two have nobody above them in the province, so
an operator creates them once with ``unionfed node bootstrap`` (or ``make run`` for the demo).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select, text

from exchange.standard import validate_union_record
from province_node.db.tables import Account, Organisation
from province_node.domain.access import Role
from province_node.domain.errors import InvalidInput
from province_node.security.passwords import check_strength
from province_node.services import audit
from province_node.services.unit_of_work import UnitOfWork

PROVINCIAL_LEVEL = "1"


async def root_organisation(uow: UnitOfWork) -> Organisation | None:
    """The province's root organisation, if it exists yet."""
    root: Organisation | None = await uow.db.scalar(select(Organisation).where(Organisation.parent_id.is_(None)))
    return root


async def bootstrap_tenant(
    uow: UnitOfWork,
    *,
    root: Mapping[str, object],
    admin_username: str,
    admin_password: str,
    must_change_password: bool = True,
) -> Organisation:
    """Create the root organisation and its admin account unless the root exists already (idempotent)."""
    existing = await root_organisation(uow)
    if existing is not None:
        return existing
    verdict = validate_union_record({**root, "orgLevel": PROVINCIAL_LEVEL}, uow.tenant.profile, today=uow.today)
    if not verdict.valid:
        raise InvalidInput(verdict.errors)
    check_strength(admin_password, admin_username)
    values = verdict.values
    new_id = int(await uow.db.scalar(text("SELECT nextval(pg_get_serial_sequence('organisation', 'id'))")))
    organisation = Organisation(
        id=new_id,
        parent_id=None,
        path=str(new_id),
        name=str(values["name"]),
        org_level=PROVINCIAL_LEVEL,
        union_type=str(values["unionType"]),
        credit_code=values.get("creditCode"),
        founded_on=values.get("foundedOn"),
        term_start=values.get("termStart"),
        term_end=values.get("termEnd"),
        leader=values.get("leader"),
        phone=values.get("phone"),
    )
    uow.db.add(organisation)
    await uow.db.flush()
    admin = Account(
        username=admin_username,
        display_name=f"{organisation.name}管理员",
        password_hash=uow.tenant.passwords.hash(admin_password),
        organisation_id=organisation.id,
        role=Role.ADMIN.value,
        must_change_password=must_change_password,
    )
    uow.db.add(admin)
    await uow.db.flush()
    audit.record(uow, audit.AuditAction.ACCOUNT_CREATED, target_type="account", target_ids=[admin.id],
                 details={"role": Role.ADMIN.value, "bootstrap": True}, account_id=admin.id)  # fmt: skip
    await uow.commit()
    return organisation
