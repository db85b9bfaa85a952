"""Accounts over HTTP: logging in, lockout, the first-login password change, the upper level managing
lower levels' accounts, and tokens that stop working the moment they should."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import psycopg
import pytest

from province_node.security.login_tokens import issue_login_token, verify_login_token
from province_node.settings import NodeSettings
from tests.integration.province_node.conftest import (
    NEW_PASSWORD,
    NODE_SECRET,
    GraphQLClient,
    database_snapshot,
    gid,
    issued_account,
    scalar,
    wait_for_lock_waiters,
)
from tests.integration.province_node.world import PASSWORD, World

pytestmark = pytest.mark.anyio

LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
    __typename ... on LoginSuccess { token mustChangePassword account { username role } }
    ... on Error { code message } } }"""
CHANGE_PASSWORD = """mutation($current: String!, $new: String!) {
    changePassword(currentPassword: $current, newPassword: $new) {
        __typename ... on PasswordChanged { token } ... on Error { code message } } }"""
CREATE_ACCOUNT = """mutation($org: ID!, $username: String!, $role: Role!) {
    createAccount(organisation: $org, username: $username, role: $role) {
        __typename ... on AccountIssued { initialPassword account { id username role mustChangePassword } }
        ... on Error { code message } } }"""
DISABLE_ACCOUNT = """mutation($id: ID!) { disableAccount(id: $id, reason: "离职") {
    __typename ... on AccountSaved { account { username disabled } } ... on Error { code message } } }"""
RESET_PASSWORD = """mutation($id: ID!) { resetAccountPassword(id: $id) {
    __typename ... on AccountIssued { initialPassword account { mustChangePassword } }
    ... on Error { code message } } }"""
ME = "{ me { username role mustChangePassword organisation { name } } }"
MEMBERS = "{ members { totalCount } }"


async def login(anonymous: GraphQLClient, username: str, password: str) -> dict[str, Any]:
    result: dict[str, Any] = (await anonymous.data(LOGIN, {"u": username, "p": password}))["login"]
    return result


async def account_id(world: World, username: str) -> str:
    key = await scalar(world.tenant, "SELECT id FROM account WHERE username = :name", name=username)
    return gid("Account", int(key))


async def test_the_right_password_gives_a_token_that_works(world: World, anonymous: GraphQLClient) -> None:
    result = await login(anonymous, "fr_clerk", PASSWORD)
    assert result["__typename"] == "LoginSuccess"
    assert result["account"] == {"username": "fr_clerk", "role": "CLERK"}
    me = await GraphQLClient(anonymous.http, "43", result["token"]).data(ME)
    assert me["me"]["organisation"] == {"name": "芙蓉区总工会"}


async def test_the_login_answer_shows_the_accounts_organisation(world: World, anonymous: GraphQLClient) -> None:
    answer = await anonymous.data(
        """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
            ... on LoginSuccess { account { organisation { name } } } } }""",
        {"u": "fr_clerk", "p": PASSWORD},
    )
    assert answer["login"]["account"]["organisation"] == {"name": "芙蓉区总工会"}


async def test_the_login_answer_shows_nothing_below_the_accounts_organisation(
    world: World, anonymous: GraphQLClient
) -> None:
    body = await anonymous.raw(
        """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
            ... on LoginSuccess { account { organisation { name memberCount children { name } } } } } }""",
        {"u": "cs_admin", "p": PASSWORD},
    )
    assert body["data"]["login"]["account"]["organisation"] is None
    assert {error["extensions"]["code"] for error in body["errors"]} == {"UNAUTHENTICATED"}


async def test_a_login_inside_a_request_lends_nothing_to_the_rest_of_it(
    world: World, furong_clerk: GraphQLClient
) -> None:
    before = await database_snapshot(world.tenant)
    answer = await furong_clerk.data(
        """mutation($u: String!, $p: String!, $union: ID!) {
            login(username: $u, password: $p) { __typename }
            createUnit(keptBy: $union, input: {name: "某公司", nature: "私营经济"}, issueTemporaryCode: true) {
                __typename } }""",
        {"u": "tx_clerk", "p": PASSWORD, "union": gid("Organisation", world.tianxin_union.id)},
    )
    assert answer == {"login": {"__typename": "LoginSuccess"}, "createUnit": {"__typename": "NotFoundError"}}
    assert await database_snapshot(world.tenant) == before


