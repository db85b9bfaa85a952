"""Uploading a roster over GraphQL: the job runs in the background, reports progress and outcome, and its
error report downloads only for callers whose scope holds it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, NoReturn

import anyio
import httpx
import pytest
from sqlalchemy import text

from exchange.standard import profile
from province_node import app as node_app
from province_node.app import create_app
from province_node.rosters import jobs
from province_node.rosters.reading import SpreadsheetError
from province_node.settings import NodeSettings
from province_node.synthetic.rosters import RosterEntry, write_member_roster
from tests.integration.province_node.conftest import GraphQLClient, fetch, gid, key_of, scalar
from tests.integration.province_node.world import World
from tests.spreadsheets import data_sheet, open_workbook, records

pytestmark = pytest.mark.anyio

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT = """
mutation($file: Upload!, $organisation: ID!, $mode: ImportMode!) {
  importRoster(file: $file, organisation: $organisation, mode: $mode) {
    __typename
    ... on ImportStarted { job { id status fileName mode } }
    ... on Error { code message }
  }
}"""
JOB = """
query($id: ID!) {
  importJob(id: $id) {
    id status fileName layout rowsDone rowsTotal elapsedSeconds submittedBy errorReportUrl
    organisation { name }
    failure { code message }
    outcome {
      rows created updated unchanged rejectedRowCount written
      rejections(first: 10) { row reasons { field code message } }
    }
  }
}"""
FINISHED = {"SUCCEEDED", "CHECKED", "REFUSED", "FAILED", "INTERRUPTED"}


@pytest.fixture
def upload_settings(node_settings: NodeSettings, tmp_path: Path) -> NodeSettings:
    return dataclasses.replace(node_settings, import_folder=tmp_path / "imports")


@pytest.fixture
async def client(upload_settings: NodeSettings) -> AsyncIterator[httpx.AsyncClient]:
    """The node app with this test's own import folder."""
    app = create_app(upload_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://node", timeout=60) as http:
            yield http


def furong_roster(world: World, folder: Path, rows: int, *, spoil_row: int | None = None) -> bytes:
    """A Hunan member roster of ``rows`` new members of 芙蓉科技公司工会 (one ID number spoilt when asked)."""
    entries = [RosterEntry(world.people.person(), world.furong_unit.name, world.furong_union.name) for _ in range(rows)]
    if spoil_row is not None:
        index = spoil_row - 2  # the header is row 1
        person = entries[index].person
        broken = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")
        entries[index] = dataclasses.replace(entries[index], person=dataclasses.replace(person, id_number=broken))
    path = folder / "芙蓉花名册.xlsx"
    write_member_roster(path, entries, profile("hunan"), with_union=True)
    return path.read_bytes()


async def upload(
    client: GraphQLClient, content: bytes, organisation: int, *, mode: str = "ALL_OR_NOTHING", name: str = "花名册.xlsx"
) -> dict[str, Any]:
    """Send a roster as the GraphQL multipart request a browser sends; the ``importRoster`` result."""
    operations = {"query": IMPORT, "variables": {"file": None, "organisation": gid("Organisation", organisation),
                                                  "mode": mode}}  # fmt: skip
    response = await client.http.post(
        f"/p/{client.province}/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, content, XLSX)},
        headers={"Authorization": f"Bearer {client.token}"},
    )
    body = response.json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["importRoster"]
    return result


async def finished_job(client: GraphQLClient, job_id: str) -> dict[str, Any]:
    """The job once it has finished (polled the way a page would)."""
    with anyio.fail_after(60):
        while True:
            job: dict[str, Any] = (await client.data(JOB, {"id": job_id}))["importJob"]
            if job["status"] in FINISHED:
                return job
            await anyio.sleep(0.1)


async def test_an_uploaded_roster_is_imported_in_the_background_and_its_members_are_registered(
    world: World, furong_clerk: GraphQLClient, tmp_path: Path
) -> None:
    before = await scalar(world.tenant, "SELECT count(*) FROM member")
    started = await upload(furong_clerk, furong_roster(world, tmp_path, 5), world.furong.id)
    assert started["__typename"] == "ImportStarted"
    assert started["job"]["status"] in {"QUEUED", "RUNNING", "SUCCEEDED"}
    assert started["job"]["fileName"] == "花名册.xlsx"
    job = await finished_job(furong_clerk, started["job"]["id"])
    assert job["status"] == "SUCCEEDED"
    assert job["layout"] == "member_roster"
    assert job["organisation"]["name"] == "芙蓉区总工会"
    assert job["submittedBy"] == "fr_clerk"
    assert (job["rowsDone"], job["rowsTotal"]) == (5, 5)  # the total once done: rows, not the header with them
    assert job["errorReportUrl"] is None
    assert job["outcome"] == {"rows": 5, "created": 5, "updated": 0, "unchanged": 0, "rejectedRowCount": 0,
                              "written": True, "rejections": []}  # fmt: skip
    assert await scalar(world.tenant, "SELECT count(*) FROM member") == before + 5


async def test_a_roster_with_a_bad_row_is_refused_whole_with_the_row_and_reason_and_a_report(
    world: World, furong_clerk: GraphQLClient, tmp_path: Path
) -> None:
    before = await scalar(world.tenant, "SELECT count(*) FROM member")
    started = await upload(furong_clerk, furong_roster(world, tmp_path, 4, spoil_row=3), world.furong.id)
    job = await finished_job(furong_clerk, started["job"]["id"])
    assert job["status"] == "REFUSED"
    assert job["outcome"]["written"] is False
    [rejection] = job["outcome"]["rejections"]
    assert rejection["row"] == 3
    assert [(reason["field"], reason["code"]) for reason in rejection["reasons"]] == [("idNumber", "ID_CHECKSUM")]
    assert "校验" in rejection["reasons"][0]["message"]
    assert await scalar(world.tenant, "SELECT count(*) FROM member") == before
    report = await furong_clerk.http.get(
        job["errorReportUrl"], headers={"Authorization": f"Bearer {furong_clerk.token}"}
    )
    assert report.status_code == 200
    assert report.headers["content-type"] == XLSX
    refused = records(data_sheet(open_workbook(report.content)))
    assert len(refused) == 1
    assert any("校验" in str(value) for value in refused[0].values())


async def test_accept_valid_mode_writes_the_good_rows_and_reports_the_bad_one(
    world: World, furong_clerk: GraphQLClient, tmp_path: Path
) -> None:
    before = await scalar(world.tenant, "SELECT count(*) FROM member")
    content = furong_roster(world, tmp_path, 4, spoil_row=2)
    job = await finished_job(
        furong_clerk, (await upload(furong_clerk, content, world.furong.id, mode="ACCEPT_VALID"))["job"]["id"]
    )
    assert job["status"] == "SUCCEEDED"
    assert (job["outcome"]["created"], job["outcome"]["rejectedRowCount"]) == (3, 1)
    assert await scalar(world.tenant, "SELECT count(*) FROM member") == before + 3


async def test_a_dry_run_checks_everything_and_writes_nothing(
    world: World, furong_clerk: GraphQLClient, tmp_path: Path
) -> None:
    before = await scalar(world.tenant, "SELECT count(*) FROM member")
    content = furong_roster(world, tmp_path, 3)
    job = await finished_job(
        furong_clerk, (await upload(furong_clerk, content, world.furong.id, mode="DRY_RUN"))["job"]["id"]
    )
    assert job["status"] == "CHECKED"
    assert (job["outcome"]["created"], job["outcome"]["written"]) == (3, False)
    assert await scalar(world.tenant, "SELECT count(*) FROM member") == before


async def test_a_file_that_is_not_a_spreadsheet_fails_with_a_coded_chinese_reason(
    world: World, furong_clerk: GraphQLClient
) -> None:
    started = await upload(furong_clerk, b"%PDF-1.7 not a roster", world.furong.id, name="名册.xlsx")
    job = await finished_job(furong_clerk, started["job"]["id"])
    assert job["status"] == "FAILED"
    assert job["failure"]["code"] == "FILE_TYPE"
    assert job["failure"]["message"]
    assert job["outcome"] is None


async def test_a_job_that_fails_after_running_a_while_reports_the_time_it_ran(
    world: World, furong_clerk: GraphQLClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def import_failing_after_a_while(*args: object, **kwargs: object) -> NoReturn:
        await anyio.sleep(0.3)
        raise SpreadsheetError("HEADER_NOT_FOUND", "在前 20 行中找不到表头")

    monkeypatch.setattr(jobs, "import_file", import_failing_after_a_while)
    started = await upload(furong_clerk, furong_roster(world, tmp_path, 3), world.furong.id)
    job = await finished_job(furong_clerk, started["job"]["id"])
    assert (job["status"], job["failure"]["code"]) == ("FAILED", "HEADER_NOT_FOUND")
    assert job["elapsedSeconds"] >= 0.3  # finished when it failed, not when it started


async def test_the_upload_is_deleted_from_disk_once_its_import_ends(
    world: World, furong_clerk: GraphQLClient, upload_settings: NodeSettings, tmp_path: Path
) -> None:
    started = await upload(furong_clerk, furong_roster(world, tmp_path, 3, spoil_row=2), world.furong.id)
    await finished_job(furong_clerk, started["job"]["id"])
    folder = upload_settings.import_folder / "p43" / str(key_of("ImportJob", started["job"]["id"]))
    assert [path.name for path in folder.iterdir()] == ["error-report.xlsx"]


async def test_a_viewer_may_not_upload_a_roster(world: World, furong_viewer: GraphQLClient, tmp_path: Path) -> None:
    operations = {"query": IMPORT, "variables": {"file": None, "organisation": gid("Organisation", world.furong.id),
                                                  "mode": "DRY_RUN"}}  # fmt: skip
    response = await furong_viewer.http.post(
        "/p/43/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("r.xlsx", furong_roster(world, tmp_path, 1), XLSX)},
        headers={"Authorization": f"Bearer {furong_viewer.token}"},
    )
    assert [error["extensions"]["code"] for error in response.json()["errors"]] == ["NOT_PERMITTED"]
    assert await scalar(world.tenant, "SELECT count(*) FROM import_job") == 0


async def test_a_clerk_cannot_import_into_an_organisation_outside_their_subtree(
    world: World, furong_clerk: GraphQLClient, tmp_path: Path
) -> None:
    result = await upload(furong_clerk, furong_roster(world, tmp_path, 1), world.tianxin.id)
    assert result["__typename"] == "NotFoundError"
    assert await scalar(world.tenant, "SELECT count(*) FROM import_job") == 0


async def test_another_countys_clerk_sees_neither_the_job_nor_its_report(
    world: World, furong_clerk: GraphQLClient, tianxin_clerk: GraphQLClient, city_admin: GraphQLClient, tmp_path: Path
) -> None:
    started = await upload(furong_clerk, furong_roster(world, tmp_path, 2, spoil_row=2), world.furong.id)
    job = await finished_job(furong_clerk, started["job"]["id"])
    assert (await tianxin_clerk.data(JOB, {"id": job["id"]}))["importJob"] is None
    assert (await tianxin_clerk.data("{ importJobs { id } }"))["importJobs"] == []
    report = await tianxin_clerk.http.get(
        job["errorReportUrl"], headers={"Authorization": f"Bearer {tianxin_clerk.token}"}
    )
    assert report.status_code == 404
    assert report.json()["error"]["code"] == "NOT_FOUND"
    assert [seen["id"] for seen in (await city_admin.data("{ importJobs { id } }"))["importJobs"]] == [job["id"]]


async def test_the_error_report_needs_a_login_and_a_role_that_may_read_personal_data(
    world: World, furong_clerk: GraphQLClient, furong_viewer: GraphQLClient, tmp_path: Path
) -> None:
    started = await upload(furong_clerk, furong_roster(world, tmp_path, 2, spoil_row=2), world.furong.id)
    url = (await finished_job(furong_clerk, started["job"]["id"]))["errorReportUrl"]
    anonymous = await furong_clerk.http.get(url)
    viewer = await furong_viewer.http.get(url, headers={"Authorization": f"Bearer {furong_viewer.token}"})
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "UNAUTHENTICATED")
    assert (viewer.status_code, viewer.json()["error"]["code"]) == (403, "NOT_PERMITTED")


async def test_downloading_an_error_report_is_audited(
    world: World, furong_clerk: GraphQLClient, tmp_path: Path
) -> None:
    started = await upload(furong_clerk, furong_roster(world, tmp_path, 2, spoil_row=2), world.furong.id)
    job = await finished_job(furong_clerk, started["job"]["id"])
    await furong_clerk.http.get(job["errorReportUrl"], headers={"Authorization": f"Bearer {furong_clerk.token}"})
    entries = await fetch(world.tenant, "SELECT a.username, l.target_ids FROM audit_log l JOIN account a "
                          "ON a.id = l.account_id WHERE l.action = 'error_report_downloaded'")  # fmt: skip
    assert entries == [("fr_clerk", [key_of("ImportJob", job["id"])])]


async def test_a_viewer_sees_how_many_rows_were_refused_but_not_the_reasons_which_quote_the_values(
    world: World, furong_clerk: GraphQLClient, furong_viewer: GraphQLClient, tmp_path: Path
) -> None:
    started = await upload(furong_clerk, furong_roster(world, tmp_path, 2, spoil_row=2), world.furong.id)
    await finished_job(furong_clerk, started["job"]["id"])
    counted = "query($id: ID!) { importJob(id: $id) { status outcome { rejectedRowCount } } }"
    both = "query($id: ID!) { importJob(id: $id) { outcome { rejectedRowCount rejections { row } } } }"
    job = (await furong_viewer.data(counted, {"id": started["job"]["id"]}))["importJob"]
    assert job == {"status": "REFUSED", "outcome": {"rejectedRowCount": 1}}
    asked = await furong_viewer.raw(both, {"id": started["job"]["id"]})
    assert asked["data"]["importJob"]["outcome"] == {"rejectedRowCount": 1, "rejections": None}
    assert [error["extensions"]["code"] for error in asked["errors"]] == ["NOT_PERMITTED"]


async def test_reading_the_reasons_of_refused_rows_is_audited(
    world: World, furong_clerk: GraphQLClient, tmp_path: Path
) -> None:
    started = await upload(furong_clerk, furong_roster(world, tmp_path, 2, spoil_row=2), world.furong.id)
    job = await finished_job(furong_clerk, started["job"]["id"])
    assert "校验" in job["outcome"]["rejections"][0]["reasons"][0]["message"]
    entries = await fetch(world.tenant, "SELECT DISTINCT a.username, l.target_ids FROM audit_log l JOIN account a "
                          "ON a.id = l.account_id WHERE l.action = 'import_rejections_read'")  # fmt: skip
    assert entries == [("fr_clerk", [key_of("ImportJob", job["id"])])]


async def test_an_account_with_three_imports_waiting_or_running_may_not_queue_a_fourth(
    world: World, furong_clerk: GraphQLClient, tmp_path: Path
) -> None:
    async with world.tenant.engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO import_job (file_name, mode, status, organisation_id, account_id) "
                 "SELECT 'waiting.xlsx', 'all_or_nothing', 'queued', :org, id FROM account, generate_series(1, 3) "
                 "WHERE username = 'fr_clerk'"),
            {"org": world.furong.id},
        )  # fmt: skip
    refused = await upload(furong_clerk, furong_roster(world, tmp_path, 2), world.furong.id)
    assert refused["code"] == "IMPORT_QUEUE_FULL"
    assert "最多 3 个" in refused["message"]
    assert await scalar(world.tenant, "SELECT count(*) FROM import_job") == 3


