"""The roster-file endpoints over HTTP: templates without a login, exports with one, refusals as coded JSON."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx
import pytest

from exchange.standard import profile
from province_node.rosters.layouts import MEMBER_ROSTER, ORGANISATION_SUMMARY
from province_node.rosters.templates import template_columns
from province_node.rosters.workbook import INSTRUCTIONS_SHEET
from tests.integration.province_node.conftest import GraphQLClient, fetch, gid
from tests.integration.province_node.world import World
from tests.spreadsheets import data_sheet, drop_downs, headers, open_workbook, records

pytestmark = pytest.mark.anyio

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bearer(client: GraphQLClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {client.token}"}


async def test_a_template_downloads_without_a_login_for_the_tenants_profile(client: httpx.AsyncClient) -> None:
    hunan = await client.get("/p/43/files/templates/member_roster.xlsx")
    hubei = await client.get("/p/42/files/templates/member_roster.xlsx")
    for response in (hunan, hubei):
        assert response.status_code == 200
        assert response.headers["content-type"] == XLSX
        assert "attachment" in response.headers["content-disposition"]
    hunan_book, hubei_book = open_workbook(hunan.content), open_workbook(hubei.content)
    assert headers(data_sheet(hunan_book)) == [c.header for c in template_columns(MEMBER_ROSTER, profile("hunan"))]
    assert headers(data_sheet(hubei_book)) == [c.header for c in template_columns(MEMBER_ROSTER, profile("hubei"))]
    assert "入会时间" in headers(data_sheet(hubei_book))
    assert "国籍" in drop_downs(hunan_book)
    assert INSTRUCTIONS_SHEET in hunan_book.sheetnames


async def test_the_organisation_summary_template_downloads_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/p/43/files/templates/organisation_summary.xlsx")
    assert response.status_code == 200
    shown = headers(data_sheet(open_workbook(response.content)))
    assert shown == [c.header for c in template_columns(ORGANISATION_SUMMARY, profile("hunan"))]


async def test_an_unknown_template_or_export_is_not_found(client: httpx.AsyncClient) -> None:
    template = await client.get("/p/43/files/templates/payroll.xlsx")
    export = await client.get("/p/43/files/export/accounts.xlsx")
    for response in (template, export):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_an_export_without_a_valid_login_token_is_refused_with_a_chinese_message(
    world: World, client: httpx.AsyncClient
) -> None:
    missing = await client.get("/p/43/files/export/members.xlsx")
    wrong = await client.get("/p/43/files/export/members.xlsx", headers={"Authorization": "Bearer not-a-token"})
    basic = await client.get("/p/43/files/export/members.xlsx", headers={"Authorization": "Basic abc"})
    for response in (missing, wrong, basic):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        error = response.json()["error"]
        assert error["code"] == "UNAUTHENTICATED"
        assert "登录" in error["message"]
    assert await fetch(world.tenant, "SELECT id FROM audit_log WHERE action = 'members_exported'") == []


async def test_a_token_of_another_province_does_not_export_here(
    world: World, client: httpx.AsyncClient, furong_clerk: GraphQLClient
) -> None:
    response = await client.get("/p/42/files/export/members.xlsx", headers=bearer(furong_clerk))
    assert response.status_code == 401


async def test_a_clerk_downloads_the_county_members_in_clear_and_the_download_is_audited(
    world: World, client: httpx.AsyncClient, furong_clerk: GraphQLClient
) -> None:
    response = await client.get("/p/43/files/export/members.xlsx", headers=bearer(furong_clerk))
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    rows = records(data_sheet(open_workbook(response.content)))
    assert {row["身份证号码"] for row in rows} == {world.id_number(member) for member in world.furong_members}
    audits = await fetch(
        world.tenant,
        "SELECT account.username, target_ids, details FROM audit_log JOIN account ON account.id = audit_log.account_id "
        "WHERE action = 'members_exported'",
    )
    assert len(audits) == 1
    username, target_ids, details = audits[0]
    assert username == "fr_clerk"
    assert target_ids == sorted(member.member.id for member in world.furong_members)
    assert details["personalDataInClear"] is True
    assert details["via"] == "http"


async def test_a_viewer_downloads_the_same_members_masked(
    world: World, client: httpx.AsyncClient, furong_viewer: GraphQLClient
) -> None:
    response = await client.get("/p/43/files/export/members.xlsx", headers=bearer(furong_viewer))
    assert response.status_code == 200
    rows = records(data_sheet(open_workbook(response.content)))
    assert len(rows) == len(world.furong_members)
    assert all("*" in row["身份证号码"] and "*" in row["手机号码"] for row in rows)


async def test_an_export_under_an_organisation_of_the_subtree_narrows_it(
    world: World, client: httpx.AsyncClient, city_admin: GraphQLClient
) -> None:
    under = gid("Organisation", world.tianxin.id)
    members = await client.get(f"/p/43/files/export/members.xlsx?under={under}", headers=bearer(city_admin))
    organisations = await client.get(f"/p/43/files/export/organisations.xlsx?under={under}", headers=bearer(city_admin))
    assert members.status_code == organisations.status_code == 200
    member_rows = records(data_sheet(open_workbook(members.content)))
    assert {row["身份证号码"] for row in member_rows} == {world.id_number(row) for row in world.tianxin_members}
    organisation_rows = records(data_sheet(open_workbook(organisations.content)))
    assert [row["工会名称"] for row in organisation_rows] == ["天心物流公司工会"]


async def test_an_export_under_an_organisation_outside_the_scope_is_not_found(
    world: World, client: httpx.AsyncClient, furong_clerk: GraphQLClient
) -> None:
    under = gid("Organisation", world.tianxin.id)
    response = await client.get(f"/p/43/files/export/members.xlsx?under={under}", headers=bearer(furong_clerk))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_a_malformed_organisation_id_is_refused(
    world: World, client: httpx.AsyncClient, furong_clerk: GraphQLClient
) -> None:
    response = await client.get("/p/43/files/export/members.xlsx?under=42", headers=bearer(furong_clerk))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_ID"


async def test_no_export_file_is_left_on_disk_after_a_download_or_a_refusal(
    world: World,
    client: httpx.AsyncClient,
    furong_clerk: GraphQLClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ok = await client.get("/p/43/files/export/organisations.xlsx", headers=bearer(furong_clerk))
    refused = await client.get(
        f"/p/43/files/export/members.xlsx?under={gid('Organisation', world.tianxin.id)}", headers=bearer(furong_clerk)
    )
    assert (ok.status_code, refused.status_code) == (200, 404)
    assert list(tmp_path.iterdir()) == []


async def test_an_account_that_has_not_changed_its_initial_password_may_not_export(
    world: World, client: httpx.AsyncClient, city_admin: GraphQLClient, anonymous: GraphQLClient
) -> None:
    created = await city_admin.data(
        """mutation($org: ID!) { createAccount(organisation: $org, username: "fr_new", role: CLERK) {
             ... on AccountIssued { initialPassword } } }""",
        {"org": gid("Organisation", world.furong.id)},
    )
    first_login = await anonymous.login("fr_new", created["createAccount"]["initialPassword"])
    response = await client.get("/p/43/files/export/members.xlsx", headers=bearer(first_login))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PASSWORD_CHANGE_REQUIRED"
