"""Generate a scenario's files: paper ledgers, software exports, office registry, truth, manifest.

Output folder:

    DIR/paper/<office-slug>_<YYYY-MM>.xlsx                 one Mẫu số 06 workbook per office and month
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
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from doisoat import schema as c
from doisoat.errors import ConfigError, TerminalError
from doisoat.reconcile.calendar import WorkingCalendar, calendar_for_years
from doisoat.scenario import columns as k
from doisoat.scenario.catalog import SCENARIOS
from doisoat.scenario.dossiers import draw_dossiers
from doisoat.scenario.expected import summarise, target_gaps, to_records
from doisoat.scenario.export import export_file, layout_electronic, write_export
from doisoat.scenario.ledger import LedgerFile, default_files, layout_paper, write_ledgers
from doisoat.scenario.messy import UNREADABLE, UTF8, VENDOR_B, export_kind, unreadable_copy
from doisoat.scenario.messy import ledger_files as messy_ledger_files
from doisoat.scenario.noise import paper_noise, shared_applicants, written
from doisoat.scenario.people import draw_names
from doisoat.scenario.plan import OfficePlan, plan_office, split_total
from doisoat.scenario.roles import draw_roles, label, paper_side
from doisoat.scenario.software import software_side
from doisoat.scenario.spec import OfficeSpec, ScenarioSpec
from doisoat.scenario.truth import KIND, LINK, build_truth
from doisoat.scenario.vendor_b import vendor_b_profile
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


def plans_of(spec: ScenarioSpec) -> list[OfficePlan]:
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


@dataclass
class OfficeRows:
    """One office's dossiers and their rows as laid out in the ledger files and the export."""

    dossiers: pd.DataFrame
    paper: pd.DataFrame
    export: pd.DataFrame
    clerk: str


def office_rows(
    spec: ScenarioSpec, index: int, plan: OfficePlan, seed: int, calendar: WorkingCalendar,
    workdays: Workdays, files: Callable[[pd.DataFrame], list[LedgerFile]] | None = None,
) -> OfficeRows:
    """Draw the `index`-th office's dossiers (with noise when the spec has some) and lay them out;
    `files` chooses the ledger files from the paper dossiers (default: one workbook per month)."""
    office = spec.offices[index]
    period = (spec.period_start, spec.period_end)
    rng = np.random.default_rng([seed, index])
    dossiers = draw_dossiers(
        office, plan.universe, period, _places(spec, office), spec.rates, calendar, workdays, rng
    )
    draw = draw_roles(dossiers, plan, office.level, period, calendar, workdays, rng)
    dossiers = label(dossiers, draw)
    paper_side(dossiers, draw, spec.period_end, workdays, rng)
    labels = shared_applicants(dossiers, spec.noise, rng) if spec.noise else None
    software_side(dossiers, draw, plan, spec.period_end, calendar, workdays, rng)
    if spec.noise and labels is not None:
        paper_noise(dossiers, spec.noise, labels, spec.period_start, rng)
    written(dossiers)
    book = files(dossiers[dossiers[k.ROLE] != k.ELECTRONIC_ONLY]) if files else None
    paper, export = layout_paper(dossiers, office, book), layout_electronic(dossiers, office)
    clerk = str(draw_names(rng, 1).iloc[0])
    return OfficeRows(dossiers, paper, export, clerk)


