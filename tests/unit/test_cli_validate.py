"""``unionfed validate``: the standard checked from outside, one JSON object per line."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import pytest

from unionfed.cli import main


def run_validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    status = main(["validate", *args])
    lines = capsys.readouterr().out.splitlines()
    return status, [json.loads(line) for line in lines]


def test_a_valid_resident_id_prints_its_normalised_form_birth_date_and_gender(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, [result] = run_validate(capsys, "resident-id", "11010519491231002x")
    assert status == 0
    assert result == {
        "input": "11010519491231002x",
        "valid": True,
        "normalized": "11010519491231002X",
        "errors": [],
        "warnings": [],
        "birthDate": "1949-12-31",
        "gender": "女",
    }


def test_one_invalid_value_makes_the_exit_status_one(capsys: pytest.CaptureFixture[str]) -> None:
    status, results = run_validate(capsys, "resident-id", "11010519491231002X", "110105194912310021")
    assert status == 1
    assert [result["valid"] for result in results] == [True, False]
    assert results[1]["normalized"] is None
    assert results[1]["errors"] == [
        {
            "code": "ID_CHECKSUM",
            "message": "证件号码“110105194912310021”校验位错误：按前 17 位计算最后一位应为 X，请核对是否录错",
        }
    ]


def test_warnings_are_listed_for_a_valid_value(capsys: pytest.CaptureFixture[str]) -> None:
    status, [result] = run_validate(capsys, "resident-id", "110105491231002")
    assert status == 0
    assert result["normalized"] == "11010519491231002X"
    assert result["warnings"] == [
        {"code": "ID_UPGRADED", "message": "15 位旧身份证号码已按国家标准升级为 18 位：11010519491231002X"}
    ]


def test_uscc_results_have_no_person_fields(capsys: pytest.CaptureFixture[str]) -> None:
    status, [result] = run_validate(capsys, "uscc", "91420100MA4K1234XX")
    assert status == 0
    assert set(result) == {"input", "valid", "normalized", "errors", "warnings"}


def test_phone_accepts_mobiles_and_landlines(capsys: pytest.CaptureFixture[str]) -> None:
    status, results = run_validate(capsys, "phone", "+86 138 1234 5678", "0731-84512345")
    assert status == 0
    assert [result["normalized"] for result in results] == ["13812345678", "0731-84512345"]


def test_values_are_read_from_standard_input_when_none_are_given(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("13812345678\n12345\n"))
    status, results = run_validate(capsys, "phone")
    assert status == 1
    assert [result["input"] for result in results] == ["13812345678", "12345"]


def test_an_unknown_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "passport", "E123"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_the_installed_command_prints_utf8_json() -> None:
    command = shutil.which("unionfed") or str(__import__("pathlib").Path(sys.executable).parent / "unionfed")
    completed = subprocess.run(
        [command, "validate", "uscc", "91420100MA4K1234XY"],
        capture_output=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LANG": "C"},
    )
    assert completed.returncode == 1
    result = json.loads(completed.stdout.decode("utf-8"))
    assert result["errors"][0]["code"] == "USCC_CHECKSUM"
    assert "校验位错误" in result["errors"][0]["message"]


@pytest.mark.parametrize("how", ["argument", "standard input"])
def test_bytes_that_are_not_utf8_are_refused_with_a_json_line(how: str) -> None:
    command = shutil.which("unionfed") or str(__import__("pathlib").Path(sys.executable).parent / "unionfed")
    arguments, stdin = ([b"\xff\xfe1381234"], b"") if how == "argument" else ([], b"\xff\xfe1381234\n")
    completed = subprocess.run(
        [command.encode(), b"validate", b"phone", *arguments],
        input=stdin,
        capture_output=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LANG": "C"},
    )
    assert completed.returncode == 1, completed.stderr
    result = json.loads(completed.stdout.decode("utf-8"))
    assert result["input"] == "\ufffd\ufffd1381234"
    assert result["valid"] is False
    assert result["errors"][0]["code"]
