"""Roles, permissions and the subtree an account governs."""

from __future__ import annotations

import dataclasses

import pytest

from province_node.domain.access import ROLE_PERMISSIONS, Caller, Permission, Role, path_in_subtree
from province_node.domain.errors import ErrorCode, NotPermitted


def caller(role: Role, scope_path: str = "1.2") -> Caller:
    return Caller(account_id=7, username="someone", role=role, organisation_id=2, scope_path=scope_path, province="43")


def test_an_admin_may_do_everything() -> None:
    assert all(caller(Role.ADMIN).can(permission) for permission in Permission)


def test_a_clerk_keeps_members_and_units_and_sees_personal_data() -> None:
    assert ROLE_PERMISSIONS[Role.CLERK] == {
        Permission.READ_STATISTICS,
        Permission.READ,
        Permission.READ_PERSONAL_DATA,
        Permission.WRITE_MEMBERS,
        Permission.WRITE_UNITS,
    }


@pytest.mark.parametrize("permission", [Permission.WRITE_ORGANISATIONS, Permission.MANAGE_ACCOUNTS])
def test_a_clerk_may_not_change_organisations_or_accounts(permission: Permission) -> None:
    assert not caller(Role.CLERK).can(permission)


def test_a_viewer_only_reads() -> None:
    viewer = caller(Role.VIEWER)
    assert [permission for permission in Permission if viewer.can(permission)] == [
        Permission.READ_STATISTICS,
        Permission.READ,
    ]


def test_a_caller_limited_below_its_role_may_do_only_what_the_limit_leaves() -> None:
    limited = dataclasses.replace(caller(Role.VIEWER), limited_to=frozenset({Permission.READ_STATISTICS}))
    assert [permission for permission in Permission if limited.can(permission)] == [Permission.READ_STATISTICS]


def test_require_raises_not_permitted_with_the_action_in_chinese() -> None:
    with pytest.raises(NotPermitted) as raised:
        caller(Role.VIEWER).require(Permission.READ_PERSONAL_DATA)
    assert raised.value.code is ErrorCode.NOT_PERMITTED
    assert raised.value.message == "您的账号角色无权查看完整的证件号码和手机号码"


def test_require_passes_silently_when_the_role_allows() -> None:
    caller(Role.CLERK).require(Permission.WRITE_MEMBERS)


@pytest.mark.parametrize("path", ["1.2", "1.2.3", "1.2.3.44.5"])
def test_an_account_governs_its_organisation_and_everything_below(path: str) -> None:
    assert caller(Role.VIEWER).governs(path)


@pytest.mark.parametrize("path", ["1", "1.3", "1.22", "1.20.2", "2", "11.2"])
def test_an_account_governs_nothing_above_or_beside_its_organisation(path: str) -> None:
    assert not caller(Role.ADMIN).governs(path)


def test_a_path_is_in_its_own_subtree_but_not_in_one_that_merely_shares_its_first_digits() -> None:
    assert path_in_subtree("4.12", "4.12")
    assert not path_in_subtree("4.123", "4.12")


@pytest.mark.parametrize(
    ("granter", "role", "allowed"),
    [
        (Role.ADMIN, Role.ADMIN, True),
        (Role.ADMIN, Role.CLERK, True),
        (Role.ADMIN, Role.VIEWER, True),
        (Role.CLERK, Role.ADMIN, False),
        (Role.CLERK, Role.CLERK, True),
        (Role.CLERK, Role.VIEWER, True),
        (Role.VIEWER, Role.ADMIN, False),
        (Role.VIEWER, Role.CLERK, False),
        (Role.VIEWER, Role.VIEWER, True),
    ],
)
def test_an_account_may_grant_its_own_role_or_below_never_above(granter: Role, role: Role, allowed: bool) -> None:
    assert caller(granter).may_grant(role) is allowed


@pytest.mark.parametrize(
    ("path", "role", "may"),
    [
        ("1.2", Role.CLERK, True),  # a clerk of its own organisation
        ("1.2.5", Role.ADMIN, True),  # an administrator below
        ("1.2", Role.ADMIN, False),  # a fellow administrator: the level above manages them
        ("1.3", Role.CLERK, False),  # outside the subtree
    ],
)
def test_an_admin_manages_the_accounts_of_its_subtree_but_not_its_fellow_admins(
    path: str, role: Role, may: bool
) -> None:
    assert caller(Role.ADMIN).may_manage_account(path, role) is may


def test_administrators_of_the_province_root_manage_each_other_having_no_level_above() -> None:
    assert caller(Role.ADMIN, scope_path="1").may_manage_account("1", Role.ADMIN)