async def test_the_login_token_names_the_accounts_organisation_and_role(
    world: World, anonymous: GraphQLClient, node_settings: NodeSettings
) -> None:
    token = (await login(anonymous, "fr_clerk", PASSWORD))["token"]
    claims = verify_login_token(node_settings.tenants[0].token_key, token, "43")
    assert (claims.organisation_id, claims.role) == (world.furong.id, "clerk")


async def test_usernames_are_not_case_sensitive(world: World, anonymous: GraphQLClient) -> None:
    assert (await login(anonymous, " FR_Clerk ", PASSWORD))["__typename"] == "LoginSuccess"


async def test_a_wrong_password_is_refused(world: World, anonymous: GraphQLClient) -> None:
    result = await login(anonymous, "fr_clerk", "Wrong-password-1")
    assert result == {"__typename": "RuleViolationError", "code": "LOGIN_FAILED", "message": "用户名或密码不正确"}


async def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(
    world: World, anonymous: GraphQLClient
) -> None:
    assert await login(anonymous, "nobody", PASSWORD) == await login(anonymous, "fr_clerk", "Wrong-password-1")


async def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    world: World, anonymous: GraphQLClient
) -> None:
    for _ in range(5):
        assert (await login(anonymous, "fr_clerk", "Wrong-password-1"))["code"] == "LOGIN_FAILED"
    assert (await login(anonymous, "fr_clerk", PASSWORD))["code"] == "ACCOUNT_LOCKED"
    assert (await login(anonymous, "fr_viewer", PASSWORD))["__typename"] == "LoginSuccess"


async def test_four_wrong_passwords_do_not_lock_the_account(world: World, anonymous: GraphQLClient) -> None:
    for _ in range(4):
        await login(anonymous, "fr_clerk", "Wrong-password-1")
    assert (await login(anonymous, "fr_clerk", PASSWORD))["__typename"] == "LoginSuccess"


async def test_failed_logins_are_audited(world: World, anonymous: GraphQLClient) -> None:
    await login(anonymous, "fr_clerk", "Wrong-password-1")
    failures = await scalar(
        world.tenant,
        "SELECT count(*) FROM audit_log JOIN account ON account.id = audit_log.account_id "
        "WHERE action = 'login_failed' AND username = 'fr_clerk'",
    )
    assert failures == 1


async def issue_account(admin: GraphQLClient, organisation_id: int, username: str, role: str) -> dict[str, Any]:
    result: dict[str, Any] = (
        await admin.data(
            CREATE_ACCOUNT, {"org": gid("Organisation", organisation_id), "username": username, "role": role}
        )
    )["createAccount"]
    return result


async def test_an_account_created_by_the_upper_level_must_change_its_initial_password_first(
    world: World, anonymous: GraphQLClient, city_admin: GraphQLClient
) -> None:
    issued = await issue_account(city_admin, world.furong.id, "fr_new", "CLERK")
    assert issued["__typename"] == "AccountIssued"
    assert issued["account"]["mustChangePassword"] is True
    first = await login(anonymous, "fr_new", issued["initialPassword"])
    assert first["mustChangePassword"] is True
    newcomer = GraphQLClient(anonymous.http, "43", first["token"])

    assert await newcomer.error_codes(MEMBERS) == ["PASSWORD_CHANGE_REQUIRED"]
    assert (await newcomer.data(ME))["me"] == {
        "username": "fr_new",
        "role": "CLERK",
        "mustChangePassword": True,
        "organisation": {"name": "芙蓉区总工会"},
    }


async def test_after_changing_the_initial_password_the_new_account_works_and_the_old_token_does_not(
    world: World, anonymous: GraphQLClient, city_admin: GraphQLClient
) -> None:
    issued = await issue_account(city_admin, world.furong.id, "fr_new", "CLERK")
    first = GraphQLClient(anonymous.http, "43", (await login(anonymous, "fr_new", issued["initialPassword"]))["token"])
    changed = await first.data(CHANGE_PASSWORD, {"current": issued["initialPassword"], "new": NEW_PASSWORD})
    assert changed["changePassword"]["__typename"] == "PasswordChanged"

    newcomer = GraphQLClient(anonymous.http, "43", changed["changePassword"]["token"])
    assert (await newcomer.data(MEMBERS))["members"]["totalCount"] == 3
    assert await first.error_codes(MEMBERS) == ["UNAUTHENTICATED"]
    assert (await login(anonymous, "fr_new", NEW_PASSWORD))["mustChangePassword"] is False


