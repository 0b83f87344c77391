"""Read throughput of the sources stage against bare library reads of the same files, same run.

Ledger: a Mẫu 06 workbook of `--rows` data rows (default 200,000) written with xlsxwriter
(constant_memory): `read_paper_ledgers` vs a bare calamine read of the sheet (open, parse,
`to_python`; also with the garbage collector paused, as doisoat reads) and
`pandas.read_excel(engine="openpyxl")` (once; skipped above `--openpyxl-max` rows), then one
read split into its steps (where the time over the bare read goes).
Messy ledgers: the `--messy` scenario (`speed` sized to `--rows` paper rows, or `quality`) written
with `generate(..., messy=True)`: TCVN3 / VNI / NFD text, shifted, merged and one-row headers, text
and serial dates, CSV, .xls and .xlsm ledgers, multi-sheet workbooks and one corrupt file;
`read_paper_ledgers` vs a bare read of the same files (calamine: open, parse and `to_python` every
sheet of every workbook; `csv.reader` for the CSV ledgers, which calamine does not read).
Export: a CSV of 5 × `--rows` rows (default 1,000,000): `read_electronic_exports` (text repair
included) vs `pandas.read_csv`. Readers take turns `--repeat` times (default 3) and their medians
are compared. Prints rows/s, seconds, peak RSS, the ratios and the load average; asserts nothing.

    .venv/bin/python -m bench.bench_sources --rows 20000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import logging
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import python_calamine as calamine
import xlsxwriter

from doisoat import schema
from doisoat.errors import Location
from doisoat.sources import canonical, read_electronic_exports, read_paper_ledgers
from doisoat.sources.discovery import sha256_of
from doisoat.sources.ledger_layout import locate_ledger
from doisoat.sources.legacy import repair_columns
from doisoat.sources.offices import OfficeRegistry
from doisoat.sources.paper import sheet_records
from doisoat.sources.profiles import ledger_profile
from doisoat.sources.workbook import open_workbook, parse_sheet, render_sheet

HEADERS = ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
           "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả",
           "Chuyển hồ sơ", "Trước hạn", "Đúng hạn", "Quá hạn", "Ghi chú"]
EXPORT_HEADERS = ["STT", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Đơn vị tiếp nhận", "Người nộp",
                  "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái", "Tiến độ",
                  "Hình thức nộp"]
PROCEDURES = ["Đăng ký khai sinh", "Đăng ký khai tử", "Chứng thực bản sao từ bản chính", "Chứng thực chữ ký",
              "Xác nhận tình trạng hôn nhân", "Cấp bản sao trích lục hộ tịch"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
GIVEN = ["Văn An", "Thị Bình", "Hoàng Cường", "Thị Dung", "Minh Đức", "Thu Hà", "Quốc Huy", "Ngọc Lan"]
STATUSES = ["Đã trả kết quả", "Đang xử lý", "Đã xử lý xong"]
CHANNELS = ["Trực tiếp", "Trực tuyến", "Bưu chính công ích"]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(label: str, rows: int, func: Callable[[], Any]) -> float:
    """Wall seconds of one call; printed with the CPU seconds of all the process's threads (on a
    loaded machine wall time stretches, CPU time much less)."""
    start, cpu = time.perf_counter(), _cpu()
    func()
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    print(f"  {label:<48} {seconds:8.2f} s  {rows / seconds:>12,.0f} rows/s  cpu {cpu:6.2f} s  "
          f"peak RSS {_peak_mib():,.0f} MiB")
    return seconds


def _rounds(rows: int, repeat: int, readers: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Each reader `repeat` times, taking turns (so load changes hit all alike); the median of each."""
    times: dict[str, list[float]] = {label: [] for label in readers}
    for _ in range(repeat):
        for label, func in readers.items():
            times[label].append(_timed(label, rows, func))
    medians = {label: statistics.median(seconds) for label, seconds in times.items()}
    for label, seconds in medians.items():
        print(f"  median of {repeat}: {label:<36} {seconds:8.2f} s  {rows / seconds:>12,.0f} rows/s")
    return medians


