"""Give each dossier its role (pair, paper only, software only) and at most one injected finding,
and write the paper side's late returns, invalid rows and stated timeliness (the return column).

Constrained draws come first, from the whole pool (a late return needs a working day between
the due date and the period end), so small offices never run out of candidates. Every finding
and every benign difference goes to a distinct dossier: one injected finding per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from doisoat import schema as c
from doisoat.errors import ConfigError
from doisoat.reconcile.calendar import WorkingCalendar
from doisoat.scenario import columns as k
from doisoat.scenario.catalog import CONFLICT_FIELD_WEIGHTS, OTHER_FIELD_WEIGHT
from doisoat.scenario.dossiers import procedure_table
from doisoat.scenario.plan import OfficePlan
from doisoat.scenario.text import take_text
from doisoat.scenario.workdays import Workdays

MAX_PAPER_LATE_DAYS = 10  # paper late returns: up to this many working days after due


class _Picker:
    """Draws disjoint sets of dossiers."""

    def __init__(self, rng: np.random.Generator, n: int, office: str) -> None:
        self.rng, self.free, self.office = rng, np.ones(n, dtype=bool), office

    def take(
        self, mask: np.ndarray | None, count: int, what: str, weights: np.ndarray | None = None,
        at_most: bool = False, rng: np.random.Generator | None = None,
    ) -> np.ndarray:
        cand = np.flatnonzero(self.free if mask is None else mask & self.free)
        if at_most:
            count = min(count, len(cand))
        if count > len(cand):
            raise ConfigError(f"office {self.office}: {count} {what} wanted, only {len(cand)} can be")
        if count == 0:
            return np.empty(0, dtype="int64")
        p = None if weights is None else weights[cand] / weights[cand].sum()
        chosen = np.sort((rng or self.rng).choice(cand, size=count, replace=False, p=p))
        self.free[chosen] = False
        return chosen


@dataclass(frozen=True)
class Draw:
    """Positions of the dossiers of each kind, and the software values prepared for some."""

    missing_paper_open_late: np.ndarray  # software only, left open past due
    missing_paper_closed_late: np.ndarray  # software only, closed after due
    missing_paper: np.ndarray  # software only, the rest
    paper_only_late: np.ndarray
    invalid: np.ndarray
    missing_electronic: np.ndarray  # paper only, the rest
    both_late: np.ndarray
    reverse_conflicts: np.ndarray  # late on paper, on time in the software
    conflicts_open: np.ndarray  # on time on paper, open past due in the software
    conflicts_closed: np.ndarray  # on time on paper, closed late in the software
    date_mismatches: np.ndarray
    procedure_mismatches: np.ndarray
    applicant_mismatches: np.ndarray
    stated_contradictions: np.ndarray  # pairs whose paper return column contradicts their dates
    duplicate_paper: np.ndarray
    duplicate_electronic: np.ndarray
    lags: np.ndarray
    name_variants: np.ndarray
    mismatch_receipt_days: pd.Series  # software receipt day for date mismatches
    lag_receipt_days: pd.Series  # software receipt day for lags
    alt_procedures: pd.Series  # another procedure with the same legal days, or NA
    alt_fields: pd.Series

    def kinds(self) -> list[tuple[np.ndarray, str]]:
        """(positions, finding) of every injected finding drawn inside the roles."""
        return [
            (self.invalid, c.INVALID_RECORD), (self.reverse_conflicts, c.TIMELINESS_CONFLICT),
            (self.conflicts_open, c.TIMELINESS_CONFLICT), (self.conflicts_closed, c.TIMELINESS_CONFLICT),
            (self.date_mismatches, c.DATE_MISMATCH), (self.procedure_mismatches, c.PROCEDURE_MISMATCH),
            (self.applicant_mismatches, c.APPLICANT_MISMATCH), (self.duplicate_paper, c.DUPLICATE_PAPER),
            (self.duplicate_electronic, c.DUPLICATE_ELECTRONIC),
            (self.stated_contradictions, c.STATED_TIMELINESS_CONTRADICTION),
        ]

    def variants(self) -> list[tuple[np.ndarray, str]]:
        """(positions, label) of the treatments that shape figures or add benign noise."""
        return [
            (self.both_late, "late_both"), (self.reverse_conflicts, "late_paper_only"),
            (self.paper_only_late, "late_paper_only"), (self.conflicts_open, "open_past_due"),
            (self.missing_paper_open_late, "open_past_due"), (self.conflicts_closed, "closed_late"),
            (self.missing_paper_closed_late, "closed_late"), (self.lags, "receipt_lag"),
            (self.name_variants, "name_variant"),
        ]


def draw_roles(
    df: pd.DataFrame, plan: OfficePlan, level: str, period: tuple[dt.date, dt.date],
    calendar: WorkingCalendar, wd: Workdays, rng: np.random.Generator,
) -> Draw:
    """Choose which dossiers get which role, finding and treatment."""
    n = len(df)
    office = str(df[c.UNIT_CODE].iloc[0]) if n else "?"
    end = period[1]
    due = df[c.DUE_DATE]
    outcome = df[k.OUTCOME].to_numpy(dtype=object)
    returned = outcome != k.OPEN
    before_end = (due < pd.Timestamp(end)).to_numpy()
    late_ok = returned & (wd.between(due, np.full(n, np.datetime64(end, "us"))) >= 1)
    pick = _Picker(rng, n, office)

    # constrained draws first, from the whole pool: software only, paper only, then the pairs
    # that need room inside the period (late returns, conflicts, date mismatches)
    mp_open = pick.take(before_end, plan.missing_paper_open_late, "software-only open overdue")
    mp_closed = pick.take(late_ok, plan.missing_paper_late - len(mp_open), "software-only late")
    po_late = pick.take(late_ok, plan.paper_only_late, "paper-only late")
    invalid = pick.take(returned, plan.invalid, "invalid paper rows")
    dm_days, dm_ok = _mismatch_receipt_days(df, period, calendar, wd, rng)
    date_mm = pick.take((outcome == c.ON_TIME) & dm_ok, plan.date_mismatches, "date mismatches")
    alt_proc, alt_field = _alternative_procedures(df, level, rng)
    proc_mm = pick.take(alt_proc.notna().to_numpy(), plan.procedure_mismatches, "procedure mismatches")
    both_late = pick.take(late_ok, plan.both_late, "pairs late on both sides")
    reverse = pick.take(late_ok, plan.reverse_conflicts, "reverse timeliness conflicts")
    weights = df[c.FIELD].map(CONFLICT_FIELD_WEIGHTS).fillna(OTHER_FIELD_WEIGHT).to_numpy(dtype=float)
    conflicts = pick.take(returned & before_end, plan.conflicts, "timeliness conflicts", weights)
    closable = conflicts[late_ok[conflicts]]
    n_closed = min(plan.conflicts - plan.conflicts_open, len(closable))
    tc_closed = np.sort(rng.choice(closable, n_closed, replace=False)) if n_closed else conflicts[:0]

    # the rest: unconstrained software-only and paper-only rows; what is left are plain pairs
    mp_rest = pick.take(None, plan.missing_paper - plan.missing_paper_late, "software-only")
    po_rest = pick.take(None, plan.missing_electronic - plan.paper_only_late, "paper-only")
    drawn_pairs = len(date_mm) + len(proc_mm) + len(both_late) + len(reverse) + len(conflicts)
    if int(pick.free.sum()) != plan.pairs - drawn_pairs:
        raise ConfigError(f"office {office}: {int(pick.free.sum())} plain pairs left, plan says "
                          f"{plan.pairs - drawn_pairs}")
    lag_days, lag_ok = _lag_receipt_days(df, end, calendar, wd, rng)
    applicant_mm = pick.take(None, plan.applicant_mismatches, "applicant mismatches")
    dup_paper = pick.take(None, plan.duplicate_paper, "duplicated paper rows")
    dup_electronic = pick.take(None, plan.duplicate_electronic, "duplicated software rows")
    lags = pick.take(lag_ok, plan.lags, "lagged receipts", at_most=True)
    name_variants = pick.take(None, plan.name_variants, "name variants", at_most=True)
    # with a generator of their own (spawning leaves `rng`'s stream as it is): every other row of
    # a scenario is what it would be without them, only these plain pairs change columns on paper
    stated = pick.take(returned, plan.stated_contradictions, "stated timeliness contradictions",
                       rng=rng.spawn(1)[0])
    return Draw(
        missing_paper_open_late=mp_open, missing_paper_closed_late=mp_closed, missing_paper=mp_rest,
        paper_only_late=po_late, invalid=invalid, missing_electronic=po_rest,
        both_late=both_late, reverse_conflicts=reverse,
        conflicts_open=np.setdiff1d(conflicts, tc_closed), conflicts_closed=tc_closed,
        date_mismatches=date_mm, procedure_mismatches=proc_mm, applicant_mismatches=applicant_mm,
        stated_contradictions=stated, duplicate_paper=dup_paper, duplicate_electronic=dup_electronic,
        lags=lags, name_variants=name_variants,
        mismatch_receipt_days=dm_days, lag_receipt_days=lag_days,
        alt_procedures=alt_proc, alt_fields=alt_field,
    )


def label(df: pd.DataFrame, draw: Draw) -> pd.DataFrame:
    """The dossiers with their role, finding and treatment columns."""
    n = len(df)
    role = np.full(n, k.PAIR, dtype=object)
    role[np.concatenate([draw.missing_paper_open_late, draw.missing_paper_closed_late,
                         draw.missing_paper])] = k.ELECTRONIC_ONLY
    role[np.concatenate([draw.paper_only_late, draw.invalid, draw.missing_electronic])] = k.PAPER_ONLY
    finding = np.full(n, None, dtype=object)
    finding[role == k.PAPER_ONLY] = c.MISSING_ELECTRONIC
    finding[role == k.ELECTRONIC_ONLY] = c.MISSING_PAPER
    for idx, kind in draw.kinds():
        finding[idx] = kind
    variant = np.full(n, None, dtype=object)
    for idx, name in draw.variants():
        variant[idx] = name
    return df.assign(**{
        k.ROLE: pd.Series(role, index=df.index, dtype="str"),
        k.FINDING: pd.Series(finding, index=df.index, dtype="str"),
        k.VARIANT: pd.Series(variant, index=df.index, dtype="str"),
    })


def paper_side(df: pd.DataFrame, draw: Draw, end: dt.date, wd: Workdays, rng: np.random.Generator) -> None:
    """Late paper returns, invalid rows, the stated timeliness and the date written in each return
    column (in place). A stated contradiction writes an on-time return under Trước hạn and an
    early one under Đúng hạn: the paper's overdue count and OUTCOME (the software's) stay."""
    n = len(df)
    outcome = df[k.OUTCOME].to_numpy(dtype=object).copy()
    ret = df[c.RETURNED_DATE].to_numpy().copy()
    late = np.concatenate([draw.both_late, draw.reverse_conflicts, draw.paper_only_late])
    ret[late] = wd.late(df[c.DUE_DATE].to_numpy()[late], end, MAX_PAPER_LATE_DAYS, rng)
    outcome[late] = c.LATE
    kind = np.full(n, None, dtype=object)
    kind[draw.invalid] = np.resize(np.asarray(k.INVALID_KINDS, dtype=object), len(draw.invalid))
    before = np.flatnonzero(kind == k.RETURNED_BEFORE_RECEIPT)
    r_day = df[c.RECEIVED_AT].dt.normalize().to_numpy()
    ret[before] = wd.shift(r_day[before], -rng.integers(1, 4, len(before)))
    outcome[before] = c.EARLY
    df[c.RETURNED_DATE] = pd.Series(ret, index=df.index, dtype="datetime64[us]")
    df.loc[df.index[before], c.TRANSFERRED_DATE] = pd.NaT
    df[k.OUTCOME] = pd.Series(outcome, index=df.index, dtype="str")
    df[k.INVALID_KIND] = pd.Series(kind, index=df.index, dtype="str")
    df.loc[df[k.INVALID_KIND] == k.ZERO_QUANTITY, c.QUANTITY] = 0
    stated = outcome.copy()
    wrong = draw.stated_contradictions
    stated[wrong] = np.where(outcome[wrong] == c.EARLY, c.ON_TIME, c.EARLY)
    df[k.STATED] = pd.Series(stated, index=df.index, dtype="str")
    two = (df[k.INVALID_KIND] == k.TWO_RETURN_COLUMNS).to_numpy()
    df[k.MARK_EARLY] = df[c.RETURNED_DATE].where((stated == c.EARLY) | two)
    df[k.MARK_ON_TIME] = df[c.RETURNED_DATE].where((stated == c.ON_TIME) | two)
    df[k.MARK_LATE] = df[c.RETURNED_DATE].where(stated == c.LATE)


def _mismatch_receipt_days(
    df: pd.DataFrame, period: tuple[dt.date, dt.date], calendar: WorkingCalendar, wd: Workdays,
    rng: np.random.Generator,
) -> tuple[pd.Series, np.ndarray]:
    """A software receipt day 10-20 working days before the paper's (after it, early in the
    period), and where the dossier can keep an on-time return inside the period."""
    n = len(df)
    r_day = df[c.RECEIVED_AT].dt.normalize()
    shift = rng.integers(10, 21, n)
    earlier = pd.Series(wd.shift(r_day, -shift), index=df.index, dtype="datetime64[us]")
    later = pd.Series(wd.shift(r_day, shift), index=df.index, dtype="datetime64[us]")
    later_due = calendar.due_dates(later + (df[c.RECEIVED_AT] - r_day), df[k.PROCESSING_DAYS])
    earlier_ok = (earlier >= pd.Timestamp(period[0])).to_numpy()
    later_ok = (later_due <= pd.Timestamp(period[1])).to_numpy()
    return earlier.where(earlier_ok, later), earlier_ok | later_ok


def _lag_receipt_days(
    df: pd.DataFrame, end: dt.date, calendar: WorkingCalendar, wd: Workdays, rng: np.random.Generator
) -> tuple[pd.Series, np.ndarray]:
    """A software receipt day 1-2 working days after the paper's, and where the same timeliness
    can be kept against the software's own (later) due date."""
    r_day = df[c.RECEIVED_AT].dt.normalize()
    lagged = pd.Series(wd.shift(r_day, rng.integers(1, 3, len(df))), index=df.index, dtype="datetime64[us]")
    lag_due = calendar.due_dates(lagged + (df[c.RECEIVED_AT] - r_day), df[k.PROCESSING_DAYS])
    t_end, outcome = pd.Timestamp(end), df[k.OUTCOME]
    ok = (lagged <= t_end) & (
        (outcome == k.OPEN)
        | ((outcome == c.ON_TIME) & (lag_due <= t_end))
        | ((outcome == c.EARLY) & (lagged < lag_due))
    )
    return lagged, ok.to_numpy()


def _alternative_procedures(
    df: pd.DataFrame, level: str, rng: np.random.Generator
) -> tuple[pd.Series, pd.Series]:
    """For each dossier, another procedure of its office's mix with the same legal days (so the
    due date does not move), or NA when there is none."""
    table = procedure_table(level)
    names, days = table["procedure_name"].to_numpy(dtype=object), table["processing_days"].to_numpy()
    codes, procedures = pd.factorize(df[c.PROCEDURE_NAME], sort=True)
    pick = np.full(len(df), -1, dtype=np.int64)  # row of `table` of each dossier's other procedure
    for j, name in enumerate(procedures):  # per procedure, in name order (as the draws were made)
        rows = np.flatnonzero(codes == j)
        same_days = days[np.flatnonzero(names == name)[0]]
        others = np.flatnonzero((days == same_days) & (names != name))
        if len(others) == 0:
            continue
        pick[rows] = others[rng.integers(0, len(others), len(rows))]
    alt = take_text(pa.array(table["procedure_name"].astype("str").array), pick, df.index)
    field = take_text(pa.array(table["field"].astype("str").array), pick, df.index)
    return alt, field