@pytest.mark.parametrize(
    "weak",
    ["Short-1a", "alllowercase-and-long", "ALLUPPER1234567", "fr_clerk-Password-1", "1234567890abc"],
    ids=["too-short", "two-classes-lower", "two-classes-upper", "contains-username", "digits-and-lower"],
)
async def test_a_weak_new_password_is_refused(world: World, furong_clerk: GraphQLClient, weak: str) -> None:
    result = (await furong_clerk.data(CHANGE_PASSWORD, {"current": PASSWORD, "new": weak}))["changePassword"]
    assert result["code"] == "WEAK_PASSWORD"
    assert (await furong_clerk.data(MEMBERS))["members"]["totalCount"] == 3


async def test_a_new_password_needs_the_current_one(world: World, furong_clerk: GraphQLClient) -> None:
    result = await furong_clerk.data(CHANGE_PASSWORD, {"current": "Not-the-password-1", "new": NEW_PASSWORD})
    assert result["changePassword"]["code"] == "WRONG_PASSWORD"


async def test_the_new_password_cannot_be_the_current_one(world: World, furong_clerk: GraphQLClient) -> None:
    result = await furong_clerk.data(CHANGE_PASSWORD, {"current": PASSWORD, "new": PASSWORD})
    assert result["changePassword"]["code"] == "WEAK_PASSWORD"


async def test_a_clerk_cannot_create_accounts_at_all(world: World, furong_clerk: GraphQLClient) -> None:
    variables = {"org": gid("Organisation", world.furong.id), "username": "fr_boss", "role": "ADMIN"}
    assert await furong_clerk.error_codes(CREATE_ACCOUNT, variables) == ["NOT_PERMITTED"]
    assert await scalar(world.tenant, "SELECT count(*) FROM account WHERE username = 'fr_boss'") == 0


async def test_a_county_admin_creates_accounts_in_its_own_subtree(world: World, furong_admin: GraphQLClient) -> None:
    issued = await issue_account(furong_admin, world.furong_union.id, "frkj_clerk", "CLERK")
    assert issued["__typename"] == "AccountIssued"
    assert issued["account"]["role"] == "CLERK"


@pytest.mark.parametrize("where", ["tianxin", "city"])
async def test_a_county_admin_cannot_create_accounts_outside_its_subtree(
    world: World, furong_admin: GraphQLClient, where: str
) -> None:
    organisation = world.tianxin if where == "tianxin" else world.city
    issued = await issue_account(furong_admin, organisation.id, "intruder", "CLERK")
    assert issued == {"__typename": "NotFoundError", "code": "NOT_FOUND", "message": "在您的管辖范围内找不到该工会组织"}
    assert await scalar(world.tenant, "SELECT count(*) FROM account WHERE username = 'intruder'") == 0


async def test_a_taken_username_is_refused_whatever_its_case(world: World, city_admin: GraphQLClient) -> None:
    issued = await issue_account(city_admin, world.furong.id, "FR_CLERK", "VIEWER")
    assert issued["code"] == "USERNAME_TAKEN"


async def test_a_disabled_account_stops_working_at_once(
    world: World, anonymous: GraphQLClient, city_admin: GraphQLClient, furong_clerk: GraphQLClient
) -> None:
    assert (await furong_clerk.data(MEMBERS))["members"]["totalCount"] == 3
    disabled = await city_admin.data(DISABLE_ACCOUNT, {"id": await account_id(world, "fr_clerk")})
    assert disabled["disableAccount"] == {
        "__typename": "AccountSaved",
        "account": {"username": "fr_clerk", "disabled": True},
    }
    assert await furong_clerk.error_codes(MEMBERS) == ["UNAUTHENTICATED"]
    assert (await login(anonymous, "fr_clerk", PASSWORD))["code"] == "ACCOUNT_DISABLED"


