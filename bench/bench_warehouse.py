"""Warehouse load throughput: 1,000,000 paper + 1,000,000 electronic records and their matches, loaded
by `doisoat.warehouse.load_run` into SQLite and PostgreSQL, against pandas `to_sql` on the same frame.

    .venv/bin/python -m bench.bench_warehouse --rows 1000000
    .venv/bin/python -m bench.bench_warehouse --rows 100000 --engines sqlite --peer none

Prints, per engine: seconds and rows/s per table (time inside the bulk writer) and for the whole
load_run (one transaction, indexes and dimensions included), the peak RSS, then pandas `to_sql`
(method=None and method="multi") writing the first --peer-rows rows of the same paper frame into a
new table of the same database, and the ratio of doisoat's paper_record rows/s to each (to_sql's
method="multi" runs at a few thousand rows/s: a full million would take hours). PostgreSQL is the
server of $DOISOAT_TEST_POSTGRES_URL (default the local one); a scratch database is created and
dropped. The machine's load changes PostgreSQL's figures a lot (the server and the encoder each want
a core): note `uptime` and repeat. Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import resource
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import sqlalchemy as sa
from psycopg import sql
from sqlalchemy.engine import make_url

from doisoat import reference
from doisoat import schema as c
from doisoat.warehouse import RunRecord, finish_run, load_run, loader, migrate, start_run
from doisoat.warehouse.engine import open_engine

POSTGRES_URL_ENV = "DOISOAT_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROWS_PER_FILE = 5_000
PERIOD = (dt.date(2019, 1, 1), dt.date(2019, 6, 30))

_GIVEN = np.array(["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Minh", "Nam", "Thảo", "Trang", "Tuấn"])
_FAMILY = np.array(["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"])
_MIDDLE = np.array(["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh"])


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _names(rng: np.random.Generator, n: int) -> pd.Series:
    parts = [pd.Series(a[rng.integers(0, len(a), n)]) for a in (_FAMILY, _MIDDLE, _GIVEN)]
    return (parts[0] + " " + parts[1] + " " + parts[2]).astype("str")


def _side(n: int, side: str, seed: int) -> pd.DataFrame:
    """`n` valid canonical records of one side (schema.PAPER_COLUMNS / ELECTRONIC_COLUMNS), vectorised."""
    rng = np.random.default_rng(seed)
    rows = np.arange(n)
    offices = np.array([f"000.{k:02d}.22.H56" for k in range(40)])
    unit = pd.Series(offices[(rows // ROWS_PER_FILE) % len(offices)])
    ext = ".xlsx" if side == "paper" else ".csv"
    file = pd.Series(rows // ROWS_PER_FILE).astype(str).radd(f"{side}-").add(ext)
    sha = file.map({f: hashlib.sha256(f.encode()).hexdigest() for f in file.unique()})
    excel_row = pd.Series(rows % ROWS_PER_FILE + (8 if side == "paper" else 2))
    ref = file + ("!Sổ 2019!" if side == "paper" else "#") + excel_row.astype(str)
    minutes = pd.to_timedelta(rng.integers(0, 178 * 24 * 60, n), unit="min")
    received = pd.Series(pd.Timestamp("2019-01-02 07:30") + minutes).astype("datetime64[us]")
    due = received.dt.normalize() + pd.to_timedelta(rng.integers(0, 16, n), unit="D")
    due = due.astype("datetime64[us]")
    returned = (due + pd.to_timedelta(rng.integers(-3, 3, n), unit="D")).where(rng.random(n) < 0.9)
    returned = returned.where(returned >= received.dt.normalize(), received.dt.normalize())
    stated = pd.Series(np.where(returned < due, c.EARLY, np.where(returned == due, c.ON_TIME, c.LATE)))
    stated = stated.where(returned.notna()).astype("str")
    code = unit + "-19" + (rows % 10_000).astype(str) + "-" + pd.Series(rows).astype(str).str.zfill(7)
    procedures = reference.procedures()
    pick = rng.integers(0, len(procedures), n)
    data: dict[str, Any] = {
        c.REF: ref, c.SOURCE_FILE: file, c.SOURCE_SHA256: sha,
        c.SOURCE_SHEET: pd.Series("Sổ 2019" if side == "paper" else None, index=rows, dtype="str"),
        c.SOURCE_ROW: pd.array(excel_row, dtype="Int64"),
        c.UNIT_CODE: unit, c.UNIT_NAME: "UBND " + unit, c.LEVEL: c.LEVEL_WARD,
        c.DOSSIER_CODE_RAW: code.str.lower(), c.DOSSIER_CODE: code,
        c.PROCEDURE_NAME: pd.Series(procedures["procedure_name"].to_numpy()[pick]),
        c.APPLICANT_NAME: _names(rng, n),
        c.RECEIVED_AT: received, c.DUE_DATE: due, c.RETURNED_DATE: returned.astype("datetime64[us]"),
        c.STATED_TIMELINESS: stated,
        c.RAW_VALUES: '{"Mã hồ sơ": "' + code + '", "Ghi chú": ""}',
        c.PARSE_ERRORS: pd.Series(None, index=rows, dtype="str"),
    }
    if side == "paper":
        data |= {
            c.SEQ: pd.Series(rows % ROWS_PER_FILE + 1).astype(str),
            c.QUANTITY: pd.array(rng.integers(1, 3, n), dtype="Int64"),
            c.APPLICANT_CONTACT: "Khu phố " + pd.Series(rng.integers(1, 9, n)).astype(str) + ", 09"
            + pd.Series(rng.integers(10_000_000, 99_999_999, n)).astype(str),
            c.HANDLING_AGENCY: "Phòng Tư pháp",
            c.TRANSFERRED_DATE: (received.dt.normalize() + pd.Timedelta(days=1)).astype("datetime64[us]"),
            c.RETURN_MARKS: pd.array(returned.notna().astype("int64"), dtype="Int64"),
            c.NOTE: pd.Series(None, index=rows, dtype="str"),
        }
        columns = c.PAPER_COLUMNS
    else:
        statuses = np.array(c.STATUSES)
        data |= {
            c.FIELD: pd.Series(procedures["field"].to_numpy()[pick]),
            c.OFFICE_RAW: "UBND " + unit,
            c.STATUS: pd.Series(statuses[np.where(returned.notna(), 9, 3)]),
            c.STATUS_RAW: pd.Series(np.where(returned.notna(), "10", "4")),
            c.CHANNEL: pd.Series(np.array(c.CHANNELS)[rng.integers(0, 4, n)]),
        }
        columns = c.ELECTRONIC_COLUMNS
    frame = pd.DataFrame({k: pd.Series(v, index=rows) if isinstance(v, str) else v for k, v in data.items()})
    return frame[columns]


def synthetic_delivery(n: int) -> dict[str, Any]:
    """load_run's keyword arguments: n paper + n electronic records, their n matches, a few findings."""
    paper = _side(n, "paper", 1)
    electronic = _side(n, "electronic", 2)
    matches = pd.DataFrame({
        c.PAPER_REF: paper[c.REF], c.ELECTRONIC_REF: electronic[c.REF], c.METHOD: "exact_code",
        c.SCORE: 1.0, c.UNIT_CODE: paper[c.UNIT_CODE], c.DOSSIER_CODE: paper[c.DOSSIER_CODE],
    })
    k = max(n // 100, 1)
    mismatches = pd.DataFrame({
        c.MISMATCH_ID: pd.Series(np.arange(k)).astype(str).radd("m"), c.MISMATCH_TYPE: c.DATE_MISMATCH,
        c.UNIT_CODE: paper[c.UNIT_CODE].iloc[:k], c.DOSSIER_CODE: paper[c.DOSSIER_CODE].iloc[:k],
        c.PAPER_REF: paper[c.REF].iloc[:k], c.ELECTRONIC_REF: electronic[c.REF].iloc[:k],
        c.MISMATCH_FIELD: c.DUE_DATE, c.PAPER_VALUE: "2019-01-02", c.ELECTRONIC_VALUE: "2019-01-03",
        c.DETAIL: "Ngày hẹn trả khác nhau",
    })
    files = pd.concat([
        pd.DataFrame({c.FILE_SIDE: side, c.FILE_NAME: f[c.SOURCE_FILE], c.FILE_SHA256: f[c.SOURCE_SHA256]})
        .drop_duplicates(c.FILE_NAME)
        for side, f in (("paper", paper), ("electronic", electronic))
    ], ignore_index=True)
    files[c.FILE_SHEET] = None
    files[c.FILE_ROWS_READ] = ROWS_PER_FILE
    files[c.FILE_STATUS] = c.FILE_READ
    files[c.FILE_REASON] = None
    empty = pd.DataFrame()
    return {
        "offices": empty, "files": files, "paper": paper, "electronic": electronic, "quarantine": empty,
        "matches": matches, "mismatches": mismatches, "summary": empty, "breakdown": empty,
        "counts": {"paper_rows_read": n, "paper_rows_loaded": n, "paper_rows_quarantined": 0,
                   "electronic_rows_read": n, "electronic_rows_loaded": n, "electronic_rows_quarantined": 0},
    }


@contextmanager
def _postgres_database() -> Iterator[str]:
    server = make_url(os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL))
    name = f"doisoat_bench_{uuid.uuid4().hex[:8]}"
    libpq = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def _sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="doisoat-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'warehouse.sqlite'}"


