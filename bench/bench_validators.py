"""Validation throughput on synthetic canonical records: the vectorised engine vs plain pandera.

    .venv/bin/python -m bench.bench_validators --rows 1000000

Prints, per side, rows/s and peak traced memory of: the checks alone (the model's checks as
vectorised masks vs plain pandera `validate(lazy=True)`), and the whole `validate()` (reasons per
row, valid/quarantine split) with each engine; then the ratios. Asserts nothing (behaviour is in
tests/validators).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import logging
import resource
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from doisoat import schema as c

_STATUSES = np.array(c.STATUSES)
_CHANNELS = np.array(c.CHANNELS)
_TIMELINESS = np.array(c.TIMELINESS)


def _spoil(frame: pd.DataFrame, rng: np.random.Generator, share: float) -> pd.DataFrame:
    """Break about `share` of the rows, each in one to three ways."""
    n = len(frame)
    for column, value in (
        (c.DUE_DATE, pd.Timestamp("2018-12-01")),
        (c.DOSSIER_CODE, "MÃ SAI 1"),
        (c.STATED_TIMELINESS, "soon"),
        (c.UNIT_CODE, None),
    ):
        hit = rng.random(n) < share / 2
        frame.loc[hit, column] = value
    return frame


def synthetic_records(n: int, side: str, *, seed: int = 1, bad_share: float = 0.01) -> pd.DataFrame:
    """`n` canonical records (schema.PAPER_COLUMNS or ELECTRONIC_COLUMNS), about `bad_share` spoilt."""
    rng = np.random.default_rng(seed)
    rows = np.arange(n)
    files = rows // 5000
    file_names = pd.Series(files).astype(str).radd("office-").add(".xlsx" if side == "paper" else ".csv")
    sha = {f: hashlib.sha256(f.encode()).hexdigest() for f in file_names.unique()}
    excel_row = pd.Series(rows % 5000 + 10)
    received = pd.Timestamp("2019-01-02 08:00") + pd.to_timedelta(rng.integers(0, 180 * 24, n), unit="h")
    due = received.normalize() + pd.to_timedelta(rng.integers(0, 15, n), unit="D")
    returned = due + pd.to_timedelta(rng.integers(-2, 3, n), unit="D")
    returned = returned.where(returned >= received.normalize(), received.normalize())
    returned = pd.Series(returned).where(rng.random(n) < 0.9)
    stated = pd.Series(np.where(returned < due, c.EARLY, np.where(returned == due, c.ON_TIME, c.LATE)))
    stated = stated.where(returned.notna())
    code = "000.00.22.H56-" + pd.Series(rows).astype(str).str.zfill(8)
    data: dict[str, object] = {
        c.REF: (file_names + ("!T01!" if side == "paper" else "#") + excel_row.astype(str)),
        c.SOURCE_FILE: file_names,
        c.SOURCE_SHA256: file_names.map(sha),
        c.SOURCE_SHEET: "T01" if side == "paper" else None,
        c.SOURCE_ROW: excel_row.astype("int64"),
        c.UNIT_CODE: "000.00.22.H56",
        c.UNIT_NAME: "Phường 1",
        c.LEVEL: c.LEVEL_WARD,
        c.DOSSIER_CODE_RAW: code,
        c.DOSSIER_CODE: code,
        c.PROCEDURE_NAME: "Chứng thực bản sao từ bản chính",
        c.APPLICANT_NAME: "Nguyễn Văn An",
        c.RECEIVED_AT: pd.Series(received).astype("datetime64[us]"),
        c.DUE_DATE: pd.Series(due).astype("datetime64[us]"),
        c.RETURNED_DATE: returned.astype("datetime64[us]"),
        c.STATED_TIMELINESS: stated,
        c.RAW_VALUES: "{}",
        c.PARSE_ERRORS: None,
    }
    if side == "paper":
        data |= {
            c.SEQ: pd.Series(rows).astype(str),
            c.QUANTITY: pd.array(np.ones(n, dtype="int64"), dtype="Int64"),
            c.APPLICANT_CONTACT: "Khu phố 1",
            c.HANDLING_AGENCY: "UBND",
            c.TRANSFERRED_DATE: pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]"),
            c.RETURN_MARKS: pd.array(returned.notna().astype("int64"), dtype="Int64"),
            c.NOTE: None,
        }
        columns = c.PAPER_COLUMNS
    else:
        data |= {
            c.FIELD: "Tư pháp",
            c.OFFICE_RAW: "Phường 1",
            c.STATUS: _STATUSES[np.where(returned.notna(), 9, rng.integers(0, 9, n))],
            c.STATUS_RAW: "10",
            c.CHANNEL: _CHANNELS[rng.integers(0, 4, n)],
        }
        columns = c.ELECTRONIC_COLUMNS
    frame = pd.DataFrame(
        {k: (pd.Series([v] * n) if isinstance(v, str | None) else v) for k, v in data.items()}
    )
    for col in columns:
        if col not in (c.SOURCE_ROW, c.QUANTITY, c.RETURN_MARKS, c.RECEIVED_AT, c.DUE_DATE,
                       c.RETURNED_DATE, c.TRANSFERRED_DATE):
            frame[col] = frame[col].astype("str")
    return _spoil(frame[columns], rng, bad_share)


def _seconds(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of `repeat` calls (no tracing: tracemalloc slows pandas several-fold)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _peak_mib(fn: Callable[[], object]) -> float:
    """Peak memory traced by tracemalloc during one more call, in MiB."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _line(label: str, rows: int, seconds: float, peak: float) -> str:
    return f"  {label:<44} {seconds:7.2f} s  {rows / seconds:>12,.0f} rows/s  peak {peak:7.1f} MiB"


