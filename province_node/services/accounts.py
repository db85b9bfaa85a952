"""Accounts: logging in, passwords, and the upper level creating and disabling lower levels' accounts.

Seed 001: the upper level enters the lower level's organisation and creates its account with an initial
password, which must be changed at first login; an administrator who leaves has access revoked at once.
"""

from __future__ import annotations

import datetime
import re
import secrets
import string
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select

from province_node.db.tables import Account, Organisation
from province_node.domain.access import Caller, Permission, Role
from province_node.domain.errors import ErrorCode, NotFound, RuleViolation
from province_node.security.login_tokens import InvalidLoginToken, issue_login_token, verify_login_token
from province_node.security.passwords import check_strength
from province_node.services import audit
from province_node.services.organisations import organisation_in_scope
from province_node.services.pages import search_text
from province_node.services.unit_of_work import UniqueViolation, UnitOfWork

MAX_FAILED_LOGINS = 5
FELLOW_ADMINS_MANAGED_ABOVE = "同一组织的管理员账号由上级工会创建和管理，请联系上级工会办理"
LOCKOUT = datetime.timedelta(minutes=15)
_USERNAME = re.compile(r"[A-Za-z0-9_.\-]{3,32}")


@dataclass(frozen=True, slots=True)
class LoginSucceeded:
    """A login token for the account, and whether the password must be changed first."""

    token: str
    account: Account
    organisation: Organisation  # the account's, shown in the answer (the request itself stays anonymous)
    must_change_password: bool


@dataclass(frozen=True, slots=True)
class IssuedPassword:
    """An account with the initial password to hand over (shown once, never stored in clear)."""

    account: Account
    initial_password: str


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def initial_password() -> str:
    """A random password of 14 characters with every character class, for handing over once."""
    alphabet = string.ascii_letters + string.digits + "!@#%+=?"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(14))
        classes = [set(string.ascii_lowercase), set(string.ascii_uppercase), set(string.digits), set("!@#%+=?")]
        if all(set(password) & chars for chars in classes):
            return password


async def authenticate(uow: UnitOfWork, bearer: str) -> Caller:
    """The caller a login token stands for; ``RuleViolation(UNAUTHENTICATED)`` when it stands for none."""
    tenant = uow.tenant
    try:
        claims = verify_login_token(tenant.settings.token_key, bearer, tenant.province)
    except InvalidLoginToken as exc:
        raise RuleViolation(ErrorCode.UNAUTHENTICATED, "登录凭证无效或已过期，请重新登录") from exc
    found = await account_and_scope(uow, claims.account_id)
    if found is None or found[0].disabled_at is not None or found[0].token_version != claims.token_version:
        raise RuleViolation(ErrorCode.UNAUTHENTICATED, "登录凭证已失效（账号已停用或密码已更改），请重新登录")
    account, scope_path = found
    if (account.organisation_id, account.role) != (claims.organisation_id, claims.role):
        raise RuleViolation(ErrorCode.UNAUTHENTICATED, "登录凭证所载的组织或角色已变更，请重新登录")
    return caller_of(account, scope_path, tenant.province)


def _with_scope() -> Select[Account, str]:
    """Accounts with their organisation's path (the subtree each governs)."""
    return select(Account, Organisation.path).join(Organisation, Organisation.id == Account.organisation_id)


async def account_and_scope(uow: UnitOfWork, account_id: int) -> tuple[Account, str] | None:
    """The account as it stands now and its organisation's path (the subtree it governs), if it exists."""
    row = (await uow.db.execute(_with_scope().where(Account.id == account_id))).first()
    return (row.Account, row.path) if row is not None else None


async def caller_by_username(uow: UnitOfWork, username: str) -> Caller:
    """The caller an enabled account stands for, without a login: for tasks run by the node's operator on the
    node's own machine (``unionfed export --as``); ``NotFound`` for an unknown or disabled account."""
    row = (await uow.db.execute(_with_scope().where(_username_is(username), Account.disabled_at.is_(None)))).first()
    if row is None:
        raise NotFound("账号")
    return caller_of(row.Account, row.path, uow.tenant.province)


def _username_is(username: str) -> ColumnElement[bool]:
    """The account called ``username``, whatever its case; a name with control characters is refused."""
    return func.lower(Account.username) == search_text(username, what="用户名").lower()


def caller_of(account: Account, scope_path: str, province: str) -> Caller:
    """The caller ``account`` stands for, governing the subtree at ``scope_path``."""
    return Caller(
        account_id=account.id,
        username=account.username,
        role=Role(account.role),
        organisation_id=account.organisation_id,
        scope_path=scope_path,
        province=province,
        must_change_password=account.must_change_password,
    )


