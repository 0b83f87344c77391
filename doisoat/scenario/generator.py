"""Generate a scenario's files: paper ledgers, software exports, office registry, truth, manifest.

Output folder:

    DIR/paper/<office-slug>/<office-slug>_<YYYY-MM>.xlsx   one Mẫu số 06 workbook per office and month
    DIR/electronic/<office-slug>.csv                         the software export, one per office
    DIR/offices.csv                                          office registry (schema.OFFICE_COLUMNS)
    DIR/truth.csv                                            ground truth (see truth.py)
    DIR/manifest.yaml                                        scenario, seed, period, expected figures

Deterministic: each office draws from its own generator seeded by (seed, office index), so the
same seed gives the same CSV bytes and the same workbook cells (the workbooks' metadata are
fixed too). The figures the files give are checked against the spec's targets before returning.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from doisoat import schema as c
from doisoat.errors import ConfigError, TerminalError
from doisoat.reconcile.calendar import calendar_for_years
from doisoat.scenario.catalog import SCENARIOS
from doisoat.scenario.dossiers import draw_dossiers
from doisoat.scenario.expected import summarise, target_gaps, to_records
from doisoat.scenario.export import layout_electronic, write_export
from doisoat.scenario.ledger import layout_paper, write_ledgers
from doisoat.scenario.people import draw_names
from doisoat.scenario.plan import OfficePlan, plan_office, split_total
from doisoat.scenario.roles import draw_roles, label, paper_side
from doisoat.scenario.software import software_side
from doisoat.scenario.spec import OfficeSpec, ScenarioSpec
from doisoat.scenario.truth import KIND, LINK, build_truth
from doisoat.scenario.workdays import Workdays

log = logging.getLogger(__name__)

MANIFEST = "manifest.yaml"
_DEFAULT_QUARTERS = tuple(f"Khu phố {i}" for i in range(1, 6))


@dataclass(frozen=True)
class GeneratedScenario:
    """Where a generated scenario was written, and the figures a correct engine must report."""

    paper_dir: Path
    electronic_dir: Path
    offices_file: Path
    truth_file: Path
    manifest_file: Path
    period_start: dt.date
    period_end: dt.date
    expected: pd.DataFrame  # schema.SUMMARY_COLUMNS, per office then per level


def resolve(scenario: str | ScenarioSpec) -> ScenarioSpec:
    """The spec of a named scenario (or the spec itself)."""
    if isinstance(scenario, ScenarioSpec):
        return scenario
    try:
        return SCENARIOS[scenario]
    except KeyError:
        raise ConfigError(f"unknown scenario {scenario!r}; known: {', '.join(sorted(SCENARIOS))}") from None


def _places(spec: ScenarioSpec, office: OfficeSpec) -> list[tuple[str, str]]:
    """Where the office's applicants live: its own localities; for a city, those of its wards."""
    wards = [o for o in spec.offices if o.parent == office.code] if office.level == c.LEVEL_CITY else []
    places = [(loc, w.name) for w in wards for loc in (w.localities or _DEFAULT_QUARTERS)]
    return places or [(loc, office.name) for loc in (office.localities or _DEFAULT_QUARTERS)]


def _plans(spec: ScenarioSpec) -> list[OfficePlan]:
    weights = [o.electronic_rows for o in spec.offices]
    shares = {name: split_total(total, weights) for name, total in spec.channel_totals}
    return [
        plan_office(o, spec.rates, tuple((name, shares[name][i]) for name, _ in spec.channel_totals))
        for i, o in enumerate(spec.offices)
    ]