async def test_jobs_a_stopped_node_left_unfinished_are_marked_interrupted_when_it_starts(
    world: World, upload_settings: NodeSettings
) -> None:
    async with world.tenant.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO import_job (file_name, mode, status, organisation_id, account_id, started_at) "
                "VALUES ('名册.xlsx', 'all_or_nothing', 'running', :organisation, 1, now())"
            ),
            {"organisation": world.furong.id},
        )
    app = create_app(upload_settings)
    async with app.router.lifespan_context(app):
        pass
    rows = await fetch(world.tenant, "SELECT status, error->>'code', finished_at IS NOT NULL FROM import_job")
    assert rows == [("interrupted", "INTERRUPTED", True)]


async def test_a_request_larger_than_the_upload_limit_is_refused_before_it_is_read(
    world: World, furong_clerk: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(node_app, "LARGEST_REQUEST_BYTES", 1024)
    response = await furong_clerk.http.post(
        "/p/43/graphql",
        data={"operations": json.dumps({"query": IMPORT}), "map": "{}"},
        files={"0": ("big.xlsx", b"x" * 4096, XLSX)},
        headers={"Authorization": f"Bearer {furong_clerk.token}"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert await scalar(world.tenant, "SELECT count(*) FROM import_job") == 0


async def test_the_job_list_shows_the_newest_first(world: World, furong_clerk: GraphQLClient, tmp_path: Path) -> None:
    first = (await upload(furong_clerk, furong_roster(world, tmp_path, 1), world.furong.id, mode="DRY_RUN"))["job"]
    second = (await upload(furong_clerk, furong_roster(world, tmp_path, 1), world.furong.id, mode="DRY_RUN"))["job"]
    for job in (first, second):
        await finished_job(furong_clerk, job["id"])
    listed = (await furong_clerk.data("{ importJobs(first: 5) { id status } }"))["importJobs"]
    assert [job["id"] for job in listed] == [second["id"], first["id"]]
    codes = await furong_clerk.error_codes("{ importJobs(first: 1000) { id } }")
    assert codes == ["INVALID_ARGUMENT"]


async def test_a_request_without_a_length_is_refused_once_more_than_the_limit_arrives(
    world: World, furong_clerk: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(node_app, "LARGEST_REQUEST_BYTES", 1024)

    async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: the body's size is known only as it arrives
        yield json.dumps({"query": "{ me { username } }", "variables": {"padding": "x" * 4096}}).encode()

    response = await furong_clerk.http.post(
        "/p/43/graphql",
        content=chunked(),
        headers={"Authorization": f"Bearer {furong_clerk.token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
