"""Encryption at rest of ID numbers and phone numbers (AES-256-GCM, key from configuration).

Each value is sealed with a fresh 96-bit nonce and bound to its field and its owner's identity token as
associated data, so a ciphertext copied into another row or another column does not open. Layout:
one version byte, the nonce, the ciphertext with its tag.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"
_NONCE_BYTES = 12


class PersonalDataError(Exception):
    """A sealed value does not open: wrong key, wrong row or column, or tampered with."""


class PersonalDataCipher:
    """Seals and opens personal values of one tenant."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        # A separate key for fingerprints, so equality checks never use the encryption key itself.
        self._fingerprint_key = hmac.new(key, b"fingerprint", hashlib.sha256).digest()

    def fingerprint(self, value: str, *, field: str) -> str:
        """A keyed hash of ``value`` to tell whether two sealed values are equal without opening them."""
        return hmac.digest(self._fingerprint_key, f"{field}:{value}".encode(), "sha256").hex()

    def seal(self, value: str, *, field: str, token: str) -> bytes:
        """Encrypt ``value`` of ``field`` for the member with identity ``token``."""
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, value.encode(), f"{field}:{token}".encode())

    def open(self, sealed: bytes, *, field: str, token: str) -> str:
        """Decrypt a value sealed by ``seal`` with the same field and token."""
        if sealed[:1] != _VERSION:
            raise PersonalDataError("unknown format of sealed personal data")
        nonce, body = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, f"{field}:{token}".encode()).decode()
        except InvalidTag as exc:
            raise PersonalDataError(f"sealed {field} does not open for this member") from exc
