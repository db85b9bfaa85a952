"""Fixtures of province node tests: settings, a tenant, the app over HTTP, and a small Hunan world."""

from __future__ import annotations

import copy
import dataclasses
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, LiteralString

import anyio
import httpx
import psycopg
import pytest
from sqlalchemy import Engine, event, make_url, text

from exchange.standard import NationalKey, profile
from province_node.api.ids import decode_id, global_id
from province_node.app import create_app
from province_node.db.committed_reads import CommittedReads
from province_node.domain.lifecycle import EndReason, StatusChange
from province_node.settings import NodeSettings, PasswordCost, TenantSettings, derive_key, sqlalchemy_url
from province_node.synthetic.people import Person
from province_node.tenant import Tenant, open_tenant
from tests.conftest import cloned_database
from tests.integration.province_node.world import PASSWORD, World, build_world

NODE_SECRET = b"n" * 32
NATIONAL_SECRET = b"national-key-for-tests-only-000!"
NATIONAL_KEY = NationalKey(NATIONAL_SECRET)
FAST_PASSWORDS = PasswordCost(time_cost=1, memory_kib=8, parallelism=1)


def tenant_settings(province: str, profile_name: str, database_url: str) -> TenantSettings:
    """Settings of a test tenant on ``database_url``."""
    return TenantSettings(
        province=province,
        profile=profile(profile_name),
        database_url=sqlalchemy_url(database_url),
        data_key=derive_key(NODE_SECRET, f"pii:{province}"),
        token_key=derive_key(NODE_SECRET, f"login-token:{province}"),
    )


def settings_for(*tenants: TenantSettings, introspection: bool = True) -> NodeSettings:
    """Node settings for tests: fast password hashing, the test national key."""
    return NodeSettings(
        tenants=tenants,
        national_key=NATIONAL_KEY,
        introspection=introspection,
        password_cost=FAST_PASSWORDS,
        rollup_interval=None,  # no background statements between what a test does and what it counts
    )


@pytest.fixture(scope="session")
def second_database_url(postgres_server: str, template_database: str) -> Iterator[str]:
    """A second migrated database, for a second tenant: one for the whole session, so tests only read it
    (it holds no province; tests use it to see that tenants stay apart)."""
    with cloned_database(postgres_server, template_database) as url:
        yield url


async def _build_world_in(url: str) -> World:
    settings = settings_for(tenant_settings("43", "hunan", url))
    tenant = open_tenant(settings.tenants[0], settings)
    try:
        return await build_world(tenant)
    finally:
        await tenant.engine.dispose()


@pytest.fixture(scope="session")
def world_template(postgres_server: str, template_database: str) -> Iterator[tuple[str, World]]:
    """A database holding the small Hunan, built once; tests that use the world clone it (0.3 s) instead
    of building it again (a second or more)."""
    with cloned_database(postgres_server, template_database) as url:
        world = anyio.run(_build_world_in, url)
        yield str(make_url(url).database), world


@pytest.fixture
def database_url(request: pytest.FixtureRequest, postgres_server: str, template_database: str) -> Iterator[str]:
    """This test's own database: the small Hunan when the test uses ``world``, else empty and migrated."""
    template = template_database
    if "world" in request.fixturenames:
        template, _ = request.getfixturevalue("world_template")
    with cloned_database(postgres_server, template) as url:
        yield url


@pytest.fixture
def node_settings(database_url: str, second_database_url: str) -> NodeSettings:
    """A node serving Hunan (43, hunan profile) and Hubei (42, hubei profile)."""
    return settings_for(
        tenant_settings("43", "hunan", database_url), tenant_settings("42", "hubei", second_database_url)
    )


@pytest.fixture
async def tenant(node_settings: NodeSettings) -> AsyncIterator[Tenant]:
    """The Hunan tenant, for calling services directly."""
    opened = open_tenant(node_settings.tenants[0], node_settings)
    yield opened
    await opened.aclose()


@pytest.fixture
def world(world_template: tuple[str, World], tenant: Tenant) -> World:
    """Hunan with a city, two counties, grassroots unions, units, accounts at every level and members
    (this test's copy: its database is cloned from the world template)."""
    _, built = world_template
    return dataclasses.replace(built, tenant=tenant, people=copy.deepcopy(built.people))


