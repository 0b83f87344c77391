"""Run every benchmark in turn: `python -m bench [--rows N]` (each at its full size by default).

Each benchmark runs in its own process so one's peak memory does not colour the next one's.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

BENCHMARKS = ["bench_sources", "bench_validators", "bench_reconcile", "bench_quality", "bench_warehouse"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=None, help="passed to every benchmark (a quick run)")
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS, help="run only these")
    args = parser.parse_args()
    failed = []
    for name in args.only or BENCHMARKS:
        cmd = [sys.executable, "-m", f"bench.{name}"]
        if args.rows is not None:
            cmd += ["--rows", str(args.rows)]
        print(f"\n=== {' '.join(cmd[1:])}", flush=True)
        if subprocess.call(cmd) != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
