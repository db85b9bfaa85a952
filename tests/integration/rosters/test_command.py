"""``unionfed import`` as operators run it: a JSON summary for scripts, and a process killed halfway leaves the
database exactly as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from province_node.api.ids import global_id
from tests.integration.province_node.conftest import NATIONAL_SECRET, NODE_SECRET
from tests.integration.province_node.world import World
from tests.integration.rosters.importing import furong_roster, people, written_counts

pytestmark = pytest.mark.anyio


@pytest.fixture
def node_environment(database_url: str) -> dict[str, str]:
    """The environment of a node serving Hunan from this test's database, as ``unionfed import`` reads it."""
    environment = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    environment.update(
        UNIONFED_TENANTS="43:hunan",
        UNIONFED_DATABASE_URL_43=database_url,
        UNIONFED_NATIONAL_KEY=NATIONAL_SECRET.hex(),
        UNIONFED_NODE_SECRET=NODE_SECRET.hex(),
    )
    return environment


def import_command(world: World, path: Path, *extra: str, org: str | None = None) -> list[str]:
    """``unionfed import`` of ``path`` into 芙蓉科技公司工会's county (or ``org``), acting as its clerk."""
    return [sys.executable, "-m", "unionfed", "import", "--province", "43", "--org", org or str(world.furong.id),
            "--as", "fr_clerk", "--workers", "1", *extra, str(path)]  # fmt: skip


def imported(command: list[str], environment: dict[str, str]) -> str:
    """What ``command`` printed, once it ended with status 0."""
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_the_json_summary_says_what_was_created(
    world: World, node_environment: dict[str, str], tmp_path: Path
) -> None:
    path = furong_roster(world, tmp_path / "roster.xlsx", people(world, 5))
    summary = json.loads(imported(import_command(world, path, "--json"), node_environment))
    assert (summary["rows"], summary["created"], summary["written"]) == (5, 5, True)


async def test_the_organisation_can_be_named_by_the_id_the_api_shows(
    world: World, node_environment: dict[str, str], tmp_path: Path
) -> None:
    path = furong_roster(world, tmp_path / "roster.xlsx", people(world, 3))
    command = import_command(world, path, "--json", "--dry-run", org=global_id("Organisation", world.furong.id))
    summary = json.loads(imported(command, node_environment))
    assert (summary["rows"], summary["created"], summary["written"]) == (3, 3, False)


async def test_a_dry_run_says_it_checked_every_row_and_wrote_nothing(
    world: World, node_environment: dict[str, str], tmp_path: Path
) -> None:
    path = furong_roster(world, tmp_path / "roster.xlsx", people(world, 3))
    printed = imported(import_command(world, path, "--dry-run"), node_environment)
    assert "3 行：新增 3，更新 0，无变化 0，有误 0，提示 0；预检完成，未写入；" in printed


def _writing_transactions(database_url: str) -> int:
    """Connections to the database inside a transaction that has written something (it has an xid)."""
    url = make_url(database_url)
    server = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL",
            (url.database,),
        ).fetchone()
    return int(row[0]) if row else 0


async def test_an_import_killed_while_writing_leaves_the_database_as_it_was(
    world: World, node_environment: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    path = furong_roster(world, tmp_path / "big.csv", people(world, 30_000))
    before = await written_counts(world.tenant)
    process = subprocess.Popen(import_command(world, path), env=node_environment, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _writing_transactions(database_url) == 0:
        assert process.poll() is None, "the import ended before it was seen writing"
        assert time.monotonic() < deadline, "the import was never seen writing"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    while _writing_transactions(database_url):  # PostgreSQL rolls the orphaned transaction back
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert await written_counts(world.tenant) == before