@pytest.fixture
async def client(node_settings: NodeSettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the node app (lifespan run, so the schema check happens as in production)."""
    app = create_app(node_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://node") as http:
            yield http


class GraphQLClient:
    """Sends GraphQL to one tenant as one account."""

    def __init__(self, http: httpx.AsyncClient, province: str = "43", token: str | None = None) -> None:
        self.http = http
        self.province = province
        self.token = token

    async def raw(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole response body."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.post(
            f"/p/{self.province}/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of a response that must have no errors."""
        body = await self.raw(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def error_codes(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        """The ``extensions.code`` of every error of a response."""
        body = await self.raw(query, variables)
        return [error.get("extensions", {}).get("code", "") for error in body.get("errors", [])]

    async def login(self, username: str, password: str) -> GraphQLClient:
        """A client for the same tenant logged in as ``username``."""
        data = await self.data(
            """mutation($u: String!, $p: String!) { login(username: $u, password: $p) {
                 __typename ... on LoginSuccess { token } ... on Error { code message } } }""",
            {"u": username, "p": password},
        )
        result = data["login"]
        assert result["__typename"] == "LoginSuccess", result
        return GraphQLClient(self.http, self.province, result["token"])


@pytest.fixture
def anonymous(client: httpx.AsyncClient) -> GraphQLClient:
    """A GraphQL client of Hunan without a login."""
    return GraphQLClient(client, "43")


@pytest.fixture
async def province_admin(world: World, anonymous: GraphQLClient) -> GraphQLClient:
    """hn_admin: administrator of the province root."""
    return await anonymous.login("hn_admin", PASSWORD)


@pytest.fixture
async def city_admin(world: World, anonymous: GraphQLClient) -> GraphQLClient:
    """cs_admin: administrator of 长沙市总工会, above both counties."""
    return await anonymous.login("cs_admin", PASSWORD)


@pytest.fixture
async def furong_clerk(world: World, anonymous: GraphQLClient) -> GraphQLClient:
    """fr_clerk: clerk of 芙蓉区总工会."""
    return await anonymous.login("fr_clerk", PASSWORD)


@pytest.fixture
async def furong_viewer(world: World, anonymous: GraphQLClient) -> GraphQLClient:
    """fr_viewer: viewer of 芙蓉区总工会 (masked personal data, no writes)."""
    return await anonymous.login("fr_viewer", PASSWORD)


@pytest.fixture
async def tianxin_clerk(world: World, anonymous: GraphQLClient) -> GraphQLClient:
    """tx_clerk: clerk of 天心区总工会."""
    return await anonymous.login("tx_clerk", PASSWORD)


def gid(kind: str, key: int) -> str:
    """The global id a client would send for row ``key`` of ``kind``."""
    return str(global_id(kind, key))


def key_of(kind: str, value: str) -> int:
    """The row key behind a global id the API returned."""
    return decode_id(kind, value, what=kind)


async def fetch(tenant: Tenant, sql: str, **params: object) -> list[tuple[Any, ...]]:
    """Rows of a SQL query on the tenant's database, read outside any request."""
    async with tenant.engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql), params)]


async def scalar(tenant: Tenant, sql: str, **params: object) -> Any:
    """The first column of the first row of a SQL query on the tenant's database."""
    async with tenant.engine.connect() as connection:
        return (await connection.execute(text(sql), params)).scalar()


async def table_counts(tenant: Tenant) -> dict[str, int]:
    """Rows in every table a write can touch: equal before and after means nothing was written."""
    tables = (
        "organisation",
        "unit",
        "organisation_unit",
        "member",
        "membership",
        "membership_event",
        "outbox",
        "account",
        "audit_log",
    )
    return {table: int(await scalar(tenant, f"SELECT count(*) FROM {table}")) for table in tables}  # noqa: S608