async def login(uow: UnitOfWork, username: str, password: str) -> LoginSucceeded:
    """Check a username and password and issue a login token; commits the outcome (lockouts count).

    The password is checked in a worker thread, without holding the account's row lock; the outcome is then
    decided on the row locked ``FOR UPDATE``, so concurrent attempts count one by one and none gets past a
    lock that another has just set.
    """
    row = (
        await uow.db.execute(
            select(Account, Organisation)
            .join(Organisation, Organisation.id == Account.organisation_id)
            .where(_username_is(username))
        )
    ).first()
    failed = RuleViolation(ErrorCode.LOGIN_FAILED, "用户名或密码不正确")
    if row is None:
        await uow.tenant.passwords.verify_decoy_in_worker(password)
        raise failed
    _refuse_if_locked(row.Account)
    checked_hash = row.Account.password_hash
    right = await uow.tenant.passwords.verify_in_worker(checked_hash, password)
    account = await _account_for_update(uow, row.Account.id)  # the same object as row.Account, refreshed
    _refuse_if_locked(account)
    if not right or account.password_hash != checked_hash:  # changed meanwhile: the old password proves nothing
        await _count_failure(uow, account)
        raise failed
    if account.disabled_at is not None:
        raise RuleViolation(ErrorCode.ACCOUNT_DISABLED, "该账号已停用，请联系上级工会")
    if uow.tenant.passwords.needs_rehash(account.password_hash):
        account.password_hash = await uow.tenant.passwords.hash_in_worker(password)
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = _now()
    audit.record(uow, audit.AuditAction.LOGIN, target_type="account", target_ids=[account.id], account_id=account.id)
    await uow.commit()
    return LoginSucceeded(
        token=_login_token(uow, account),
        account=account,
        organisation=row.Organisation,
        must_change_password=account.must_change_password,
    )


def _refuse_if_locked(account: Account) -> None:
    """``RuleViolation(ACCOUNT_LOCKED)`` while the account is locked after too many wrong passwords."""
    if account.locked_until is not None and account.locked_until > _now():
        raise RuleViolation(ErrorCode.ACCOUNT_LOCKED, "密码错误次数过多，账号已临时锁定，请 15 分钟后再试")


async def _account_for_update(uow: UnitOfWork, account_id: int) -> Account:
    """The account as committed now, its row locked until the transaction ends (concurrent logins of the
    account wait here for one another)."""
    found = await uow.db.scalars(
        select(Account).where(Account.id == account_id).with_for_update().execution_options(populate_existing=True)
    )
    if not found:  # a national caller has no account here
        raise NotFound("账号")
    account: Account = found[0]
    return account


async def _count_failure(
    uow: UnitOfWork, account: Account, action: audit.AuditAction = audit.AuditAction.LOGIN_FAILED
) -> None:
    """Count a wrong password on the locked ``account`` (locking it at the limit), audit it as ``action`` and
    commit."""
    account.failed_logins += 1
    if account.failed_logins >= MAX_FAILED_LOGINS:
        account.locked_until = _now() + LOCKOUT
        account.failed_logins = 0
    audit.record(uow, action, target_type="account", target_ids=[account.id], account_id=account.id)
    await uow.commit()


def _login_token(uow: UnitOfWork, account: Account) -> str:
    return issue_login_token(
        uow.tenant.settings.token_key,
        account_id=account.id,
        province=uow.tenant.province,
        organisation_id=account.organisation_id,
        role=account.role,
        token_version=account.token_version,
        lifetime=uow.tenant.node.token_lifetime,
    )


async def _own_account(uow: UnitOfWork) -> Account:
    account = await uow.db.get(Account, uow.caller.account_id)
    if account is None:
        raise NotFound("账号")
    return account


async def change_password(uow: UnitOfWork, current_password: str, new_password: str) -> str:
    """Change the caller's password; returns a fresh login token (older tokens stop working)."""
    account = await _account_for_update(uow, uow.caller.account_id)
    _refuse_if_locked(account)
    passwords = uow.tenant.passwords
    if not await passwords.verify_in_worker(account.password_hash, current_password):
        # Counted with the failed logins: a login token in the wrong hands must not guess the password freely.
        await _count_failure(uow, account, audit.AuditAction.PASSWORD_CHANGE_FAILED)
        raise RuleViolation(ErrorCode.WRONG_PASSWORD, "当前密码不正确")
    check_strength(new_password, account.username)
    if await passwords.verify_in_worker(account.password_hash, new_password):
        raise RuleViolation(ErrorCode.WEAK_PASSWORD, "新密码不能与当前密码相同")
    account.password_hash = await passwords.hash_in_worker(new_password)
    account.must_change_password = False
    account.failed_logins = 0  # the right password was given: earlier wrong ones no longer count
    account.token_version += 1
    audit.record(uow, audit.AuditAction.PASSWORD_CHANGED, target_type="account", target_ids=[account.id])
    await uow.commit()
    return _login_token(uow, account)