def _prepare(out_dir: Path, overwrite: bool) -> tuple[Path, Path]:
    """The paper and electronic folders, emptied of a previous scenario's files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paper_dir, electronic_dir = out_dir / "paper", out_dir / "electronic"
    previous = (out_dir / MANIFEST).exists()
    for folder in (paper_dir, electronic_dir):
        if folder.exists() and any(folder.iterdir()):
            if not (previous or overwrite):
                raise ConfigError(
                    f"{folder} is not empty and holds no generated scenario ({MANIFEST} missing); "
                    "choose an empty folder or allow overwriting"
                )
            shutil.rmtree(folder)
        folder.mkdir()
    return paper_dir, electronic_dir


def _offices_frame(spec: ScenarioSpec) -> pd.DataFrame:
    return pd.DataFrame({
        c.OFFICE_CODE: [o.code for o in spec.offices],
        c.OFFICE_NAME: [o.name for o in spec.offices],
        c.OFFICE_ALIASES: ["|".join(o.aliases) for o in spec.offices],
        c.OFFICE_LEVEL: [o.level for o in spec.offices],
        c.OFFICE_PARENT: [o.parent or "" for o in spec.offices],
    })


def generate(
    scenario: str | ScenarioSpec, out_dir: Path, seed: int = 42, overwrite: bool = False
) -> GeneratedScenario:
    """Write the scenario's files into `out_dir` and return where they are and what they give.

    A folder already holding a generated scenario (its manifest.yaml) is replaced; any other
    non-empty paper/ or electronic/ folder is refused unless `overwrite`.
    """
    spec = resolve(scenario)
    if seed < 0:
        raise ConfigError(f"seed must be a non-negative integer, not {seed}")
    out_dir = Path(out_dir)
    period = (spec.period_start, spec.period_end)
    calendar = calendar_for_years(spec.period_start.year - 1, spec.period_end.year)
    workdays = Workdays(
        calendar, spec.period_start - dt.timedelta(days=120), dt.date(spec.period_end.year + 1, 12, 31)
    )
    plans = _plans(spec)  # validate every office before touching the folder
    paper_dir, electronic_dir = _prepare(out_dir, overwrite)
    papers, exports, truths = [], [], []
    for i, (office, plan) in enumerate(zip(spec.offices, plans, strict=True)):  # per office
        rng = np.random.default_rng([seed, i])
        dossiers = draw_dossiers(
            office, plan.universe, period, _places(spec, office), spec.rates, calendar, workdays, rng
        )
        draw = draw_roles(dossiers, plan, office.level, period, calendar, workdays, rng)
        dossiers = label(dossiers, draw)
        paper_side(dossiers, draw, spec.period_end, workdays, rng)
        software_side(dossiers, draw, plan, spec.period_end, calendar, workdays, rng)
        paper, export = layout_paper(dossiers, office), layout_electronic(dossiers, office)
        clerk = str(draw_names(rng, 1).iloc[0])
        write_ledgers(paper, office, period, paper_dir / office.slug, clerk)
        write_export(export, office, electronic_dir)
        papers.append(paper)
        exports.append(export)
        truths.append(build_truth(paper, export))
        log.info("scenario %s: office %s, %d paper and %d software rows",
                 spec.name, office.code, len(paper), len(export))
    expected = summarise(pd.concat(papers), pd.concat(exports), spec.offices, period)
    gaps = target_gaps(expected, spec.offices)
    if gaps:
        raise TerminalError(f"scenario {spec.name}: generated figures miss their targets: {gaps}")
    truth = pd.concat(truths, ignore_index=True)
    offices_file, truth_file = out_dir / "offices.csv", out_dir / "truth.csv"
    _offices_frame(spec).to_csv(offices_file, index=False, encoding="utf-8", lineterminator="\n")
    truth.to_csv(truth_file, index=False, encoding="utf-8", lineterminator="\n")
    manifest = {
        "scenario": spec.name,
        "seed": seed,
        c.PERIOD_START: spec.period_start.isoformat(),
        c.PERIOD_END: spec.period_end.isoformat(),
        "expected": to_records(expected),
        "truth_counts": _truth_counts(truth),
    }
    manifest_file = out_dir / MANIFEST
    manifest_file.write_text(
        yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return GeneratedScenario(
        paper_dir=paper_dir, electronic_dir=electronic_dir, offices_file=offices_file,
        truth_file=truth_file, manifest_file=manifest_file, period_start=spec.period_start,
        period_end=spec.period_end, expected=expected,
    )


def _truth_counts(truth: pd.DataFrame) -> dict[str, int]:
    """Number of links and of findings per mismatch type."""
    label = truth[c.MISMATCH_TYPE].where(truth[KIND] != LINK, LINK)
    return {str(key): int(n) for key, n in label.value_counts().sort_index().items()}
