"""The identity token: the national key for "one ID card, one member".

``HMAC-SHA256(national key, idType ":" idNumber)`` over the *normalised* number, so the exchange and the
gateway can tell whether two provinces hold the same person without ever holding the number. Every node
computes tokens with the same national key; the key comes from configuration and never from code.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from typing import Final

from exchange.standard.exceptions import NationalKeyError

SHORTEST_KEY_BYTES: Final = 32


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    """A person's document as the standard knows it: an ``id_type`` code and the normalised number.

    Only a successful validation makes one (``PersonIdVerdict.document``), so a token computed from it
    always sees the normalised form: a 15-digit number and its 18-digit upgrade are the same document.
    """

    id_type: str
    number: str


class NationalKey:
    """The secret shared by every node for computing identity tokens. Its ``repr`` never shows it."""

    __slots__ = ("_secret",)

    def __init__(self, secret: bytes) -> None:
        if len(secret) < SHORTEST_KEY_BYTES:
            msg = f"the national key must be at least {SHORTEST_KEY_BYTES} bytes, got {len(secret)}"
            raise NationalKeyError(msg)
        self._secret = secret

    @classmethod
    def from_text(cls, text: str) -> NationalKey:
        """Read a key written in configuration as hex or as base64 (standard or URL-safe)."""
        text = text.strip()
        try:
            secret = bytes.fromhex(text)
        except ValueError:
            try:
                standard = text.replace("-", "+").replace("_", "/")
                secret = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
            except binascii.Error as exc:
                raise NationalKeyError("the national key is neither hex nor base64") from exc
        return cls(secret)

    def __repr__(self) -> str:
        return "NationalKey(<secret>)"

    def secret_bytes(self) -> bytes:
        """The key itself, to hand to a worker process of the same node (never log, store or send it)."""
        return self._secret

    def sign(self, message: bytes) -> bytes:
        """HMAC-SHA256 of ``message`` under this key."""
        return hmac.digest(self._secret, message, "sha256")


def identity_token(key: NationalKey, document: IdentityDocument) -> str:
    """The identity token of ``document``: 64 lower-case hex characters."""
    return key.sign(f"{document.id_type}:{document.number}".encode()).hex()


def tokens_match(left: str, right: str) -> bool:
    """Compare two tokens in constant time (a token is as good as a secret to someone probing the index)."""
    return hmac.compare_digest(left.encode(), right.encode())
