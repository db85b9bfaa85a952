"""Rules of the organisation hierarchy (隶属关系): where an organisation may go and when it may go away.

Paths are materialised: an organisation's path is the chain of ids from the province root, so a subtree
is a path prefix and moving a subtree rewrites one prefix.
"""

from __future__ import annotations

from province_node.domain.access import Caller, is_province_root, path_in_subtree
from province_node.domain.errors import ErrorCode, RuleViolation


def child_path(parent_path: str, organisation_id: int) -> str:
    """The path of an organisation placed directly under ``parent_path``."""
    return f"{parent_path}.{organisation_id}"


def check_move(caller: Caller, path: str, new_parent_path: str) -> None:
    """Raise ``RuleViolation`` unless the organisation at ``path`` may move under ``new_parent_path``.

    Both ends must be in the caller's subtree (checked by the caller of this function); here: the root
    never moves, an account cannot move its own organisation out from under its parent, and nothing
    moves under itself or its own descendants (that would cut the subtree off from the root).
    """
    if is_province_root(path):
        raise RuleViolation(ErrorCode.ORG_MOVE_ROOT, "省级工会是隶属关系的根，不能调整")
    if path == caller.scope_path:
        raise RuleViolation(ErrorCode.ORG_OWN_ROOT, "不能调整本账号所在工会自身的隶属关系，请由上级工会办理")
    if path_in_subtree(new_parent_path, path):
        raise RuleViolation(ErrorCode.ORG_MOVE_INTO_OWN_SUBTREE, "不能把工会组织调整到它自己或其下级组织之下")


def check_dissolve(caller: Caller, path: str, *, children: int, current_members: int, active_accounts: int) -> None:
    """Raise ``RuleViolation`` unless the organisation at ``path`` may be dissolved (撤销): only when empty."""
    if path == caller.scope_path:
        raise RuleViolation(ErrorCode.ORG_OWN_ROOT, "不能撤销本账号所在的工会，请由上级工会办理")
    if children or current_members or active_accounts:
        raise RuleViolation(
            ErrorCode.ORG_NOT_EMPTY,
            f"该工会尚有 {children} 个下级组织、{current_members} 名在册会员、{active_accounts} 个有效账号，"
            "须先调出或撤销后才能撤销",
        )
