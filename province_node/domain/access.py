"""Who may do what, and where: roles, permissions and the organisation subtree an account governs.

Every account belongs to one organisation and sees and edits that organisation's subtree only (seed 001,
STANDARD.md "Hierarchy"). A subtree is named by its materialised path of organisation ids from the root
(``"1.4.17"``); a record is in scope when its organisation's path is the caller's path or lies below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from province_node.domain.errors import NotPermitted


class Role(StrEnum):
    """Account roles, from most to least powerful."""

    ADMIN = "admin"  # manages the subtree's organisations and accounts, and everything a clerk does
    CLERK = "clerk"  # registers and keeps members and units current; sees personal data
    VIEWER = "viewer"  # reads masked records and statistics


class Permission(StrEnum):
    """Things a role may do."""

    READ_STATISTICS = "read_statistics"  # counts only: no record of a person or an organisation
    READ = "read"
    READ_PERSONAL_DATA = "read_personal_data"
    WRITE_MEMBERS = "write_members"
    WRITE_UNITS = "write_units"
    WRITE_ORGANISATIONS = "write_organisations"
    MANAGE_ACCOUNTS = "manage_accounts"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CLERK: frozenset(
        {
            Permission.READ_STATISTICS,
            Permission.READ,
            Permission.READ_PERSONAL_DATA,
            Permission.WRITE_MEMBERS,
            Permission.WRITE_UNITS,
        }
    ),
    Role.VIEWER: frozenset({Permission.READ_STATISTICS, Permission.READ}),
}
_RANK = {Role.ADMIN: 3, Role.CLERK: 2, Role.VIEWER: 1}
PERMISSION_ACTIONS: dict[Permission, str] = {
    Permission.READ_STATISTICS: "查看统计",
    Permission.READ: "查看数据",
    Permission.READ_PERSONAL_DATA: "查看完整的证件号码和手机号码",
    Permission.WRITE_MEMBERS: "登记或修改会员信息",
    Permission.WRITE_UNITS: "登记或修改单位信息",
    Permission.WRITE_ORGANISATIONS: "新建、修改、调整或撤销工会组织",
    Permission.MANAGE_ACCOUNTS: "管理账号",
}


NATIONAL_ACCOUNT_ID = 0  # a national caller, forwarded by the gateway, has no account row in this province


def is_province_root(path: str) -> bool:
    """True for the path of the province's root organisation, the one with no organisation above it."""
    return "." not in path


def path_in_subtree(path: str, root: str) -> bool:
    """True when ``path`` is ``root`` or a descendant of it (paths are dot-separated id chains)."""
    return path == root or path.startswith(root + ".")


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated account making a request, with the subtree it governs."""

    account_id: int
    username: str
    role: Role
    organisation_id: int
    scope_path: str
    province: str
    must_change_password: bool = False
    # Narrower than the role, for a caller acting through another service (a national viewer: statistics only).
    limited_to: frozenset[Permission] | None = None

    def can(self, permission: Permission) -> bool:
        """True when the caller's role grants ``permission`` (and any limit on the caller leaves it)."""
        return permission in ROLE_PERMISSIONS[self.role] and (self.limited_to is None or permission in self.limited_to)

    def require(self, permission: Permission) -> None:
        """Raise ``NotPermitted`` unless the caller's role grants ``permission``."""
        if not self.can(permission):
            raise NotPermitted(PERMISSION_ACTIONS[permission])

    @property
    def is_national(self) -> bool:
        """A person of the national federation asking through the gateway, not an account of this province."""
        return self.account_id == NATIONAL_ACCOUNT_ID

    def governs(self, path: str) -> bool:
        """True when the organisation at ``path`` is in the caller's subtree."""
        return path_in_subtree(path, self.scope_path)

    def may_manage_account(self, path: str, role: Role) -> bool:
        """Whether the caller may create, reset or disable an account of ``role`` at the organisation at
        ``path``: any of its subtree but a fellow administrator of its own organisation, whom the level above
        manages (so no administrator can take over a peer's account, or mint a peer only it knows of). At the
        province root there is no level above."""
        if not self.governs(path):
            return False
        fellow_admin = role is Role.ADMIN and path == self.scope_path
        return not fellow_admin or is_province_root(path)

    def may_grant(self, role: Role) -> bool:
        """An account may create accounts of its own role or below, never above."""
        return _RANK[role] <= _RANK[self.role]
