"""Linkage quality: precision / recall / F1 of links and of each mismatch type against ground truth,
findings caused by benign noise alone, and a Splink 5 baseline (DuckDB) on the same frames.

Uses `doisoat.scenario.generate("quality", ...)` when the generator offers it, else the engine's own
generator (tests/reconcile/linkage_scenario.py). On the scenario, the findings are those a run
reports: the engine's plus the validators' stated_timeliness_contradiction (`pipeline.
timeliness_findings`, given to `reconcile(findings=…)`). Prints figures; asserts nothing.

By default the scenario's frames are built in memory (`generate_frames`). `--files` writes the
scenario to files instead, with the `--messy` variations (TCVN3 / VNI / NFD text, shifted and
one-row headers, text and serial dates, CSV / .xls / .xlsm ledgers, UTF-16 / Windows-1258 /
vendor B exports, one corrupt file), reads them back as a run does (`pipeline.read_inputs` →
`read_paper_ledgers` / `read_electronic_exports`, then `pipeline.validate_inputs`), and measures
against `truth.csv`: the reading and text repair become part of the benign noise measured.

    .venv/bin/python -m bench.bench_quality --rows 5000
    .venv/bin/python -m bench.bench_quality --rows 5000 --files
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
import time
from pathlib import Path

import pandas as pd

from doisoat import schema as c
from doisoat.pipeline import Checked, timeliness_findings
from doisoat.reconcile.engine import reconcile
from doisoat.reconcile.keys import fold_text, name_key
from doisoat.reconcile.result import Period
from tests import factories as f
from tests.reconcile.linkage_scenario import generate_linkage, quality


def splink_links(paper: pd.DataFrame, electronic: pd.DataFrame) -> tuple[set[tuple[str, str]], float]:
    """Splink 5 standard setup: blocking on office + receipt date, comparisons on name, procedure, code."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def frame(df: pd.DataFrame, side: str) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "unique_id": df[c.REF].astype(str),
                "office": df[c.UNIT_CODE].astype(str),
                "day": df[c.RECEIVED_AT].dt.strftime("%Y-%m-%d"),
                "name": name_key(df[c.APPLICANT_NAME]).astype(object),
                "procedure": fold_text(df[c.PROCEDURE_NAME]).astype(object),
                "code": df[c.DOSSIER_CODE].astype(object),
                "source": side,
            }
        )

    started = time.perf_counter()
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    left, right = frame(paper, "paper"), frame(electronic, "electronic")
    sdf_left = db_api.register(left, dataset_display_name="paper")
    sdf_right = db_api.register(right, dataset_display_name="electronic")
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[block_on("office", "day")],
        comparisons=[
            cl.JaroWinklerAtThresholds("name"),
            cl.JaroWinklerAtThresholds("procedure"),
            cl.ExactMatch("code"),
        ],
    )
    linker = Linker([sdf_left, sdf_right], settings)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("office", "day"))
    pred = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    # one to one: best first
    pred = pred.sort_values("match_probability", ascending=False)
    pred = pred.drop_duplicates("unique_id_l").drop_duplicates("unique_id_r")
    out = set()
    for a, b, sl in zip(pred["unique_id_l"], pred["unique_id_r"], pred["source_dataset_l"], strict=True):
        out.add((a, b) if "paper" in str(sl) else (b, a))
    return out, time.perf_counter() - started