async def database_snapshot(tenant: Tenant) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a member or organisation change touches, for "nothing changed" checks."""
    queries = {
        "organisation": "SELECT id, parent_id, ltree2text(path), name, credit_code, dissolved_at, updated_at "
        "FROM organisation ORDER BY id",
        "unit": "SELECT id, name, credit_code, organisation_id, updated_at FROM unit ORDER BY id",
        "member": "SELECT id, token, id_number, phone, name, education, updated_at FROM member ORDER BY id",
        "membership": "SELECT * FROM membership ORDER BY member_id",
        "membership_event": "SELECT id FROM membership_event ORDER BY id",
        "outbox": "SELECT id FROM outbox ORDER BY id",
        "account": "SELECT id, username, token_version, disabled_at FROM account ORDER BY id",
    }
    return {name: await fetch(tenant, sql) for name, sql in queries.items()}


class StatementCounter:
    """Counts the SQL statements sent to one database by any engine of this process, and those read on any
    tenant's committed connections (``CommittedReads``, which the tests' processes open for that tenant only)."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.statements: list[str] = []

    def __call__(
        self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if conn.engine.url.database == self.database:
            self.statements.append(statement)

    def reset(self) -> None:
        """Forget what was counted so far."""
        self.statements.clear()

    @property
    def count(self) -> int:
        """Statements counted since the last reset."""
        return len(self.statements)


@pytest.fixture
def statements(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[StatementCounter]:
    """Counts statements sent to the Hunan tenant's database."""
    counter = StatementCounter(make_url(database_url).database or "")
    read_rows = CommittedReads.rows

    async def counted_rows(
        reads: CommittedReads, statement: LiteralString, params: Mapping[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        counter.statements.append(statement)
        return await read_rows(reads, statement, params)

    monkeypatch.setattr(CommittedReads, "rows", counted_rows)
    event.listen(Engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(Engine, "before_cursor_execute", counter)


async def wait_for_lock_waiters(database_url: str, table: str | None, count: int, timeout: float = 30.0) -> None:
    """Return once ``count`` sessions are waiting for a lock on ``table`` (``None``: for an advisory lock; fail
    after ``timeout`` seconds).

    Each check is a query, so the requests under test run while this waits; nothing sleeps.
    """
    deadline = time.monotonic() + timeout
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            cursor = await connection.execute(
                "SELECT count(*) FROM pg_locks LEFT JOIN pg_class ON pg_class.oid = pg_locks.relation "
                "WHERE NOT pg_locks.granted AND CASE WHEN %(table)s::text IS NULL THEN pg_locks.locktype = 'advisory' "
                "ELSE pg_class.relname = %(table)s END",
                {"table": table},
            )
            row = await cursor.fetchone()
            if row is not None and row[0] >= count:
                return
    raise AssertionError(f"{count} sessions never waited for a lock on {table or 'an advisory lock'}")


NEW_PASSWORD = "Brand-new-pass-77"


async def issued_account(
    admin: GraphQLClient, anonymous: GraphQLClient, organisation_id: int, username: str, role: str
) -> GraphQLClient:
    """An account created by ``admin`` through the API, logged in and past its first-login password change."""
    created = await admin.data(
        """mutation($org: ID!, $username: String!, $role: Role!) {
             createAccount(organisation: $org, username: $username, role: $role) {
               __typename ... on AccountIssued { initialPassword } ... on Error { code message } } }""",
        {"org": gid("Organisation", organisation_id), "username": username, "role": role},
    )
    assert created["createAccount"]["__typename"] == "AccountIssued", created
    initial = created["createAccount"]["initialPassword"]
    first = await anonymous.login(username, initial)
    changed = await first.data(
        """mutation($current: String!, $new: String!) { changePassword(currentPassword: $current, newPassword: $new) {
             __typename ... on PasswordChanged { token } } }""",
        {"current": initial, "new": NEW_PASSWORD},
    )
    return GraphQLClient(anonymous.http, anonymous.province, changed["changePassword"]["token"])


@pytest.fixture
async def furong_admin(world: World, city_admin: GraphQLClient, anonymous: GraphQLClient) -> GraphQLClient:
    """fr_admin: administrator of 芙蓉区总工会, created by the city through the API."""
    return await issued_account(city_admin, anonymous, world.furong.id, "fr_admin", "ADMIN")


@dataclass(frozen=True, slots=True)
class Enrolled:
    """A member the test knows everything about: the person, where they are, their status."""

    member_id: int
    person: Person
    union_id: int
    unit_id: int
    status: str


@pytest.fixture
async def roster(world: World) -> list[Enrolled]:
    """The world's members and 24 more, half in each county, some retired, reserved or ended."""
    rows = list(world.members)
    for index in range(24):
        union, unit = (
            (world.furong_union, world.furong_unit) if index % 2 else (world.tianxin_union, world.tianxin_unit)
        )
        rows.append(await world.register(union, unit))
    statuses = {row.member.id: "active" for row in rows}
    for row, change, reason in (
        (rows[5], StatusChange.RETIRE, None),
        (rows[6], StatusChange.RETIRE, None),
        (rows[7], StatusChange.RESERVE, None),
        (rows[8], StatusChange.END, EndReason.LEFT_JOB),
        (rows[9], StatusChange.END, EndReason.DECEASED),
    ):
        statuses[row.member.id] = await world.change_status(row, change, reason)
    return [
        Enrolled(
            row.member.id,
            world.persons[row.member.id],
            row.membership.union_id,
            row.membership.unit_id,
            statuses[row.member.id],
        )
        for row in rows
    ]
