"""The `doisoat` command line: documented, generating, and the Tây Ninh demo with the article's figures."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from doisoat import schema as c
from doisoat import warehouse
from doisoat.flows.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_group(app)
    return sorted(group.commands)


def test_every_command_and_option_is_documented_in_the_readme() -> None:
    import typer.main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_group(app)
    assert _commands() == ["demo", "generate", "run"]
    for name, command in group.commands.items():
        assert re.search(rf"doisoat {name}\b", readme), f"`doisoat {name}` is not in README.md"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in readme, f"option {opt} of `doisoat {name}` is not in README.md"


def test_generate_writes_a_scenario(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--scenario", "small", "--seed", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "paper").rglob("*.xlsx"))
    assert list((tmp_path / "electronic").rglob("*.csv"))
    assert (tmp_path / "offices.csv").exists()


def test_generate_rejects_an_unknown_scenario(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--scenario", "atlantis", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "unknown scenario 'atlantis'" in result.output


def test_run_rejects_an_impossible_date(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "run",
            "--paper",
            str(tmp_path),
            "--electronic",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
            "--period-end",
            "31/02/2019",
        ],
    )
    assert result.exit_code != 0
    assert "31/02/2019" in result.output


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_demo_reproduces_the_tay_ninh_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # as the README runs it: a relative working folder
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["demo", "--workdir", "demo"], terminal_width=200)
    tmp_path = tmp_path / "demo"
    assert result.exit_code == 0, result.output
    out = result.output
    # the article's figures, printed in vi-VN format
    for text in ("9.144", "2.756", "-6.388", "99,73%", "1.093", "27.393", "25.854", "-1.539", "592"):
        assert text in out, text
    summary = pd.read_csv(tmp_path / "report" / "summary.csv", encoding="utf-8-sig", dtype={c.UNIT_CODE: str})
    levels = summary[summary[c.UNIT_CODE] == c.ALL_UNITS].set_index(c.LEVEL)
    assert levels.loc[
        c.LEVEL_CITY, [c.PAPER_RECEIVED, c.ELECTRONIC_RECEIVED, c.PAPER_OVERDUE, c.ELECTRONIC_OVERDUE]
    ].tolist() == [9144, 2756, 25, 1093]
    assert round(levels.loc[c.LEVEL_CITY, c.PAPER_ON_TIME_RATE] * 100, 2) == 99.73
    assert levels.loc[
        c.LEVEL_WARD, [c.PAPER_RECEIVED, c.ELECTRONIC_RECEIVED, c.PAPER_OVERDUE, c.ELECTRONIC_OVERDUE]
    ].tolist() == [27393, 25854, 0, 592]
    view = warehouse.read_table(f"sqlite:///{(tmp_path / 'doisoat.sqlite').resolve()}", "v_period_summary")
    wl = view[view[c.UNIT_CODE] == c.ALL_UNITS].set_index(c.LEVEL)
    assert wl.loc[c.LEVEL_CITY, c.PAPER_RECEIVED] == 9144
    assert wl.loc[c.LEVEL_CITY, c.ELECTRONIC_OVERDUE] == 1093
    assert wl.loc[c.LEVEL_WARD, c.ELECTRONIC_RECEIVED] == 25854
    assert (tmp_path / "report" / "report.html").exists()
    assert (tmp_path / "report" / "data_docs" / "index.html").exists()


# A third vendor's export that no shipped profile fits: English column names, ISO dates with a
# space, its own status words. Only `--profile` makes it readable.
MY_VENDOR_PROFILE = """\
kind: electronic
name: my_vendor
description: English column names, ISO dates
header_row: 1
date_formats: ["%Y-%m-%d %H:%M", "%Y-%m-%d"]
columns:
  dossier_code: ["Case ID"]
  procedure_name: ["Procedure"]
  office_raw: ["Office"]
  applicant_name: ["Applicant"]
  received_at: ["Received"]
  due_date: ["Due"]
  returned_date: ["Returned"]
  status: ["State"]
required: [dossier_code, procedure_name, office_raw, received_at, due_date, returned_date, status]
vocabularies:
  status:
    values: {Closed: returned, Open: processing}
"""
MY_VENDOR_HEADERS = ["Case ID", "Procedure", "Office", "Applicant", "Received", "Due", "Returned", "State"]


def _my_vendor_inputs(root: Path) -> tuple[Path, Path, Path]:
    """A three-dossier Mẫu 06 ledger, the same dossiers in a my_vendor export, the profile file."""
    from tests.sources.builders import LedgerSheet, write_csv, write_workbook
    from tests.sources.test_corpus import PAPER_EXPECTED, mau06_rows

    paper, electronic = root / "paper", root / "electronic"
    write_workbook(paper / "phuong-1_2019-01.xlsx", {"T1": LedgerSheet(rows=mau06_rows())})
    rows = [[e[c.DOSSIER_CODE], e[c.PROCEDURE_NAME], "UBND Phường 1", e[c.APPLICANT_NAME],
             f"{e[c.RECEIVED_AT]:%Y-%m-%d %H:%M}", f"{e[c.DUE_DATE]:%Y-%m-%d}",
             f"{e[c.RETURNED_DATE]:%Y-%m-%d}", "Closed"] for e in PAPER_EXPECTED]
    write_csv(electronic / "my_vendor.csv", MY_VENDOR_HEADERS, rows)
    profile = root / "my_vendor.yaml"
    profile.write_text(MY_VENDOR_PROFILE, encoding="utf-8")
    return paper, electronic, profile


def test_an_export_no_shipped_profile_fits_fails_without_profile(tmp_path: Path) -> None:
    from doisoat.sources import read_electronic_exports

    _, electronic, _ = _my_vendor_inputs(tmp_path)
    failed = read_electronic_exports(electronic).failed
    assert failed["file"].tolist() == ["my_vendor.csv"]
    assert "header matches no export profile" in failed["reason"].iloc[0]


@pytest.mark.usefixtures("prefect_harness")
def test_run_with_profile_reads_the_export_with_that_profile(tmp_path: Path) -> None:
    paper, electronic, profile = _my_vendor_inputs(tmp_path)
    out = tmp_path / "out"
    args = ["run", "--paper", str(paper), "--electronic", str(electronic), "--out", str(out),
            "--profile", str(profile)]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Không đọc được" not in result.output  # no failed input
    assert "Phần mềm: đọc 3, nạp 3" in result.output
    matches = pd.read_csv(out / "matches.csv", encoding="utf-8-sig")
    assert sorted(matches[c.ELECTRONIC_REF]) == [f"my_vendor.csv#{r}" for r in (2, 3, 4)]
    summary = pd.read_csv(out / "summary.csv", encoding="utf-8-sig", dtype={c.UNIT_CODE: str})
    assert summary[c.ELECTRONIC_RECEIVED].max() == 3 and summary[c.PAPER_RECEIVED].max() == 3