def _bench_side(side: str, rows: int, repeat: int, bad_share: float) -> None:
    from doisoat.validators.masks import failures
    from doisoat.validators.quarantine import model_of, validate

    frame = synthetic_records(rows, side, bad_share=bad_share)
    schema = model_of(side).to_schema()
    validate(frame.head(1000), side)  # warm-up: imports, pandera caches
    runs: dict[str, Callable[[], object]] = {
        "checks only: vectorised masks": lambda: list(failures(schema, frame)),
        "checks only: plain pandera validate(lazy)": lambda: _plain(schema, frame),
        "validate(): vectorised (default)": lambda: validate(frame, side, "vectorised"),
        "validate(): pandera engine": lambda: validate(frame, side, "pandera"),
    }
    best = {label: (_seconds(fn, repeat), _peak_mib(fn)) for label, fn in runs.items()}
    print(f"{side}: {len(validate(frame, side).quarantine):,} rows quarantined")
    for label, (seconds, peak) in best.items():
        print(_line(label, rows, seconds, peak))
    checks = best["checks only: plain pandera validate(lazy)"][0] / best["checks only: vectorised masks"][0]
    whole = best["validate(): pandera engine"][0] / best["validate(): vectorised (default)"][0]
    print(f"  ratio pandera / vectorised: checks {checks:.1f}x, validate() {whole:.1f}x")


def _plain(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> None:
    with contextlib.suppress(pa.errors.SchemaErrors):
        schema.validate(frame, lazy=True)


def main(rows: int, repeat: int, bad_share: float) -> None:
    logging.getLogger("doisoat").setLevel(logging.ERROR)
    print(f"validation of {rows:,} synthetic rows per side (~{bad_share:.0%} spoilt), best of {repeat}")
    for side in ("paper", "electronic"):
        _bench_side(side, rows, repeat, bad_share)
    print(f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per side (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement; the best is shown")
    parser.add_argument("--bad-share", type=float, default=0.01, help="share of spoilt rows (default 0.01)")
    args = parser.parse_args()
    main(args.rows, args.repeat, args.bad_share)