def _legacy_noise(spec: ScenarioSpec, files: list[LedgerFile], start: int) -> list[LedgerFile]:
    """Quality scenarios: every few files typed with a legacy font (TCVN3, then VNI)."""
    if spec.noise is None or spec.noise.legacy_files <= 0:
        return files
    every = max(1, round(1 / spec.noise.legacy_files))
    out = []
    for j, f in enumerate(files, start=start):
        if j % every == every - 1 and f.style.text == "unicode":
            f = replace(f, style=replace(f.style, text="tcvn3" if (j // every) % 2 == 0 else "vni"))
        out.append(f)
    return out


def _file_noise(rows: pd.DataFrame, files: list[LedgerFile]) -> pd.Series:
    """The NOISE labels with the legacy encoding of each row's file added."""
    legacy = {f.name: f"legacy_{f.style.text}" for f in files if f.style.text in ("tcvn3", "vni")}
    noise = rows[k.NOISE].fillna("").astype("str")
    if not legacy:
        return noise
    extra = rows[k.FILE].map(legacy).astype("str")
    joined = (noise + "|" + extra.fillna("")).str.strip("|")
    return joined.where(extra.notna(), noise)


def generate(
    scenario: str | ScenarioSpec, out_dir: Path, seed: int = 42, overwrite: bool = False, messy: bool = False
) -> GeneratedScenario:
    """Write the scenario's files into `out_dir` and return where they are and what they give.

    A folder already holding a generated scenario (its manifest.yaml) is replaced; any other
    non-empty paper/ or electronic/ folder is refused unless `overwrite`. `messy` spreads the
    variations of messy.py over offices and months (recorded in manifest.yaml under `messy`) and
    adds one unreadable half-copied workbook; rows, figures and truth stay the same.
    """
    spec = resolve(scenario)
    if seed < 0:
        raise ConfigError(f"seed must be a non-negative integer, not {seed}")
    out_dir = Path(out_dir)
    period = (spec.period_start, spec.period_end)
    calendar, workdays = calendars(spec)
    plans = plans_of(spec)  # validate every office before touching the folder
    paper_dir, electronic_dir = _prepare(out_dir, overwrite)
    papers, exports, truths = [], [], []
    ledger_paths: list[Path] = []
    variations: dict[str, dict[str, list[str]]] = {"ledgers": {}, "exports": {}}
    counter = 0
    for i, (office, plan) in enumerate(zip(spec.offices, plans, strict=True)):  # per office
        chosen: list[list[LedgerFile]] = []

        def pick(rows: pd.DataFrame, i: int = i, office: OfficeSpec = office, start: int = counter,
                 chosen: list[list[LedgerFile]] = chosen) -> list[LedgerFile]:
            files = (messy_ledger_files(office, i, period, rows, start) if messy
                     else default_files(office, period))
            chosen.append(_legacy_noise(spec, files, start))
            return chosen[-1]

        laid = office_rows(spec, i, plan, seed, calendar, workdays, pick)
        files = chosen[-1]
        counter += len(files)
        paper, export = laid.paper, laid.export
        paper[k.NOISE] = _file_noise(paper, files)
        # ledgers side by side (their names carry the office): a file's refs are its name alone, as
        # the truth and the in-memory frames (generate_frames) give them
        ledger_paths += write_ledgers(paper, office, period, paper_dir, laid.clerk, files)
        kind = export_kind(i) if messy else UTF8
        if kind == VENDOR_B and vendor_b_profile() is None:
            kind = UTF8
        write_export(export, office, electronic_dir, kind)
        for f in files:
            names = _keeping(f) + f.style.variations()
            if names:
                variations["ledgers"][f.name] = names
        if kind != UTF8:
            variations["exports"][export_file(office)] = [kind]
        papers.append(paper)
        exports.append(export)
        truths.append(build_truth(paper, export))
        log.info("scenario %s: office %s, %d paper and %d software rows",
                 spec.name, office.code, len(paper), len(export))
    broken = unreadable_copy(ledger_paths) if messy else None
    if broken is not None:
        variations["ledgers"][broken.relative_to(paper_dir).as_posix()] = [UNREADABLE]
    expected = summarise(pd.concat(papers), pd.concat(exports), spec.offices, period)
    gaps = target_gaps(expected, spec.offices)
    if gaps:
        raise TerminalError(f"scenario {spec.name}: generated figures miss their targets: {gaps}")
    truth = pd.concat(truths, ignore_index=True)
    offices_file, truth_file = out_dir / "offices.csv", out_dir / "truth.csv"
    _offices_frame(spec).to_csv(offices_file, index=False, encoding="utf-8", lineterminator="\n")
    truth.to_csv(truth_file, index=False, encoding="utf-8", lineterminator="\n")
    manifest: dict[str, object] = {
        "scenario": spec.name,
        "seed": seed,
        c.PERIOD_START: spec.period_start.isoformat(),
        c.PERIOD_END: spec.period_end.isoformat(),
        "expected": to_records(expected),
        "truth_counts": _truth_counts(truth),
    }
    if messy or any(variations.values()):
        manifest["messy"] = variations
    manifest_file = out_dir / MANIFEST
    manifest_file.write_text(
        yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return GeneratedScenario(
        paper_dir=paper_dir, electronic_dir=electronic_dir, offices_file=offices_file,
        truth_file=truth_file, manifest_file=manifest_file, period_start=spec.period_start,
        period_end=spec.period_end, expected=expected,
    )


def _keeping(f: LedgerFile) -> list[str]:
    """How the file keeps months: several per workbook, with a guide sheet."""
    out = []
    if len(f.months) > 1 or (f.guide and f.style.fmt != "csv"):
        out.append("multi_sheet_workbook")
    if f.guide:
        out.append("guide_sheet")
    return out


def calendars(spec: ScenarioSpec) -> tuple[WorkingCalendar, Workdays]:
    """The working calendar and working days a scenario's period needs."""
    calendar = calendar_for_years(spec.period_start.year - 1, spec.period_end.year)
    workdays = Workdays(
        calendar, spec.period_start - dt.timedelta(days=120), dt.date(spec.period_end.year + 1, 12, 31)
    )
    return calendar, workdays


def _truth_counts(truth: pd.DataFrame) -> dict[str, int]:
    """Number of links and of findings per mismatch type."""
    label = truth[c.MISMATCH_TYPE].where(truth[KIND] != LINK, LINK)
    return {str(key): int(n) for key, n in label.value_counts().sort_index().items()}