@contextmanager
def _timed_bulk_writes(seconds: dict[str, float], rows: dict[str, int]) -> Iterator[None]:
    """Time every bulk write of load_run, per table."""
    real = loader.bulk_insert

    def timed(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> int:
        started = time.perf_counter()
        inserted = real(conn, table, frame)
        seconds[table.name] += time.perf_counter() - started
        rows[table.name] += inserted
        return inserted

    loader.bulk_insert = timed  # type: ignore[assignment]
    try:
        yield
    finally:
        loader.bulk_insert = real  # type: ignore[assignment]


def _doisoat_load(url: str, delivery: dict[str, Any]) -> float:
    """Rows/s of the whole load_run; prints the per-table figures."""
    migrate(url)
    run = RunRecord("bench", dt.datetime.now(dt.UTC), *PERIOD)
    start_run(url, run)
    seconds: dict[str, float] = defaultdict(float)
    rows: dict[str, int] = defaultdict(int)
    before = _peak_mib()
    started = time.perf_counter()
    with _timed_bulk_writes(seconds, rows):
        load_run(url, run, **delivery)
    total = time.perf_counter() - started
    finish_run(url, "bench", "succeeded")
    for name in ("paper_record", "electronic_record", "match"):
        rate = rows[name] / seconds[name]
        print(f"  {name:<18} {rows[name]:>10,} rows {seconds[name]:8.2f} s {rate:>12,.0f} rows/s")
    records = sum(rows[n] for n in ("paper_record", "electronic_record", "match"))
    print(f"  {'load_run (all)':<18} {records:>10,} rows {total:8.2f} s {records / total:>12,.0f} rows/s"
          f"   peak RSS {_peak_mib():,.0f} MiB (+{_peak_mib() - before:,.0f})")
    return rows["paper_record"] / seconds["paper_record"]


def _to_sql(url: str, frame: pd.DataFrame, method: str | None) -> float:
    """Rows/s of pandas to_sql writing `frame` into a new table of the warehouse's database."""
    chunksize = 32_000 // len(frame.columns) if method == "multi" else 100_000  # SQLite's 32,766 variables
    with open_engine(url) as engine:
        started = time.perf_counter()
        with engine.begin() as conn:
            frame.to_sql("bench_to_sql", conn, if_exists="replace", index=False, method=method,
                         chunksize=chunksize)
        seconds = time.perf_counter() - started
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE bench_to_sql")
    return len(frame) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="records per side (default 1,000,000)")
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--peer", default="none,multi", help="to_sql methods to compare: none, multi, or ''")
    parser.add_argument("--peer-rows", type=int, default=50_000,
                        help="rows of the paper frame (its first ones) written by to_sql (default 50,000)")
    args = parser.parse_args()

    started = time.perf_counter()
    delivery = synthetic_delivery(args.rows)
    print(f"frames: {args.rows:,} paper + {args.rows:,} electronic + {args.rows:,} matches built in "
          f"{time.perf_counter() - started:.1f} s, peak RSS {_peak_mib():,.0f} MiB")
    databases: dict[str, Callable[[], Any]] = {"sqlite": _sqlite_database, "postgresql": _postgres_database}
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        print(f"\n{engine}: doisoat load_run (binary COPY on PostgreSQL, executemany on SQLite)")
        with databases[engine]() as url:
            ours = _doisoat_load(url, delivery)
            for peer in [p.strip() for p in args.peer.split(",") if p.strip()]:
                method = None if peer == "none" else peer
                sample = delivery["paper"].iloc[: args.peer_rows]
                theirs = _to_sql(url, sample, method)
                print(f"  pandas to_sql(method={method!r}), {len(sample):,} paper rows: "
                      f"{theirs:>12,.0f} rows/s; doisoat paper_record is {ours / theirs:.1f}x faster")


if __name__ == "__main__":
    main()
