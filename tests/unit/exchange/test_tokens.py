"""Token sets go to PostgreSQL as one ``bytea`` of 32 bytes a token."""

from __future__ import annotations

import pytest

from exchange.service.store.tokens import packed

TOKEN = "ab" * 32


def test_tokens_are_packed_end_to_end_in_their_order() -> None:
    assert packed([TOKEN, "cd" * 32]) == bytes.fromhex(TOKEN) + bytes.fromhex("cd" * 32)


def test_a_token_of_another_length_is_refused_rather_than_shifting_the_others() -> None:
    with pytest.raises(ValueError, match="not 64 hex characters"):
        packed([TOKEN, "ab" * 31, "cd" * 33])  # 96 bytes in all, as three tokens would be


def test_a_token_with_spaces_is_refused() -> None:
    with pytest.raises(ValueError, match="not 32 bytes"):
        packed([TOKEN, "ab " * 20 + "abcd"])  # 64 characters, 22 bytes


def test_no_tokens_pack_into_no_bytes() -> None:
    assert packed([]) == b""
