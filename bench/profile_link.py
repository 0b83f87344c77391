"""Engine passes on frames already written as Parquet: when each pass ends (wall and CPU seconds),
the peak RSS so far, and optionally a cProfile listing. For profiling the engine without the
bench's generation and datacompy steps (bench_reconcile writes the same three files).

    .venv/bin/python -m bench.profile_link FOLDER [--period 2019-01-01:2019-06-28] [--profile OUT.prof]

FOLDER holds paper.parquet, electronic.parquet and quarantine.parquet. CPU seconds count every
thread of the process, so on a machine shared with other jobs they are the steadier figure.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import logging
import pstats
import resource
import time
from pathlib import Path

import pandas as pd

from doisoat.reconcile.engine import reconcile
from doisoat.reconcile.result import Period


def _peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class _Passes(logging.Handler):
    """Prints each engine log line with the wall and CPU seconds since the run started."""

    def __init__(self) -> None:
        super().__init__()
        self.restart()

    def restart(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def emit(self, record: logging.LogRecord) -> None:
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        print(f"  {wall:6.2f} s  cpu {cpu:6.2f} s  peak {_peak_mib():5d} MiB  {record.getMessage()[:70]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--period", default="2019-01-01:2019-06-28", help="start:end, ISO dates")
    ap.add_argument("--profile", type=Path, help="write a cProfile of the run here and list its top calls")
    args = ap.parse_args()
    paper = pd.read_parquet(args.folder / "paper.parquet")
    electronic = pd.read_parquet(args.folder / "electronic.parquet")
    quarantine = pd.read_parquet(args.folder / "quarantine.parquet")
    start, end = (dt.date.fromisoformat(d) for d in args.period.split(":"))
    print(f"loaded {len(paper):,} paper × {len(electronic):,} electronic rows; peak {_peak_mib()} MiB")

    passes = _Passes()
    logger = logging.getLogger("doisoat.reconcile")
    logger.addHandler(passes)
    logger.setLevel(logging.INFO)
    profiler = cProfile.Profile() if args.profile else None
    passes.restart()
    if profiler:
        profiler.enable()
    reconcile(paper, electronic, quarantine, Period(start, end))
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - passes.wall, time.process_time() - passes.cpu
    print(f"whole engine {wall:.2f} s, cpu {cpu:.2f} s, peak RSS {_peak_mib()} MiB")
    if profiler:
        profiler.dump_stats(args.profile)
        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
