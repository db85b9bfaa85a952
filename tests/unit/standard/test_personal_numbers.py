"""Telling a personal number in free text: ID and mobile numbers in any common writing, and nothing else."""

from __future__ import annotations

import pytest

from exchange.standard.personal_numbers import mentions_personal_number


@pytest.mark.parametrize(
    "text",
    [
        "核查 张三 420106199001011234",
        "身份证43010219900101123X",
        "旧身份证 430102900101123",
        "联系人电话13800138000",
        "联系人电话１３８００１３８０００",
        "电话 138 0013 8000",
        "电话 138-0013-8000",
    ],
)
def test_an_id_or_mobile_number_is_found_however_it_is_written(text: str) -> None:
    assert mentions_personal_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "困难职工帮扶",
        "2024年第3批困难职工帮扶",
        "困难职工帮扶（全国用户 acftu_admin）",
        "湘工发〔2024〕12号 2024-11-22",
    ],
)
def test_dates_and_document_numbers_are_not_taken_for_one(text: str) -> None:
    assert not mentions_personal_number(text)
