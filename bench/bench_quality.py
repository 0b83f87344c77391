"""Linkage quality: precision / recall / F1 of links and of each mismatch type against ground truth,
findings caused by benign noise alone, and a Splink 5 baseline (DuckDB) on the same frames.

Uses `doisoat.scenario.generate("quality", ...)` when the generator offers it, else the engine's own
generator (tests/reconcile/linkage_scenario.py). On the scenario, the findings are those a run
reports: the engine's plus the validators' stated_timeliness_contradiction (`pipeline.
with_timeliness_findings`). Prints figures; asserts nothing.

    .venv/bin/python -m bench.bench_quality --rows 5000
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import time

import pandas as pd

from doisoat import schema as c
from doisoat.pipeline import Checked, with_timeliness_findings
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
    r = reconcile(paper, electronic, quarantine, period)
    secs = time.perf_counter() - started
    if checked is not None:
        r = with_timeliness_findings(r, checked)
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000, help="dossiers of the engine's own generator")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    pd.set_option("display.width", 160)
    logging.disable(logging.WARNING)
    try:
        from doisoat.scenario import generate_frames
        from doisoat.validators import timeliness
        from doisoat.validators.quarantine import ELECTRONIC, PAPER, validate
    except ImportError:
        print("doisoat.scenario.generate_frames is not available: scenario 'quality' skipped")
    else:
        paper, electronic, truth = generate_frames("quality", args.seed)
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
