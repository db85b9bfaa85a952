"""Identity tokens: HMAC-SHA256 over the normalised ``idType:idNumber``."""

from __future__ import annotations

import datetime
import hashlib
import hmac

import pytest

from exchange.standard import (
    PASSPORT,
    RESIDENT_ID,
    IdentityDocument,
    NationalKey,
    NationalKeyError,
    identity_token,
    tokens_match,
    validate_id_number,
)

KEY = NationalKey(b"k" * 32)


def document(id_type: str, value: str, today: datetime.date) -> IdentityDocument:
    verdict = validate_id_number(id_type, value, today=today)
    assert verdict.document is not None
    return verdict.document


def test_the_token_is_hmac_sha256_of_type_and_number() -> None:
    expected = hmac.new(b"k" * 32, b"01:11010519491231002X", hashlib.sha256).hexdigest()
    assert identity_token(KEY, IdentityDocument(RESIDENT_ID, "11010519491231002X")) == expected


def test_every_written_form_of_one_number_gives_one_token(today: datetime.date) -> None:
    forms = ["11010519491231002X", "11010519491231002x", "110105491231002", "１１０１０５１９４９１２３１００２Ｘ"]
    tokens = {identity_token(KEY, document(RESIDENT_ID, form, today)) for form in forms}
    assert len(tokens) == 1


def test_the_same_number_under_another_id_type_is_another_person() -> None:
    assert identity_token(KEY, IdentityDocument(RESIDENT_ID, "12345678")) != identity_token(
        KEY, IdentityDocument(PASSPORT, "12345678")
    )


def test_another_key_gives_another_token() -> None:
    doc = IdentityDocument(RESIDENT_ID, "11010519491231002X")
    assert identity_token(KEY, doc) != identity_token(NationalKey(b"j" * 32), doc)


def test_tokens_are_compared_in_constant_time() -> None:
    token = identity_token(KEY, IdentityDocument(RESIDENT_ID, "11010519491231002X"))
    assert tokens_match(token, token)
    assert not tokens_match(token, token[:-1] + "0")


@pytest.mark.parametrize(
    "text", ["6b" * 32, "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"]
)
def test_a_key_is_read_from_hex_or_base64(text: str) -> None:
    NationalKey.from_text(text)


@pytest.mark.parametrize(("text", "reason"), [("abcd", "at least 32 bytes"), ("not a key!", "neither hex nor base64")])
def test_an_unusable_key_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(NationalKeyError, match=reason):
        NationalKey.from_text(text)


def test_the_key_never_appears_in_its_repr() -> None:
    assert "k" * 8 not in repr(KEY)