async def test_disabling_a_disabled_account_answers_with_it_unchanged(world: World, city_admin: GraphQLClient) -> None:
    variables = {"id": await account_id(world, "fr_clerk")}
    await city_admin.data(DISABLE_ACCOUNT, variables)
    disabled_at = await scalar(world.tenant, "SELECT disabled_at FROM account WHERE username = 'fr_clerk'")
    again = await city_admin.data(DISABLE_ACCOUNT, variables)
    assert again["disableAccount"]["account"] == {"username": "fr_clerk", "disabled": True}
    assert await scalar(world.tenant, "SELECT disabled_at FROM account WHERE username = 'fr_clerk'") == disabled_at


async def test_a_county_clerk_cannot_be_disabled_by_the_other_county(world: World, furong_admin: GraphQLClient) -> None:
    result = await furong_admin.data(DISABLE_ACCOUNT, {"id": await account_id(world, "tx_clerk")})
    assert result["disableAccount"]["code"] == "NOT_FOUND"
    assert await scalar(world.tenant, "SELECT disabled_at FROM account WHERE username = 'tx_clerk'") is None


async def test_an_admin_cannot_disable_its_own_account(world: World, city_admin: GraphQLClient) -> None:
    result = await city_admin.data(DISABLE_ACCOUNT, {"id": await account_id(world, "cs_admin")})
    assert result["disableAccount"]["code"] == "NOT_PERMITTED"
    assert (await city_admin.data(MEMBERS))["members"]["totalCount"] == 5


async def test_a_reset_password_replaces_the_old_one_and_must_be_changed_at_next_login(
    world: World, anonymous: GraphQLClient, city_admin: GraphQLClient, furong_clerk: GraphQLClient
) -> None:
    reset = (await city_admin.data(RESET_PASSWORD, {"id": await account_id(world, "fr_clerk")}))["resetAccountPassword"]
    assert reset["account"] == {"mustChangePassword": True}
    assert await furong_clerk.error_codes(MEMBERS) == ["UNAUTHENTICATED"]
    assert (await login(anonymous, "fr_clerk", PASSWORD))["code"] == "LOGIN_FAILED"
    again = await login(anonymous, "fr_clerk", reset["initialPassword"])
    assert again["mustChangePassword"] is True


async def test_a_reset_unlocks_a_locked_account(
    world: World, anonymous: GraphQLClient, city_admin: GraphQLClient
) -> None:
    for _ in range(5):
        await login(anonymous, "fr_clerk", "Wrong-password-1")
    reset = (await city_admin.data(RESET_PASSWORD, {"id": await account_id(world, "fr_clerk")}))["resetAccountPassword"]
    assert (await login(anonymous, "fr_clerk", reset["initialPassword"]))["__typename"] == "LoginSuccess"


async def test_a_county_admin_can_neither_reset_nor_disable_a_fellow_admin_of_the_county(
    world: World, city_admin: GraphQLClient, anonymous: GraphQLClient, furong_admin: GraphQLClient
) -> None:
    await issued_account(city_admin, anonymous, world.furong.id, "fr_admin2", "ADMIN")
    fellow = {"id": await account_id(world, "fr_admin2")}
    reset = (await furong_admin.data(RESET_PASSWORD, fellow))["resetAccountPassword"]
    disabled = (await furong_admin.data(DISABLE_ACCOUNT, fellow))["disableAccount"]
    assert (reset["code"], disabled["code"]) == ("NOT_PERMITTED", "NOT_PERMITTED")
    assert "上级工会" in reset["message"]
    assert (await login(anonymous, "fr_admin2", NEW_PASSWORD))["__typename"] == "LoginSuccess"


async def test_the_level_above_resets_a_county_admin(
    world: World, city_admin: GraphQLClient, anonymous: GraphQLClient, furong_admin: GraphQLClient
) -> None:
    reset = (await city_admin.data(RESET_PASSWORD, {"id": await account_id(world, "fr_admin")}))["resetAccountPassword"]
    assert reset["account"] == {"mustChangePassword": True}


async def test_admins_of_the_province_root_reset_each_other(
    world: World, province_admin: GraphQLClient, anonymous: GraphQLClient
) -> None:
    await issued_account(province_admin, anonymous, world.root.id, "hn_admin2", "ADMIN")
    reset = await province_admin.data(RESET_PASSWORD, {"id": await account_id(world, "hn_admin2")})
    assert reset["resetAccountPassword"]["account"] == {"mustChangePassword": True}