def evaluate(
    name: str,
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    truth: pd.DataFrame,
    quarantine: pd.DataFrame,
    period: Period,
    checked: Checked | None = None,
) -> None:
    """Run the engine and the Splink baseline on one data set and print their figures; with
    `checked` (the validated inputs), the stated-timeliness findings are added as a run adds them."""
    started = time.perf_counter()
    made_before = timeliness_findings(checked) if checked is not None else None
    r = reconcile(paper, electronic, quarantine, period, findings=made_before)
    secs = time.perf_counter() - started
    q = quality(r.matches, r.mismatches, truth)
    print(
        f"\n== {name}: {len(paper):,} paper x {len(electronic):,} electronic "
        f"({paper[c.DOSSIER_CODE].isna().mean():.0%} of paper rows without a code)"
    )
    print(f"doisoat engine: {secs:.1f} s")
    print(q.round(4).to_string(index=False))
    print(
        "findings never injected:",
        q.attrs["spurious_findings"],
        "| on a dossier with benign noise alone:",
        q.attrs["noise_only_findings"],
        "| touching any row with benign noise:",
        q.attrs["near_noise_findings"],
    )
    try:
        valid_p = paper[~paper[c.REF].isin(set(quarantine[c.REF]))]
        links, ssecs = splink_links(valid_p, electronic)
        t = truth[truth["kind"] == "link"]
        want = set(zip(t[c.PAPER_REF], t[c.ELECTRONIC_REF], strict=True))
        tp = len(links & want)
        precision, recall = tp / max(len(links), 1), tp / max(len(want), 1)
        print(
            f"splink 5 baseline: {ssecs:.1f} s, link precision {precision:.4f}, recall {recall:.4f}, "
            f"F1 {2 * precision * recall / max(precision + recall, 1e-9):.4f}"
        )
    except Exception as exc:  # the baseline is informative only
        print("splink baseline failed:", type(exc).__name__, exc)


def evaluate_files(seed: int) -> None:
    """The quality scenario written to messy files, read back and validated as a run does, then
    evaluated against its truth.csv (refs of the files' sheets and rows)."""
    from doisoat import pipeline
    from doisoat.scenario import generate

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        gen = generate("quality", Path(tmp), seed=seed, messy=True)
        written = time.perf_counter() - started
        inputs = pipeline.read_inputs(gen.paper_dir, gen.electronic_dir, gen.offices_file)
        checked = pipeline.validate_inputs(inputs)
        read = time.perf_counter() - started - written
        truth = pd.read_csv(gen.truth_file, dtype=str)
        failed = pd.concat([inputs.paper.failed, inputs.electronic.failed], ignore_index=True)
        print(f"\nscenario 'quality' written with --messy in {written:.1f} s, read and validated in "
              f"{read:.1f} s; failed inputs: {', '.join(failed['file']) or 'none'}")
        evaluate(
            "scenario 'quality' from messy files (read_paper_ledgers / read_electronic_exports)",
            inputs.paper.records,
            inputs.electronic.records,
            truth,
            checked.quarantine,
            Period(gen.period_start, gen.period_end),
            checked,
        )


def evaluate_frames(seed: int) -> None:
    """The quality scenario's frames built in memory, validated, then evaluated."""
    from doisoat.scenario import generate_frames
    from doisoat.validators import timeliness
    from doisoat.validators.quarantine import ELECTRONIC, PAPER, validate

    paper, electronic, truth = generate_frames("quality", seed)
    vp, ve = validate(paper, PAPER), validate(electronic, ELECTRONIC)
    checks = pd.concat(
        [timeliness.recompute(vp.valid, PAPER), timeliness.recompute(ve.valid, ELECTRONIC)],
        ignore_index=True,
    )
    checked = Checked(paper=vp, electronic=ve, timeliness=checks)
    evaluate(
        "scenario 'quality' (doisoat.scenario)",
        paper,
        electronic,
        truth,
        checked.quarantine,
        Period(dt.date(2019, 1, 1), dt.date(2019, 6, 28)),
        checked,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000, help="dossiers of the engine's own generator")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--files", action="store_true",
                    help="the quality scenario written to messy files and read back, instead of its frames")
    args = ap.parse_args()
    pd.set_option("display.width", 160)
    logging.disable(logging.WARNING)
    try:
        import doisoat.scenario  # noqa: F401
    except ImportError:
        print("doisoat.scenario is not available: scenario 'quality' skipped")
    else:
        if args.files:
            evaluate_files(args.seed)
        else:
            evaluate_frames(args.seed)
    g = generate_linkage(args.rows, offices=max(1, args.rows // 5000), seed=args.seed)
    evaluate(
        "the engine's own generator (tests/reconcile/linkage_scenario.py)",
        g.paper,
        g.electronic,
        g.truth,
        f.no_quarantine(),
        Period(g.start, g.end),
    )


if __name__ == "__main__":
    main()
