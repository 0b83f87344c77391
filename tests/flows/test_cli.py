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