def write_ledger(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("T1-2019")
    sheet.write_row(0, 0, ["ỦY BAN NHÂN DÂN PHƯỜNG 1"])
    sheet.write_row(1, 0, ["SỔ THEO DÕI HỒ SƠ"])
    sheet.write_row(3, 0, HEADERS)
    sheet.write_row(4, 0, [f"({i + 1})" for i in range(len(HEADERS))])
    start = dt.datetime(2019, 1, 2, 7, 30)
    date_format = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for i in range(rows):
        received = start + dt.timedelta(minutes=7 * i)
        due = received.date() + dt.timedelta(days=rng.randint(0, 10))
        back = due - dt.timedelta(days=rng.randint(-1, 2))
        column = 10 + (0 if back < due else 1 if back == due else 2)
        r = 5 + i
        sheet.write_number(r, 0, i + 1)
        sheet.write_string(r, 1, f"000.17.22.H56-{received:%y%m%d}-{i % 10000:04d}")
        sheet.write_string(r, 2, PROCEDURES[i % len(PROCEDURES)])
        sheet.write_number(r, 3, 1)
        sheet.write_string(r, 4, f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}")
        sheet.write_string(r, 5, f"0{rng.randint(100_000_000, 999_999_999)}")
        sheet.write_string(r, 6, "UBND Phường 1")
        sheet.write_datetime(r, 7, received, date_format)
        sheet.write_string(r, 8, f"{due:%d/%m/%Y}")
        sheet.write_string(r, column, f"{back:%d/%m/%Y}")
    book.close()


def write_export(path: Path, rows: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    start = dt.datetime(2019, 1, 2, 7, 30)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(EXPORT_HEADERS)
        for i in range(rows):
            received = start + dt.timedelta(seconds=37 * i)
            due = received.date() + dt.timedelta(days=rng.randint(0, 10))
            back = due - dt.timedelta(days=rng.randint(-1, 2))
            writer.writerow([
                i + 1, f"000.17.22.H56-{received:%y%m%d}-{i % 10000:04d}", PROCEDURES[i % len(PROCEDURES)],
                "Tư pháp", "UBND Phường 1", f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
                f"{received:%d/%m/%Y %H:%M:%S}", f"{due:%d/%m/%Y}", f"{back:%d/%m/%Y}",
                STATUSES[i % 3], "Đúng hạn", CHANNELS[i % 3],
            ])


def _bare_calamine(path: Path) -> None:
    """What any calamine-based reader does at least: open, parse the sheet, cells to Python."""
    book = calamine.CalamineWorkbook.from_path(str(path))
    book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)


def _bare_calamine_collector_paused(path: Path) -> None:
    """The same with the cyclic garbage collector paused, as `read_paper_ledgers` does."""
    gc.disable()
    try:
        _bare_calamine(path)
    finally:
        gc.enable()


def _bare_read_all(paper_dir: Path) -> int:
    """What any reader of these files does at least: every sheet of every workbook through calamine
    (open, parse, `to_python`), every CSV ledger through `csv.reader`; files calamine cannot open
    are skipped. Returns the number of rows seen."""
    rows = 0
    for path in sorted(p for p in paper_dir.rglob("*") if p.is_file()):
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows += sum(1 for _ in csv.reader(fh))
            continue
        try:
            book = calamine.CalamineWorkbook.from_path(str(path))
        except Exception:  # the scenario's corrupt copy: doisoat records it as failed
            continue
        for name in book.sheet_names:
            rows += len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
        book.close()
    return rows


def _messy_ledgers(folder: Path, scenario: str, rows: int, repeat: int) -> None:
    """The messy scenario's ledgers: `read_paper_ledgers` vs the bare read of the same files."""
    from doisoat.scenario import generate
    from doisoat.scenario.catalog import speed
    from doisoat.sources import load_office_registry

    spec = speed(rows, rows) if scenario == "speed" else scenario
    t0 = time.perf_counter()
    logging.disable(logging.WARNING)  # the corrupt copy is logged as unreadable on every read
    try:
        gen = generate(spec, folder / "messy", seed=7, messy=True)
        registry = load_office_registry(gen.offices_file)
        files = [p for p in gen.paper_dir.rglob("*") if p.is_file()]
        result = read_paper_ledgers(gen.paper_dir, registry)
        n = len(result.records)
        kinds = sorted({p.suffix for p in files})
        print(f"messy ledgers ({scenario} scenario, --messy): {len(files)} files ({', '.join(kinds)}), "
              f"{n:,} records, {len(result.failed)} failed input(s); written in "
              f"{time.perf_counter() - t0:.1f} s")
        bare, ours = "bare read (calamine to_python; csv.reader)", "read_paper_ledgers (doisoat, messy)"
        medians = _rounds(n, repeat, {
            bare: lambda: _bare_read_all(gen.paper_dir),
            ours: lambda: read_paper_ledgers(gen.paper_dir, registry),
        })
    finally:
        logging.disable(logging.NOTSET)
    print(f"  ratio doisoat / bare read = {medians[ours] / medians[bare]:.2f}× (text repair, header search, "
          "dates and records included)")


def _stage(label: str, func: Callable[[], Any]) -> Any:
    start, cpu = time.perf_counter(), _cpu()
    out = func()
    print(f"    {label:<56} {time.perf_counter() - start:7.3f} s  cpu {_cpu() - cpu:6.3f} s")
    return out


def _ledger_stages(path: Path, rows: int) -> None:
    """One read of the ledger split into the steps `read_paper_ledgers` takes, each with its wall
    and CPU seconds (CPU of all threads): where the time over the bare read goes."""
    print(f"  stages of one read_paper_ledgers ({rows:,} rows):")
    profile, registry, location = ledger_profile(), OfficeRegistry(), Location(file=path.name)
    book = open_workbook(path)
    try:
        name = book.sheet_names[0]
        _stage("sha256 of the file", lambda: sha256_of(path))
        sheet = _stage("parse (calamine, in Rust)", lambda: parse_sheet(book, name, location))
        raw, stamps = _stage("cells to Arrow text (iter_rows in blocks)", lambda: render_sheet(sheet))
        texts = _stage("legacy-text repair", lambda: repair_columns(raw))
        layout = _stage("layout (header, footer, columns)", lambda: locate_ledger(texts, profile, location))
        table = _stage("records (canonical columns; raw_values on a 2nd thread)", lambda: sheet_records(
            texts, layout, path.name, "0" * 64, name, registry, profile, raw, stamps))
        _stage("pandas frame", lambda: canonical.to_frame([table], schema.PAPER_COLUMNS))
    finally:
        book.close()


def _load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="ledger rows; the export has 5× as many")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each reader (medians are compared)")
    parser.add_argument("--openpyxl-max", type=int, default=250_000,
                        help="skip openpyxl above this many rows (it runs once: it takes ~10× longer)")
    parser.add_argument("--messy", choices=("speed", "quality", "none"), default="speed",
                        help="messy-ledger case: the speed scenario sized to --rows paper rows, the "
                             "quality scenario (≈20,000 rows), or none")
    args = parser.parse_args()
    ledger_rows, export_rows = args.rows, 5 * args.rows
    print(f"{os.cpu_count()} cores, {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "paper").mkdir()
        (folder / "electronic").mkdir()
        ledger = folder / "paper" / "ledger.xlsx"
        export = folder / "electronic" / "export.csv"
        t0 = time.perf_counter()
        write_ledger(ledger, ledger_rows)
        write_export(export, export_rows)
        sizes = ledger.stat().st_size / 2**20, export.stat().st_size / 2**20
        print(f"inputs written in {time.perf_counter() - t0:.1f} s: ledger {sizes[0]:.1f} MiB, "
              f"export {sizes[1]:.1f} MiB")

        print(f"ledger workbook, {ledger_rows:,} rows")
        bare, paused, ours = "bare calamine read (to_python)", "bare calamine read, collector paused", \
            "read_paper_ledgers (doisoat)"
        medians = _rounds(ledger_rows, args.repeat, {
            bare: lambda: _bare_calamine(ledger),
            paused: lambda: _bare_calamine_collector_paused(ledger),
            ours: lambda: read_paper_ledgers(folder / "paper"),
        })
        print(f"  ratio doisoat / bare calamine = {medians[ours] / medians[bare]:.2f}× (aim ≤ 1.3×); "
              f"/ bare calamine, collector paused = {medians[ours] / medians[paused]:.2f}×")
        _ledger_stages(ledger, ledger_rows)
        if ledger_rows <= args.openpyxl_max:
            opx = _timed('pandas.read_excel(engine="openpyxl")', ledger_rows,
                         lambda: pd.read_excel(ledger, engine="openpyxl", header=None, dtype=str))
            print(f"  openpyxl / doisoat = {opx / medians[ours]:.2f}× (aim ≥ 4×)")
        else:
            print("  (openpyxl skipped)")

        if args.messy != "none":
            _messy_ledgers(folder, args.messy, ledger_rows, args.repeat)

        print(f"export CSV, {export_rows:,} rows")
        pcsv, ours = "pandas.read_csv (dtype=str)", "read_electronic_exports (doisoat, repair incl.)"
        medians = _rounds(export_rows, args.repeat, {
            pcsv: lambda: pd.read_csv(export, dtype=str),
            ours: lambda: read_electronic_exports(folder / "electronic"),
        })
        print(f"  doisoat: {export_rows / medians[ours]:,.0f} rows/s (aim ≥ 500,000); "
              f"ratio doisoat / pandas.read_csv = {medians[ours] / medians[pcsv]:.2f}×")
    print(_load())


if __name__ == "__main__":
    main()
