"""National roles and what each may do through the gateway.

A national viewer reads statistics and the provinces' health, never a record of a person — nor whether a
given person is a member; a national administrator also delegates queries to a province (which masks
personal numbers for national callers), locates members across provinces, verifies membership (核查) and
reads the identity conflicts of the national index.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from exchange.protocol.forwarded_identity import NationalRole
from gateway.domain.errors import ErrorCode, NotAuthorised


class NationalPermission(StrEnum):
    """Things a national role may do."""

    READ_STATISTICS = "read_statistics"
    READ_PROVINCE_RECORDS = "read_province_records"  # delegated province queries, member location
    READ_CONFLICTS = "read_conflicts"
    VERIFY_MEMBERSHIP = "verify_membership"  # 核查: is the holder of an ID a member, and where


ROLE_PERMISSIONS: dict[NationalRole, frozenset[NationalPermission]] = {
    NationalRole.NATIONAL_ADMIN: frozenset(NationalPermission),
    NationalRole.NATIONAL_VIEWER: frozenset({NationalPermission.READ_STATISTICS}),
}
PERMISSION_ACTIONS: dict[NationalPermission, str] = {
    NationalPermission.READ_STATISTICS: "查看全国统计",
    NationalPermission.READ_PROVINCE_RECORDS: "查询各省会员和组织记录",
    NationalPermission.READ_CONFLICTS: "查看跨省身份冲突",
    NationalPermission.VERIFY_MEMBERSHIP: "核查会员身份",
}


@dataclass(frozen=True, slots=True)
class NationalCaller:
    """An authenticated national caller: who (``subject``, e.g. ``acftu_admin`` or an OIDC subject) and role."""

    subject: str
    role: NationalRole
    issuer: str

    def can(self, permission: NationalPermission) -> bool:
        """True when the role grants ``permission``."""
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: NationalPermission) -> None:
        """Raise ``NotAuthorised`` unless the role grants ``permission``."""
        if not self.can(permission):
            raise NotAuthorised(ErrorCode.NOT_PERMITTED, f"您的全国角色无权{PERMISSION_ACTIONS[permission]}")


def role_named(name: str) -> NationalRole | None:
    """The national role called ``name`` (``national_admin``, ``national_viewer``), if any."""
    try:
        return NationalRole(name)
    except ValueError:
        return None