async def test_a_token_of_hunan_is_refused_by_hubei(world: World, furong_clerk: GraphQLClient) -> None:
    in_hubei = GraphQLClient(furong_clerk.http, "42", furong_clerk.token)
    assert await in_hubei.error_codes(ME) == ["UNAUTHENTICATED"]
    assert (await furong_clerk.data(ME))["me"]["username"] == "fr_clerk"


def hunan_token(
    node_settings: NodeSettings,
    *,
    account: int,
    organisation: int,
    lifetime: datetime.timedelta,
    role: str = "admin",
    key: bytes | None = None,
    province: str = "43",
) -> str:
    """A login token signed like the node's (or with ``key``)."""
    signing_key = key if key is not None else node_settings.tenants[0].token_key
    return issue_login_token(
        signing_key,
        account_id=account,
        province=province,
        organisation_id=organisation,
        role=role,
        token_version=1,
        lifetime=lifetime,
    )


async def test_forged_expired_and_garbage_tokens_are_refused(
    world: World, anonymous: GraphQLClient, node_settings: NodeSettings
) -> None:
    hour = datetime.timedelta(hours=1)
    root = world.root.id
    tokens = {
        "garbage": "not-a-token",
        "empty-looking": "a.b.c",
        "other key": hunan_token(node_settings, account=1, organisation=root, lifetime=hour, key=NODE_SECRET),
        "hubei key, hunan claim": hunan_token(
            node_settings, account=1, organisation=root, lifetime=hour, key=node_settings.tenants[1].token_key
        ),
        "expired": hunan_token(node_settings, account=1, organisation=root, lifetime=-hour),
        "no such account": hunan_token(node_settings, account=999_999, organisation=root, lifetime=hour),
    }
    answers = {name: await GraphQLClient(anonymous.http, "43", token).error_codes(ME) for name, token in tokens.items()}
    assert answers == {name: ["UNAUTHENTICATED"] for name in tokens}


async def test_a_genuine_token_of_the_province_admin_works(
    world: World, anonymous: GraphQLClient, node_settings: NodeSettings
) -> None:
    token = hunan_token(node_settings, account=1, organisation=world.root.id, lifetime=datetime.timedelta(hours=1))
    assert (await GraphQLClient(anonymous.http, "43", token).data(ME))["me"]["username"] == "hn_admin"


async def test_a_token_claiming_another_role_or_organisation_than_the_accounts_is_refused(
    world: World, anonymous: GraphQLClient, node_settings: NodeSettings
) -> None:
    hour = datetime.timedelta(hours=1)
    claims = {
        "viewer instead of admin": hunan_token(
            node_settings, account=1, organisation=world.root.id, role="viewer", lifetime=hour
        ),
        "a county instead of the province": hunan_token(
            node_settings, account=1, organisation=world.furong.id, lifetime=hour
        ),
    }
    answers = {name: await GraphQLClient(anonymous.http, "43", token).error_codes(ME) for name, token in claims.items()}
    assert answers == {name: ["UNAUTHENTICATED"] for name in claims}


async def test_an_authorization_header_that_is_not_a_bearer_token_is_refused(
    world: World, anonymous: GraphQLClient, furong_clerk: GraphQLClient
) -> None:
    response = await anonymous.http.post(
        "/p/43/graphql", json={"query": ME}, headers={"Authorization": f"Basic {furong_clerk.token}"}
    )
    assert [error["extensions"]["code"] for error in response.json()["errors"]] == ["UNAUTHENTICATED"]


async def test_without_a_token_only_logging_in_and_code_lists_are_open(world: World, anonymous: GraphQLClient) -> None:
    assert await anonymous.error_codes(MEMBERS) == ["UNAUTHENTICATED"]
    assert await anonymous.error_codes(ME) == ["UNAUTHENTICATED"]
    assert (await anonymous.data('{ codeList(name: "gender") { name } }'))["codeList"] == {"name": "gender"}


