"""The gateway's demo accounts: username, national role and an argon2 password hash from the settings."""

from __future__ import annotations

import argon2

from exchange.protocol.forwarded_identity import NationalRole
from gateway.domain.errors import ErrorCode, NotAuthorised
from gateway.settings import DemoAccount

_hasher = argon2.PasswordHasher()
# Checked against when the username is unknown, so the answer takes as long as for a known one.
_DECOY = _hasher.hash("not a password of anybody")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``, for ``UNIONFED_GATEWAY_ACCOUNTS``."""
    return _hasher.hash(password)


def check_login(accounts: tuple[DemoAccount, ...], username: str, password: str) -> tuple[str, NationalRole]:
    """The account's username and role when the password is right; ``NotAuthorised(LOGIN_FAILED)`` otherwise."""
    account = next((a for a in accounts if a.username.lower() == username.strip().lower()), None)
    try:
        _hasher.verify(account.password_hash if account else _DECOY, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        account = None
    else:
        if account is None:  # the decoy matched: impossible in practice, refused all the same
            raise NotAuthorised(ErrorCode.LOGIN_FAILED, "用户名或密码不正确")
    if account is None:
        raise NotAuthorised(ErrorCode.LOGIN_FAILED, "用户名或密码不正确")
    return account.username, account.role
