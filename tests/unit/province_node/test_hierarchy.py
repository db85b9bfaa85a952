"""Rules of the organisation hierarchy: where an organisation may move, when it may be dissolved."""

from __future__ import annotations

import pytest

from province_node.domain.access import Caller, Role
from province_node.domain.errors import ErrorCode, RuleViolation
from province_node.domain.hierarchy import check_dissolve, check_move, child_path

# 1 province ─ 2 city ─┬─ 3 county ── 5 grassroots
#                      └─ 4 county
PROVINCE_ADMIN = Caller(account_id=1, username="p", role=Role.ADMIN, organisation_id=1, scope_path="1", province="43")
CITY_ADMIN = Caller(account_id=2, username="c", role=Role.ADMIN, organisation_id=2, scope_path="1.2", province="43")


def test_a_child_path_appends_the_id_to_the_parent_path() -> None:
    assert child_path("1.2", 17) == "1.2.17"


def test_a_subtree_may_move_under_a_sibling_branch() -> None:
    check_move(CITY_ADMIN, "1.2.3", "1.2.4")


def test_an_organisation_may_move_up_to_its_grandparent() -> None:
    check_move(PROVINCE_ADMIN, "1.2.3.5", "1")


def test_the_root_never_moves() -> None:
    with pytest.raises(RuleViolation) as raised:
        check_move(PROVINCE_ADMIN, "1", "1.2")
    assert raised.value.code is ErrorCode.ORG_MOVE_ROOT


def test_an_account_cannot_move_its_own_organisation() -> None:
    with pytest.raises(RuleViolation) as raised:
        check_move(CITY_ADMIN, "1.2", "1")
    assert raised.value.code is ErrorCode.ORG_OWN_ROOT


@pytest.mark.parametrize("new_parent", ["1.2.3", "1.2.3.5", "1.2.3.5.9"])
def test_nothing_moves_under_itself_or_its_own_descendants(new_parent: str) -> None:
    with pytest.raises(RuleViolation) as raised:
        check_move(PROVINCE_ADMIN, "1.2.3", new_parent)
    assert raised.value.code is ErrorCode.ORG_MOVE_INTO_OWN_SUBTREE


def test_an_id_that_merely_starts_with_the_same_digits_is_not_a_descendant() -> None:
    check_move(PROVINCE_ADMIN, "1.2.3", "1.2.30")


def test_an_empty_organisation_may_be_dissolved() -> None:
    check_dissolve(CITY_ADMIN, "1.2.4", children=0, current_members=0, active_accounts=0)


@pytest.mark.parametrize(
    ("children", "members", "accounts"),
    [(1, 0, 0), (0, 1, 0), (0, 0, 1), (2, 30, 1)],
    ids=["child", "member", "account", "all"],
)
def test_an_organisation_with_anything_left_is_not_dissolved(children: int, members: int, accounts: int) -> None:
    with pytest.raises(RuleViolation) as raised:
        check_dissolve(CITY_ADMIN, "1.2.4", children=children, current_members=members, active_accounts=accounts)
    assert raised.value.code is ErrorCode.ORG_NOT_EMPTY
    assert f"{children} 个下级组织、{members} 名在册会员、{accounts} 个有效账号" in raised.value.message


def test_an_account_cannot_dissolve_its_own_organisation() -> None:
    with pytest.raises(RuleViolation) as raised:
        check_dissolve(CITY_ADMIN, "1.2", children=0, current_members=0, active_accounts=0)
    assert raised.value.code is ErrorCode.ORG_OWN_ROOT
