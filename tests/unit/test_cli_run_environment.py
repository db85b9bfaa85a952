"""``unionfed run --print-env``: the configuration of the running ``make run``, for the other commands in
another shell, and the ``--org`` option those commands share."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from province_node.api.ids import global_id
from province_node.settings import node_settings
from unionfed.commands.organisation_option import organisation_key
from unionfed.commands.run import development_secrets

SERVER = "postgresql://postgres@127.0.0.1:54329/postgres"


def printed_environment(data_dir: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A shell's environment after ``eval "$(unionfed run --print-env)"``, as JSON on stdout."""
    script = (
        f'eval "$("{sys.executable}" -m unionfed run --print-env --data-dir "{data_dir}")" && '
        f'"{sys.executable}" -c "import json, os; print(json.dumps(dict(os.environ)))"'
    )
    return subprocess.run(["bash", "-c", script], env=environ, capture_output=True, text=True, timeout=60)


def test_a_shell_that_evals_the_printed_environment_configures_the_commands_as_make_run_does(tmp_path: Path) -> None:
    stored = development_secrets(tmp_path)
    environ = {name: value for name, value in os.environ.items() if not name.startswith("UNIONFED_")}
    done = printed_environment(Path(os.path.relpath(tmp_path)), {**environ, "DATABASE_URL": SERVER})
    assert done.returncode == 0, done.stderr
    shell = json.loads(done.stdout)
    assert shell["UNIONFED_NATIONAL_KEY"] == stored["national_key"]
    assert json.loads(shell["UNIONFED_NODE_KEY"]) == stored["node_key"]  # JSON with quotes survives the shell
    assert Path(shell["UNIONFED_IMPORT_DIR"]).is_absolute()  # still right after a cd
    settings = node_settings(shell)
    assert [tenant.province for tenant in settings.tenants] == ["43", "42", "33"]
    assert settings.exchange is not None
    assert settings.exchange.url == "http://127.0.0.1:8001"


def test_print_env_without_a_running_make_run_says_to_start_it(tmp_path: Path) -> None:
    environ = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    command = [sys.executable, "-m", "unionfed", "run", "--print-env", "--data-dir", str(tmp_path)]
    done = subprocess.run(command, env=environ, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "start `make run` first" in done.stderr
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no secrets generated, no server folder made


def test_the_org_option_takes_the_id_the_api_shows() -> None:
    assert organisation_key(global_id("Organisation", 13)) == 13


def test_the_org_option_takes_an_organisation_number() -> None:
    assert organisation_key(" 13 ") == 13


def test_the_org_option_leaves_a_credit_code_to_the_lookup_even_one_of_digits_only() -> None:
    assert organisation_key("91430100MA4L16JQ8X") is None
    assert organisation_key("914301001234567890") is None


def test_the_org_option_does_not_take_the_id_of_another_kind() -> None:
    assert organisation_key(global_id("Member", 13)) is None
