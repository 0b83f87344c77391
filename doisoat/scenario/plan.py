"""Exact counts of every kind of row an office gets, derived from its targets and the rates.

The identities that make the targets come out exactly:

    paper rows      = pairs + missing_electronic + invalid + duplicate_paper
    software rows   = pairs + missing_paper + duplicate_electronic
    paper overdue   = both_late + reverse_conflicts + paper_only_late
    software overdue = both_late + conflicts + missing_paper_late

where `both_late` pairs are late on both sides (no finding), `reverse_conflicts` are late on paper
only, `conflicts` late (closed late, or left open past due) in the software only. Duplicated
and invalid rows are never late, so they add nothing to either overdue count; nor do stated
contradictions (an on-time or early return written under the other of those two columns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from doisoat.errors import ConfigError
from doisoat.scenario.spec import InjectionRates, OfficeSpec


@dataclass(frozen=True)
class OfficePlan:
    """How many rows of each kind one office gets."""

    pairs: int
    missing_electronic: int  # paper rows without software counterpart (invalid ones excluded)
    invalid: int
    missing_paper: int
    duplicate_paper: int
    duplicate_electronic: int
    paper_only_late: int  # of missing_electronic: returned late on paper
    both_late: int
    reverse_conflicts: int
    conflicts: int  # paper on time or early, software overdue
    conflicts_open: int  # of conflicts: left open in the software past the due date
    missing_paper_late: int
    missing_paper_open_late: int  # of missing_paper_late: open past due (else closed late)
    date_mismatches: int
    procedure_mismatches: int
    applicant_mismatches: int
    stated_contradictions: int  # pairs whose paper return column contradicts their dates
    lags: int
    name_variants: int
    channels: tuple[tuple[str, int], ...]  # non-direct channel counts among software dossiers

    @property
    def universe(self) -> int:
        """Distinct dossiers of the office (paper-only, software-only and pairs)."""
        return self.pairs + self.missing_electronic + self.invalid + self.missing_paper


def split_total(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights` by largest remainders (exact, deterministic)."""
    w = np.asarray(weights, dtype=float)
    if total == 0 or w.sum() == 0:
        return [0] * len(weights)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(int)
    order = np.argsort(-(raw - out), kind="stable")
    out[order[: total - int(out.sum())]] += 1
    return [int(x) for x in out]


def _at_least(minimum: int, share: float, base: int) -> int:
    return max(minimum, round(share * base)) if base > 0 else 0


def plan_office(
    office: OfficeSpec, rates: InjectionRates, channels: tuple[tuple[str, int], ...]
) -> OfficePlan:
    """The counts for one office; ConfigError when its targets cannot be met together."""
    p, e = office.paper_rows, office.electronic_rows
    po, eo = office.paper_overdue, office.electronic_overdue
    dup_e = _at_least(rates.min_each, rates.duplicate_electronic_share, e)
    missing_paper = _at_least(rates.min_each, rates.missing_paper_share, e)
    pairs = e - missing_paper - dup_e
    dup_p = _at_least(rates.min_each, rates.duplicate_paper_share, p) if pairs > 0 else 0
    invalid = _at_least(rates.min_invalid, rates.invalid_share, p)
    missing_electronic = p - pairs - dup_p - invalid
    if pairs < 0 or missing_electronic < 0:
        raise ConfigError(
            f"office {office.code}: {p} paper and {e} software rows leave no room for the injected "
            "rows (the paper ledger must hold more rows than the software export)"
        )
    reverse = round(rates.reverse_conflict_share * po)
    if po > 0 and reverse == 0 and pairs > 0:
        reverse = 1
    rest = po - reverse
    both_late = round(rest * pairs / max(pairs + missing_electronic, 1))
    mp_late = min(missing_paper, round(missing_paper * eo / e)) if e else 0
    both_late = min(both_late, eo - mp_late)
    paper_only_late = rest - both_late
    conflicts = eo - both_late - mp_late
    if paper_only_late > missing_electronic or conflicts < 0 or reverse > pairs:
        raise ConfigError(f"office {office.code}: overdue targets {po}/{eo} do not fit its rows")
    mismatches = _at_least(rates.min_each, rates.mismatch_share, pairs)
    return OfficePlan(
        pairs=pairs, missing_electronic=missing_electronic, invalid=invalid,
        missing_paper=missing_paper, duplicate_paper=dup_p, duplicate_electronic=dup_e,
        paper_only_late=paper_only_late, both_late=both_late, reverse_conflicts=reverse,
        conflicts=conflicts, conflicts_open=round(rates.open_overdue_share * conflicts),
        missing_paper_late=mp_late,
        missing_paper_open_late=round(rates.open_overdue_share * mp_late),
        date_mismatches=mismatches, procedure_mismatches=mismatches,
        applicant_mismatches=mismatches,
        stated_contradictions=(_at_least(rates.min_each, rates.stated_contradiction_share, pairs)
                               if rates.stated_contradiction_share > 0 else 0),
        lags=round(rates.lag_share * pairs), name_variants=round(rates.name_variant_share * pairs),
        channels=channels,
    )