async def test_two_admins_creating_the_same_username_at_once_make_one_account(
    world: World, city_admin: GraphQLClient, province_admin: GraphQLClient, database_url: str
) -> None:
    creators = [(city_admin, world.furong.id), (province_admin, world.tianxin.id)]
    # Hold inserts into account until both requests have passed their "username taken" check: the unique
    # index alone must then decide.
    async with await psycopg.AsyncConnection.connect(database_url) as gate:
        await gate.execute("LOCK TABLE account IN SHARE MODE")
        requests = [asyncio.create_task(issue_account(admin, org, "newcomer", "CLERK")) for admin, org in creators]
        await wait_for_lock_waiters(database_url, "account", 2)
        await gate.commit()
        results = await asyncio.gather(*requests)
    assert sorted(result["__typename"] for result in results) == ["AccountIssued", "RuleViolationError"]
    assert next(result["code"] for result in results if result["__typename"] == "RuleViolationError") == (
        "USERNAME_TAKEN"
    )
    assert await scalar(world.tenant, "SELECT count(*) FROM account WHERE username = 'newcomer'") == 1


async def test_an_account_on_its_initial_password_sees_its_own_organisation_but_nothing_below_or_above(
    world: World, anonymous: GraphQLClient, city_admin: GraphQLClient
) -> None:
    issued = await issue_account(city_admin, world.furong.id, "fr_new", "CLERK")
    first = await login(anonymous, "fr_new", issued["initialPassword"])
    newcomer = GraphQLClient(anonymous.http, "43", first["token"])
    assert (await newcomer.data("{ me { organisation { name leader } } }"))["me"]["organisation"][
        "name"
    ] == "芙蓉区总工会"
    for reach in ("children { name }", "units { name }", "memberCount", "parent { name }", "ancestors { name }"):
        query = f"{{ me {{ organisation {{ {reach} }} }} }}"
        assert await newcomer.error_codes(query) == ["PASSWORD_CHANGE_REQUIRED"], reach


async def test_the_login_answer_names_the_organisation_but_reaches_nothing_from_it(
    world: World, anonymous: GraphQLClient
) -> None:
    reaching = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
        ... on LoginSuccess { account { organisation { name children { name } } } } } }"""
    assert await anonymous.error_codes(reaching, {"u": "fr_clerk", "p": PASSWORD}) == ["UNAUTHENTICATED"]


async def test_wrong_current_passwords_count_towards_the_lockout_like_failed_logins(
    world: World, anonymous: GraphQLClient, furong_clerk: GraphQLClient
) -> None:
    for _ in range(5):
        wrong = await furong_clerk.data(CHANGE_PASSWORD, {"current": "Wrong-password-1", "new": NEW_PASSWORD})
        assert wrong["changePassword"]["code"] == "WRONG_PASSWORD"
    right = await furong_clerk.data(CHANGE_PASSWORD, {"current": PASSWORD, "new": NEW_PASSWORD})
    assert right["changePassword"]["code"] == "ACCOUNT_LOCKED"
    assert (await login(anonymous, "fr_clerk", PASSWORD))["code"] == "ACCOUNT_LOCKED"
    failures = await scalar(
        world.tenant,
        "SELECT count(*) FROM audit_log JOIN account ON account.id = audit_log.account_id "
        "WHERE action = 'password_change_failed' AND username = 'fr_clerk'",
    )
    assert failures == 5


async def test_a_county_admin_cannot_create_a_fellow_admin_of_the_county(
    world: World, furong_admin: GraphQLClient
) -> None:
    issued = await issue_account(furong_admin, world.furong.id, "fr_admin2", "ADMIN")
    assert (issued["code"], "上级工会" in issued["message"]) == ("NOT_PERMITTED", True)
    assert await scalar(world.tenant, "SELECT count(*) FROM account WHERE username = 'fr_admin2'") == 0
    below = await issue_account(furong_admin, world.furong_union.id, "frkj_admin", "ADMIN")
    assert below["__typename"] == "AccountIssued"


async def test_a_password_changed_after_wrong_tries_starts_the_count_afresh(
    world: World, anonymous: GraphQLClient, furong_clerk: GraphQLClient
) -> None:
    for _ in range(4):
        await furong_clerk.data(CHANGE_PASSWORD, {"current": "Wrong-password-1", "new": NEW_PASSWORD})
    changed = await furong_clerk.data(CHANGE_PASSWORD, {"current": PASSWORD, "new": NEW_PASSWORD})
    assert changed["changePassword"]["__typename"] == "PasswordChanged"
    assert (await login(anonymous, "fr_clerk", "Wrong-password-1"))["code"] == "LOGIN_FAILED"
    assert (await login(anonymous, "fr_clerk", NEW_PASSWORD))["__typename"] == "LoginSuccess"
