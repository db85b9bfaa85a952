"""The tag of a statistics answer changes with everything that decides the answer, and only answers made of
root ``statistics`` fields counted at one version are tagged."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from strawberry.http import GraphQLRequestData

from province_node.api.answer_tags import answer_tag, new_tag_key, tag_asked, tagged_version
from province_node.domain.access import Caller, Permission, Role

DAY = datetime.date(2026, 11, 23)
CALLER = Caller(account_id=7, username="someone", role=Role.VIEWER, organisation_id=1, scope_path="1", province="43")
QUESTION = GraphQLRequestData(query="{ statistics(groupBy: [GENDER]) { total } }", variables={}, operation_name=None,
                              extensions=None)  # fmt: skip
KEY = new_tag_key()
TAG = answer_tag(KEY, CALLER, QUESTION, DAY, 17)


def test_the_same_question_by_the_same_reach_on_the_same_day_and_version_has_the_same_tag() -> None:
    other_account = dataclasses.replace(CALLER, account_id=8, username="another")
    assert answer_tag(KEY, other_account, QUESTION, DAY, 17) == TAG


@pytest.mark.parametrize(
    "changed",
    [
        dataclasses.replace(CALLER, scope_path="1.2"),
        dataclasses.replace(CALLER, role=Role.ADMIN),
        dataclasses.replace(CALLER, province="42"),
        dataclasses.replace(CALLER, limited_to=frozenset({Permission.READ_STATISTICS})),
        dataclasses.replace(CALLER, must_change_password=True),
    ],
    ids=["subtree", "role", "province", "limits", "must-change-password"],
)
def test_another_reach_has_another_tag(changed: Caller) -> None:
    assert answer_tag(KEY, changed, QUESTION, DAY, 17) != TAG


def test_another_day_version_or_question_has_another_tag() -> None:
    assert answer_tag(KEY, CALLER, QUESTION, DAY + datetime.timedelta(days=1), 17) != TAG
    assert answer_tag(KEY, CALLER, QUESTION, DAY, 18) != TAG
    assert answer_tag(KEY, CALLER, dataclasses.replace(QUESTION, variables={"g": 1}), DAY, 17) != TAG
    assert answer_tag(KEY, CALLER, dataclasses.replace(QUESTION, operation_name="Other"), DAY, 17) != TAG


def test_a_tag_made_with_another_key_differs_so_a_node_started_again_confirms_none_from_before() -> None:
    assert answer_tag(new_tag_key(), CALLER, QUESTION, DAY, 17) != TAG


def test_the_tags_asked_are_the_strong_ones_listed() -> None:
    assert tag_asked(f'{TAG}, W/"weak", "other"') == [TAG, '"other"']
    assert tag_asked(None) == []


@pytest.mark.parametrize(
    ("keys", "versions", "tagged"),
    [
        (["statistics"], [5], 5),
        (["a", "b"], [5, 5], 5),
        (["a", "b"], [5, 6], None),  # counted at two versions: no single version holds the answer
        (["statistics", "me"], [5], None),  # something besides statistics
        ([], [], None),
    ],
)
def test_only_answers_of_root_statistics_counted_at_one_version_are_tagged(
    keys: list[str], versions: list[int], tagged: int | None
) -> None:
    assert tagged_version(keys, versions) == tagged
