"""The account behind an import, as it stands now: who may still import, and who may not."""

from __future__ import annotations

import pytest

from province_node.domain.access import Caller, Role
from province_node.domain.errors import DomainError
from province_node.rosters.uploader import ROLLED_BACK, AccountNow, uploader_as_now

CLERK = Caller(account_id=7, username="fr_clerk", role=Role.CLERK, organisation_id=3, scope_path="1.2.3", province="43")


def test_an_unchanged_account_imports_as_before() -> None:
    assert uploader_as_now(CLERK, AccountNow(True, 3, Role.CLERK, "1.2.3")) == CLERK


def test_an_organisation_moved_in_the_hierarchy_takes_its_new_subtree_along() -> None:
    assert uploader_as_now(CLERK, AccountNow(True, 3, Role.CLERK, "1.5.3")).scope_path == "1.5.3"


def test_an_account_moved_up_to_an_organisation_above_may_still_import() -> None:
    assert uploader_as_now(CLERK, AccountNow(True, 2, Role.CLERK, "1.2")).scope_path == "1.2"


@pytest.mark.parametrize(
    ("now", "why"),
    [
        (None, "已不存在"),
        (AccountNow(False, 3, Role.CLERK, "1.2.3"), "已停用"),
        (AccountNow(True, 4, Role.CLERK, "1.2.4"), "已调整到其他组织"),
        (AccountNow(True, 3, Role.VIEWER, "1.2.3"), "无权导入"),
    ],
    ids=["gone", "disabled", "moved-aside", "made-viewer"],
)
def test_an_account_that_may_no_longer_import_is_refused_saying_why(now: AccountNow | None, why: str) -> None:
    with pytest.raises(DomainError) as refused:
        uploader_as_now(CLERK, now, outcome=ROLLED_BACK)
    assert refused.value.code.value == "NOT_PERMITTED"
    assert why in refused.value.message
    assert ROLLED_BACK in refused.value.message
