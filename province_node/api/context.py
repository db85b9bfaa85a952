"""The context of one GraphQL request: tenant, database, caller, DataLoaders, personal-data reads.

Built per request by the node's GraphQL view; nothing in it outlives the request. ``authenticate_bearer``
says who the caller is: an account of this province by its login token, or a national caller whose
identity the gateway forwarded (``security.national_callers``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from starlette.requests import Request

from exchange.protocol.forwarded_identity import is_forwarded_identity
from province_node.api.members.loaders import HistoryByMemberLoader, UsernameByAccountLoader
from province_node.api.organisations.loaders import (
    ChildrenByOrganisationLoader,
    MemberCountByOrganisationLoader,
    OrganisationByIdLoader,
    OrganisationNameByIdLoader,
    UnitsByOrganisationLoader,
)
from province_node.api.units.loaders import UnitByIdLoader
from province_node.domain.access import Caller
from province_node.domain.errors import DomainError, ErrorCode, RuleViolation
from province_node.rosters.jobs import ImportJobs
from province_node.security.national_callers import UntrustedNationalCaller, national_caller
from province_node.services import accounts
from province_node.services.bootstrap import root_organisation
from province_node.services.unit_of_work import Database, UnitOfWork
from province_node.tenant import Tenant


@dataclass
class PersonalDataReads:
    """Personal data this request showed in clear, for the audit log: members' ID numbers, phones and the
    like, and the refused rows of import jobs (their reasons quote the values)."""

    fields_by_member: dict[int, set[str]] = field(default_factory=dict)
    import_rejections: set[int] = field(default_factory=set)  # import job ids

    def add(self, member_id: int, field_name: str) -> None:
        """Note that ``field_name`` of ``member_id`` was shown unmasked."""
        self.fields_by_member.setdefault(member_id, set()).add(field_name)

    def add_import_rejections(self, job_id: int) -> None:
        """Note that the refused rows of import job ``job_id`` were shown."""
        self.import_rejections.add(job_id)

    def __bool__(self) -> bool:
        return bool(self.fields_by_member or self.import_rejections)


@dataclass
class Loaders:
    """Every DataLoader of a request."""

    organisation_by_id: OrganisationByIdLoader
    organisation_name_by_id: OrganisationNameByIdLoader
    children_by_organisation: ChildrenByOrganisationLoader
    units_by_organisation: UnitsByOrganisationLoader
    member_count_by_organisation: MemberCountByOrganisationLoader
    unit_by_id: UnitByIdLoader
    history_by_member: HistoryByMemberLoader
    username_by_account: UsernameByAccountLoader

    @classmethod
    def for_request(cls, uow: UnitOfWork) -> Loaders:
        """Fresh loaders bound to the request's unit of work."""
        return cls(
            organisation_by_id=OrganisationByIdLoader(uow),
            organisation_name_by_id=OrganisationNameByIdLoader(uow),
            children_by_organisation=ChildrenByOrganisationLoader(uow),
            units_by_organisation=UnitsByOrganisationLoader(uow),
            member_count_by_organisation=MemberCountByOrganisationLoader(uow),
            unit_by_id=UnitByIdLoader(uow),
            history_by_member=HistoryByMemberLoader(uow),
            username_by_account=UsernameByAccountLoader(uow),
        )


@dataclass
class Context:
    """What every resolver of one request can reach (``info.context``)."""

    request: Request
    tenant: Tenant
    imports: ImportJobs
    db: Database
    caller: Caller | None
    auth_problem: DomainError | None = None
    personal_reads: PersonalDataReads = field(default_factory=PersonalDataReads)
    statistics_versions: list[int] = field(default_factory=list)  # root ``statistics`` fields' data versions
    statistics_version_read: int | None = None  # read before executing, to check a tag the caller brought

    @cached_property
    def uow(self) -> UnitOfWork:
        """The request's unit of work (the same one for every resolver)."""
        return UnitOfWork(self.db, self.tenant, self.caller)

    @cached_property
    def loaders(self) -> Loaders:
        """The request's DataLoaders."""
        return Loaders.for_request(self.uow)


async def authenticate_bearer(uow: UnitOfWork, token: str) -> Caller:
    """The caller a bearer token stands for: a login of this province, or a national caller forwarded by the
    gateway; ``RuleViolation(UNAUTHENTICATED)`` when it stands for nobody this node trusts."""
    if not is_forwarded_identity(token):
        return await accounts.authenticate(uow, token)
    try:
        identity = uow.tenant.national_identities.verified(uow.tenant.node.gateway, token, uow.tenant.province)
    except UntrustedNationalCaller as exc:
        raise RuleViolation(ErrorCode.UNAUTHENTICATED, "全国网关转发的身份无效，本节点不予信任") from exc
    root = uow.tenant.root
    if root.id is None:
        found = await root_organisation(uow)
        if found is None:
            raise RuleViolation(ErrorCode.UNAUTHENTICATED, "本省尚未建立根组织，暂不接受全国网关的查询")
        root.id, root.path = found.id, found.path
    return national_caller(identity, root.id, root.path)
