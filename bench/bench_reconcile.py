"""Engine speed: N paper vs N electronic records (a third of paper codes missing), seconds per pass,
records/s, peak memory, and datacompy 1.1.0 PandasCompare on the dossier code in the same run.

    .venv/bin/python -m bench.bench_reconcile --rows 100000     (default 1,000,000)
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import multiprocessing
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from doisoat import schema as c
from doisoat.reconcile.engine import reconcile
from doisoat.reconcile.result import Period
from tests import factories as f
from tests.reconcile.linkage_scenario import generate_linkage


class _Timer(logging.Handler):
    """Prints each engine log line with the seconds since the run started (the passes' timings)."""

    def __init__(self) -> None:
        super().__init__()
        self.start = time.perf_counter()

    def emit(self, record: logging.LogRecord) -> None:
        print(f"  {time.perf_counter() - self.start:7.2f} s  {record.getMessage()}")


def _generate(rows: int, folder: str, own: bool) -> tuple[dt.date, dt.date, str]:
    """Canonical frames (and the validator's quarantine) written as Parquet into `folder`."""
    out = Path(folder)
    try:
        if own:
            raise ImportError
        from doisoat.scenario import generate_frames
        from doisoat.scenario.catalog import speed
        from doisoat.validators.quarantine import ELECTRONIC, PAPER, validate
    except ImportError:
        g = generate_linkage(rows, offices=max(1, rows // 2500), seed=11)
        g.paper.to_parquet(out / "paper.parquet")
        g.electronic.to_parquet(out / "electronic.parquet")
        f.no_quarantine().to_parquet(out / "quarantine.parquet")
        return g.start, g.end, "tests/reconcile/linkage_scenario.py"
    paper, electronic, _ = generate_frames(speed(rows, rows), 11)
    quarantine = pd.concat(
        [validate(paper, PAPER).quarantine, validate(electronic, ELECTRONIC).quarantine], ignore_index=True
    )
    paper.to_parquet(out / "paper.parquet")
    electronic.to_parquet(out / "electronic.parquet")
    quarantine.to_parquet(out / "quarantine.parquet")
    return dt.date(2019, 1, 1), dt.date(2019, 6, 28), "doisoat.scenario speed()"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--own", action="store_true", help="the engine's own generator, not doisoat.scenario")
    args = ap.parse_args()
    # generate in a child process, so the peak memory below is the engine's (plus its input frames)
    folder = Path(tempfile.mkdtemp(prefix="bench_reconcile_"))
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        start, end, source = pool.apply(_generate, (args.rows, str(folder), args.own))
    paper = pd.read_parquet(folder / "paper.parquet")
    electronic = pd.read_parquet(folder / "electronic.parquet")
    quarantine = pd.read_parquet(folder / "quarantine.parquet")
    shutil.rmtree(folder, ignore_errors=True)  # the frames are in memory now
    print(f"frames from {source}")
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    deep = sum(int(df.memory_usage(deep=True).sum()) for df in (paper, electronic)) / 2**20
    raw = sum(
        int(df[col].memory_usage(deep=True, index=False))
        for df in (paper, electronic)
        for col in (c.RAW_VALUES, c.PARSE_ERRORS)
        if col in df.columns
    )
    print(
        f"input frames loaded, RSS {loaded:,.0f} MiB (peak while loading); the frames hold {deep:,.0f} MiB,"
        f" {raw / 2**20:,.0f} MiB of it raw cell texts and parse errors (the engine never reads them)"
    )
    print(
        f"{len(paper):,} paper ({paper[c.DOSSIER_CODE].isna().mean():.0%} without code)"
        f" x {len(electronic):,} electronic"
    )
    handler = _Timer()
    logging.getLogger("doisoat.reconcile").addHandler(handler)
    logging.getLogger("doisoat.reconcile").setLevel(logging.INFO)
    started = time.perf_counter()
    r = reconcile(paper, electronic, quarantine, Period(start, end))
    secs = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"engine: {secs:.1f} s, {(len(paper) + len(electronic)) / secs:,.0f} records/s, "
        f"{len(r.matches):,} links, {len(r.mismatches):,} findings, peak RSS {peak:,.0f} MiB "
        f"(process peak: the input frames and the engine's working set)"
    )
    import datacompy

    started = time.perf_counter()
    cmp = datacompy.PandasCompare(
        paper.dropna(subset=[c.DOSSIER_CODE]).drop_duplicates(c.DOSSIER_CODE)[
            [c.DOSSIER_CODE, c.APPLICANT_NAME, c.PROCEDURE_NAME, c.RECEIVED_AT]
        ],
        electronic.drop_duplicates(c.DOSSIER_CODE)[
            [c.DOSSIER_CODE, c.APPLICANT_NAME, c.PROCEDURE_NAME, c.RECEIVED_AT]
        ],
        join_columns=[c.DOSSIER_CODE],
    )
    cmp.matches()
    dsecs = time.perf_counter() - started
    print(f"datacompy PandasCompare on the code: {dsecs:.1f} s; engine / datacompy = {secs / dsecs:.2f}")
    pd.set_option("display.width", 160)


if __name__ == "__main__":
    main()
