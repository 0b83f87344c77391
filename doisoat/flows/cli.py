"""The `doisoat` command line: run, demo, generate."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from doisoat import schema as c
from doisoat.errors import DoisoatError
from doisoat.flows.progress import STAGES, set_listener
from doisoat.reports.vi_format import format_date, format_int, format_percent, format_signed

app = typer.Typer(
    help="doisoat: đối soát sổ theo dõi hồ sơ giấy với phần mềm một cửa điện tử.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

DEFAULT_SCENARIO = "tay-ninh-2019-h1"


def _quiet_prefect() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    logging.getLogger("prefect").setLevel(logging.WARNING)


def _parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise typer.BadParameter(f"not a date (dd/mm/yyyy or yyyy-mm-dd): {text}") from exc


def print_summary(summary: object, title: str) -> None:
    """The Tây Ninh-style table, numbers in vi-VN format."""
    import pandas as pd
    from rich.table import Table

    assert isinstance(summary, pd.DataFrame)
    table = Table(title=title, show_lines=False)
    for header, justify in (
        ("Đơn vị", "left"),
        ("Sổ giấy", "right"),
        ("Phần mềm", "right"),
        ("Chênh lệch", "right"),
        ("Quá hạn (giấy)", "right"),
        ("Quá hạn (PM)", "right"),
        ("Chênh lệch", "right"),
        ("Đúng hạn (giấy)", "right"),
        ("Đúng hạn (PM)", "right"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for row in summary.itertuples(index=False):
        r = row._asdict()
        is_level = r[c.UNIT_CODE] == c.ALL_UNITS
        name = str(r[c.UNIT_NAME])
        table.add_row(
            f"[bold]{name}[/bold]" if is_level else f"  {name}",
            format_int(r[c.PAPER_RECEIVED]),
            format_int(r[c.ELECTRONIC_RECEIVED]),
            format_signed(r[c.RECEIVED_DIFFERENCE]),
            format_int(r[c.PAPER_OVERDUE]),
            format_int(r[c.ELECTRONIC_OVERDUE]),
            format_signed(r[c.OVERDUE_DIFFERENCE]),
            format_percent(r[c.PAPER_ON_TIME_RATE]),
            format_percent(r[c.ELECTRONIC_ON_TIME_RATE]),
            style="bold" if is_level else None,
        )
    # never let a narrow (or piped, 80-column) console cut a figure: print at least 150 wide
    wide = Console(width=max(console.width, 150), force_terminal=console.is_terminal)
    wide.print(table)


def _run_flow(**kwargs: object) -> object:
    _quiet_prefect()
    from doisoat.flows.nightly import nightly_reconciliation

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        ids = {key: progress.add_task(label, total=1, start=False) for key, label in STAGES}
        current: list[str] = []

        def on_stage(key: str) -> None:
            if current:
                progress.update(ids[current[-1]], completed=1)
            progress.start_task(ids[key])
            current.append(key)

        set_listener(on_stage)
        try:
            outcome = nightly_reconciliation(**kwargs)  # type: ignore[call-overload]
        finally:
            set_listener(None)
        if current:
            progress.update(ids[current[-1]], completed=1)
    return outcome


def _show_outcome(outcome: object) -> None:
    from doisoat.flows.nightly import RunOutcome
    from doisoat.reports.labels import MISMATCH_TYPE_LABELS

    assert isinstance(outcome, RunOutcome)
    p = outcome.period
    print_summary(outcome.summary, f"Kết quả đối soát từ {format_date(p.start)} đến {format_date(p.end)}")
    for kind, count in sorted(outcome.mismatch_counts.items()):
        console.print(f"  {MISMATCH_TYPE_LABELS.get(kind, kind)} ({kind}): {format_int(count)}")
    n = {key: format_int(value) for key, value in outcome.counts.items()}
    console.print(
        f"Sổ giấy: đọc {n['paper_rows_read']}, nạp {n['paper_rows_loaded']}, "
        f"cách ly {n['paper_rows_quarantined']}. Phần mềm: đọc {n['electronic_rows_read']}, "
        f"nạp {n['electronic_rows_loaded']}, cách ly {n['electronic_rows_quarantined']}."
    )
    for row in outcome.failed_inputs.itertuples():
        console.print(f"[red]Không đọc được tệp {row.file}: {row.reason}[/red]")
    console.print(f"Báo cáo: {outcome.reports.html}")
    console.print(f"Kho dữ liệu: {outcome.warehouse_url}")


@app.command()
def run(
    paper: Annotated[Path, typer.Option(help="Folder of paper-ledger spreadsheets (searched recursively).")],
    electronic: Annotated[Path, typer.Option(help="Folder of one-stop software exports.")],
    out: Annotated[Path, typer.Option(help="Folder for summary.csv, mismatches.csv, report.html…")],
    offices: Annotated[Path | None, typer.Option(help="Office registry (CSV or YAML).")] = None,
    warehouse: Annotated[
        str | None,
        typer.Option(
            help="SQLAlchemy URL of the warehouse; default $DOISOAT_WAREHOUSE_URL, else OUT/doisoat.sqlite."
        ),
    ] = None,
    profile: Annotated[
        Path | None, typer.Option(help="Export profile YAML (default: chosen from the header).")
    ] = None,
    period_start: Annotated[str | None, typer.Option(help="Period start, dd/mm/yyyy.")] = None,
    period_end: Annotated[str | None, typer.Option(help="Period end, dd/mm/yyyy.")] = None,
    config: Annotated[Path | None, typer.Option(help="Reconcile thresholds YAML.")] = None,
) -> None:
    """Reconcile your paper ledgers with your software exports."""
    outcome = _run_flow(
        paper_dir=str(paper),
        electronic_dir=str(electronic),
        warehouse_url=warehouse,
        report_dir=str(out),
        offices_file=str(offices) if offices else None,
        profile=str(profile) if profile else None,
        period_start=_parse_date(period_start),
        period_end=_parse_date(period_end),
        config_file=str(config) if config else None,
    )
    _show_outcome(outcome)


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Folder to write the scenario into.")],
    scenario: Annotated[str, typer.Option(help="Scenario name.")] = DEFAULT_SCENARIO,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same files.")] = 42,
    messy: Annotated[
        bool, typer.Option(help="Write real-world variations: legacy encodings, shifted headers, text dates…")
    ] = False,
) -> None:
    """Write a scenario's paper ledgers, software exports and office registry, without running."""
    from doisoat.scenario import SCENARIOS
    from doisoat.scenario import generate as generate_scenario

    if scenario not in SCENARIOS:
        raise typer.BadParameter(f"unknown scenario {scenario!r}; known: {', '.join(sorted(SCENARIOS))}")
    gen = generate_scenario(scenario, out, seed=seed, messy=messy)
    console.print(f"Đã tạo kịch bản {scenario} (seed {seed}) tại {out}")
    console.print(
        f"  sổ giấy: {gen.paper_dir}\n  phần mềm: {gen.electronic_dir}\n  đơn vị: {gen.offices_file}"
    )