async def create_account(
    uow: UnitOfWork, *, organisation_id: int, username: str, role: Role, display_name: str | None
) -> IssuedPassword:
    """Create an account for an organisation in the caller's subtree, with an initial password."""
    caller = uow.caller
    caller.require(Permission.MANAGE_ACCOUNTS)
    organisation = await organisation_in_scope(uow, organisation_id)
    if organisation.dissolved_at is not None:
        raise RuleViolation(ErrorCode.ORG_DISSOLVED, "该工会已撤销，不能再为其创建账号")
    if not caller.may_grant(role):
        raise RuleViolation(ErrorCode.ROLE_TOO_HIGH, "不能创建权限高于本账号的账号")
    if not caller.may_manage_account(organisation.path, role):  # an administrator would mint a fellow of its own
        raise RuleViolation(ErrorCode.NOT_PERMITTED, FELLOW_ADMINS_MANAGED_ABOVE)
    username = username.strip()
    if not _USERNAME.fullmatch(username):
        raise RuleViolation(ErrorCode.INVALID_ARGUMENT, "用户名须为 3 至 32 位字母、数字、下划线、点或连字符")
    taken = RuleViolation(ErrorCode.USERNAME_TAKEN, f"用户名“{username}”已被使用")
    if await uow.db.scalar(select(Account.id).where(func.lower(Account.username) == username.lower())) is not None:
        raise taken
    password = initial_password()
    account = Account(
        username=username,
        display_name=display_name,
        password_hash=await uow.tenant.passwords.hash_in_worker(password),
        organisation_id=organisation.id,
        role=role.value,
        must_change_password=True,
        created_by=caller.account_id,
    )
    uow.db.add(account)
    try:
        await uow.db.flush()
    except UniqueViolation:  # the same username taken by someone else a moment ago
        raise taken from None
    audit.record(uow, audit.AuditAction.ACCOUNT_CREATED, target_type="account", target_ids=[account.id],
                 details={"role": role.value, "organisationId": organisation.id})  # fmt: skip
    await uow.commit()
    return IssuedPassword(account=account, initial_password=password)


async def managed_account(uow: UnitOfWork, account_id: int) -> Account:
    """An account the caller may reset or disable (``Caller.may_manage_account``): ``NotFound`` outside its
    subtree, ``NOT_PERMITTED`` for a fellow administrator of its organisation. The caller's own account is
    left to the callers, which say why it cannot be managed this way."""
    found = await account_and_scope(uow, account_id)
    if found is None or not uow.caller.governs(found[1]):
        raise NotFound("账号")
    account, path = found
    if account.id != uow.caller.account_id and not uow.caller.may_manage_account(path, Role(account.role)):
        raise RuleViolation(ErrorCode.NOT_PERMITTED, FELLOW_ADMINS_MANAGED_ABOVE)
    return account


async def disable_account(uow: UnitOfWork, account_id: int, reason: str) -> Account:
    """Disable an account of the caller's subtree at once: its tokens stop working."""
    uow.caller.require(Permission.MANAGE_ACCOUNTS)
    account = await managed_account(uow, account_id)
    if account.id == uow.caller.account_id:
        raise RuleViolation(ErrorCode.NOT_PERMITTED, "不能停用本人正在使用的账号，请由上级工会办理")
    if account.disabled_at is None:
        account.disabled_at = _now()
        account.token_version += 1
        audit.record(uow, audit.AuditAction.ACCOUNT_DISABLED, target_type="account", target_ids=[account.id],
                     details={"reason": reason})  # fmt: skip
    await uow.commit()  # also when already disabled: a rollback would expire the row the caller shows
    return account


async def reset_password(uow: UnitOfWork, account_id: int) -> IssuedPassword:
    """Give an account of the caller's subtree a new initial password, to be changed at next login."""
    uow.caller.require(Permission.MANAGE_ACCOUNTS)
    account = await managed_account(uow, account_id)
    if account.id == uow.caller.account_id:
        raise RuleViolation(ErrorCode.NOT_PERMITTED, "请用“修改密码”更改本人的密码")
    password = initial_password()
    account.password_hash = await uow.tenant.passwords.hash_in_worker(password)
    account.must_change_password = True
    account.token_version += 1
    account.failed_logins = 0
    account.locked_until = None
    audit.record(uow, audit.AuditAction.PASSWORD_RESET, target_type="account", target_ids=[account.id])
    await uow.commit()
    return IssuedPassword(account=account, initial_password=password)
