"""Answers kept per data version: given back for that version only, bounded, least recently used out first."""

from __future__ import annotations

from province_node.domain.versioned_answers import VersionedAnswers


def test_an_answer_is_given_back_for_the_version_it_was_computed_at() -> None:
    answers: VersionedAnswers[str] = VersionedAnswers()
    answers.put("gender", 7, "12 men, 9 women")
    assert answers.get("gender", 7) == "12 men, 9 women"


def test_an_answer_of_another_version_is_not_given() -> None:
    answers: VersionedAnswers[str] = VersionedAnswers()
    answers.put("gender", 7, "12 men, 9 women")
    assert answers.get("gender", 8) is None
    assert answers.get("education", 7) is None


def test_a_newer_answer_replaces_the_older_one() -> None:
    answers: VersionedAnswers[str] = VersionedAnswers()
    answers.put("gender", 7, "old")
    answers.put("gender", 8, "new")
    assert (answers.get("gender", 7), answers.get("gender", 8), len(answers)) == (None, "new", 1)


def test_the_least_recently_used_answer_leaves_when_full() -> None:
    answers: VersionedAnswers[str] = VersionedAnswers(capacity=2)
    answers.put("a", 1, "A")
    answers.put("b", 1, "B")
    answers.get("a", 1)
    answers.put("c", 1, "C")
    assert (answers.get("a", 1), answers.get("b", 1), answers.get("c", 1)) == ("A", None, "C")