@app.command()
def demo(
    workdir: Annotated[
        Path, typer.Option(help="Working folder for the scenario, report and warehouse.")
    ] = Path("demo"),
    scenario: Annotated[str, typer.Option(help="Scenario name.")] = DEFAULT_SCENARIO,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    messy: Annotated[bool, typer.Option(help="Generate messy real-world file variations.")] = False,
) -> None:
    """Generate the Tây Ninh 2019 scenario, reconcile it on the embedded warehouse, print the summary."""
    from doisoat.scenario import generate as generate_scenario

    console.print(f"Tạo kịch bản {scenario} trong {workdir} …")
    gen = generate_scenario(scenario, workdir / "input", seed=seed, messy=messy)
    outcome = _run_flow(
        paper_dir=str(gen.paper_dir),
        electronic_dir=str(gen.electronic_dir),
        warehouse_url=f"sqlite:///{(workdir / 'doisoat.sqlite').resolve()}",
        report_dir=str(workdir / "report"),
        offices_file=str(gen.offices_file),
        period_start=gen.period_start,
        period_end=gen.period_end,
    )
    _show_outcome(outcome)


def main() -> None:
    """Console-script entry point: errors of ours print as one clear line, not a traceback."""
    try:
        app()
    except DoisoatError as exc:
        console.print(f"[red]Lỗi: {exc}[/red]")
        raise SystemExit(2) from exc
