"""``unionfed generate``: synthetic rosters and organisation summaries from the command line."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from unionfed.cli import main


def sheet_rows(path: Path) -> Sequence[Sequence[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def test_a_roster_is_written_with_its_mistakes_and_summed_up_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, mistakes = tmp_path / "roster.xlsx", tmp_path / "mistakes.csv"
    status = main([
        "generate", "roster", "--province", "43", "--members", "1500", "--out", str(out), "--seed", "4",
        "--dirty", "0.1", "--profile", "hunan", "--as-of", "2026-11-22", "--mistakes", str(mistakes),
    ])  # fmt: skip
    assert status == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{out}: 1500 members of ")
    assert "湖南省" in line
    rows = sheet_rows(out)
    assert len(rows) == 1501
    assert rows[0][-1] == "所在工会"
    with mistakes.open(encoding="utf-8") as file:
        spoilt = list(csv.DictReader(file))
    assert f", {len(spoilt)} rows with mistakes" in line
    assert 100 <= len(spoilt) <= 200
    assert set(spoilt[0]) == {"row", "mistake", "field", "error", "warning", "original_row"}


def test_the_same_arguments_write_the_same_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for path in paths:
        arguments = ["--province", "42", "--members", "800", "--as-of", "2026-11-22", "--dirty", "0.05"]
        assert main(["generate", "roster", *arguments, "--out", str(path), "--encoding", "gb18030"]) == 0
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert "湖北省总工会" not in paths[0].read_bytes().decode("gb18030")  # members' rows, not organisations
    assert "身份证号码" in paths[0].read_bytes().decode("gb18030")


def test_an_organisation_summary_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "organisations.xlsx"
    arguments = ["--province", "43", "--members", "5000", "--out", str(out), "--as-of", "2026-11-22"]
    assert main(["generate", "organisations", *arguments]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert "grassroots unions" in line
    assert "5000 members" in line
    assert sheet_rows(out)[0][:3] == ["序号", "单位名称", "单位组织机构代码证"]


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["roster", "--province", "43", "--members", "10", "--out", "r.xls"], "must end in .xlsx or .csv"),
        (["roster", "--province", "43", "--members", "10", "--out", "r.xlsx", "--encoding", "gb18030"], "only"),
        (["roster", "--province", "43", "--members", "10", "--out", "r.csv", "--dirty", "1.5"], "between 0 and 1"),
        (["roster", "--province", "99", "--members", "10", "--out", "r.csv"], "not a province code"),
        (["organisations", "--province", "43", "--members", "-3", "--out", "o.xlsx"], "0 or more"),
    ],
)
def test_bad_arguments_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], complaint: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", *arguments])
    assert exit_info.value.code == 2
    assert complaint in capsys.readouterr().err
