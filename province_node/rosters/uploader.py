"""The account behind an import, checked again while the import runs: when a queued job starts, and just
before the import's transaction commits. An account that was disabled, moved to another organisation or
given a role that may not import meanwhile writes nothing (``NOT_PERMITTED``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Final

from province_node.domain.access import Caller, Permission, Role
from province_node.domain.errors import DomainError, ErrorCode

NOT_STARTED: Final = "本次导入未执行"  # found when a queued job starts
ROLLED_BACK: Final = "本次导入已撤回"  # found as the import was about to commit


@dataclass(frozen=True, slots=True)
class AccountNow:
    """The uploader's account as the database holds it now."""

    enabled: bool
    organisation_id: int
    role: Role
    scope_path: str  # the path of its organisation: the subtree it governs


class UploaderNoLongerPermitted(DomainError):
    """The account that uploaded the file may no longer import it."""

    def __init__(self, why: str, outcome: str) -> None:
        super().__init__(ErrorCode.NOT_PERMITTED, f"上传该文件的账号{why}，{outcome}，未写入任何数据")


def uploader_as_now(uploaded_by: Caller, now: AccountNow | None, *, outcome: str = NOT_STARTED) -> Caller:
    """The uploader as their account stands ``now``; ``UploaderNoLongerPermitted`` when it is gone, disabled,
    moved to an organisation that does not govern the old one's subtree, or may no longer write members."""
    if now is None:
        raise UploaderNoLongerPermitted("已不存在", outcome)
    if not now.enabled:
        raise UploaderNoLongerPermitted("已停用", outcome)
    current = dataclasses.replace(
        uploaded_by, role=now.role, organisation_id=now.organisation_id, scope_path=now.scope_path
    )
    # Moved to another organisation: refused, unless the new one's subtree holds all the old one governed.
    if now.organisation_id != uploaded_by.organisation_id and not current.governs(uploaded_by.scope_path):
        raise UploaderNoLongerPermitted("已调整到其他组织", outcome)
    if not current.can(Permission.WRITE_MEMBERS):
        raise UploaderNoLongerPermitted("的角色已无权导入会员", outcome)
    return current
