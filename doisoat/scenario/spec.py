"""What a scenario is made of: its offices with their target figures, and the injection rates.

A spec only states targets (rows and overdue counts per office and side); `plan.py` turns them
into exact counts of every kind of row and `dossiers.py` draws the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from doisoat import schema as c
from doisoat.scenario.text import slugify


@dataclass(frozen=True)
class OfficeSpec:
    """One one-stop office and the figures its generated files must give."""

    code: str  # QCVN 102 style agency id, e.g. "000.01.22.H56"
    name: str  # "Thành phố Tây Ninh", "Phường 1", "Xã Tân Bình"
    level: str  # schema.LEVEL_CITY or schema.LEVEL_WARD
    parent: str | None  # parent office code (None for the top office)
    parent_authority: str  # row 1 of the ledger, in caps: "UBND TỈNH TÂY NINH"
    paper_rows: int
    electronic_rows: int
    paper_overdue: int
    electronic_overdue: int
    localities: tuple[str, ...] = ()  # "Khu phố 1", "Ấp Tân Lập": applicants' addresses
    extra_aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in c.LEVELS:
            raise ValueError(f"office {self.code}: level {self.level!r} is not one of {c.LEVELS}")
        for what in ("paper_rows", "electronic_rows", "paper_overdue", "electronic_overdue"):
            if getattr(self, what) < 0:
                raise ValueError(f"office {self.code}: {what} is negative")

    @property
    def slug(self) -> str:
        """File name stem: "phuong-hiep-ninh"."""
        return slugify(self.name)

    @property
    def title_name(self) -> str:
        """The office as the ledger's title row writes it: "ỦY BAN NHÂN DÂN PHƯỜNG 1"."""
        return f"ỦY BAN NHÂN DÂN {self.name.upper()}"

    @property
    def software_name(self) -> str:
        """The office as the software's "Đơn vị tiếp nhận" writes it: "UBND Phường 1"."""
        return f"UBND {self.name}"

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every name the generated files use for this office, and a few more."""
        names = (
            self.software_name, self.title_name, f"Ủy ban nhân dân {self.name}",
            f"UBND {self.name.upper()}", *self.extra_aliases,
        )
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class InjectionRates:
    """How many rows of each kind to inject, as shares (of pairs or of rows) with minimums.

    Every office gets at least the minimum of each kind, so even a tiny scenario holds every
    kind of finding.
    """

    missing_paper_share: float = 0.005  # of electronic rows
    mismatch_share: float = 0.003  # of pairs, for each of date / procedure / applicant
    duplicate_paper_share: float = 0.0003  # of paper rows
    duplicate_electronic_share: float = 0.0003  # of electronic rows
    invalid_share: float = 0.0002  # of paper rows
    lag_share: float = 0.10  # of pairs: software receipt 1-2 working days after the paper's
    name_variant_share: float = 0.05  # of pairs: name without diacritics or in capitals
    reverse_conflict_share: float = 0.15  # of paper overdue: paper late while software on time
    open_overdue_share: float = 0.6  # of software-only overdue: left open past due (else closed late)
    open_share: float = 0.7  # of dossiers due at/after the period end: still in progress
    # of pairs: the paper's return date written in a column its dates contradict (on time under
    # Trước hạn, early under Đúng hạn): a stated_timeliness_contradiction; 0 = ledgers consistent
    stated_contradiction_share: float = 0.0
    min_each: int = 1  # minimum per office of every mismatch and duplicate kind (stated
    # contradictions included when their share is not 0)
    min_invalid: int = 3  # minimum invalid rows per office (one of each invalid kind)


@dataclass(frozen=True)
class NoiseRates:
    """The hard cases and benign noise of a matcher-quality scenario (see noise.py), as shares.

    Hard cases touch both sides (the same person on several dossiers); benign noise touches only
    what the clerk wrote on paper, and is never a finding: the pair stays a link.
    """

    missing_code: float = 0.36  # of paper rows (pairs and paper-only): no dossier code written
    neighbour_code: float = 0.01  # of paper rows: the code of the same day's next (or previous) dossier
    shared_name: float = 0.03  # of dossiers: the applicant of the day's previous dossier too
    batch: float = 0.25  # of same-morning groups of "Chứng thực bản sao": one applicant files them all
    name_typo: float = 0.04  # one letter dropped or two swapped in the paper's name
    no_diacritics: float = 0.04  # paper name typed without marks
    abbreviation: float = 0.25  # of abbreviable procedure names: "ĐK", "GCN", "QSDĐ", "CT"
    code_typo: float = 0.05  # of written codes: O for 0, I/l for 1, spaces, no separator, lower case
    day_month_swap: float = 0.01  # paper receipt date written month first
    legacy_files: float = 0.2  # of ledger files written in TCVN3 or VNI (when the encoder exists)


@dataclass(frozen=True)
class ScenarioSpec:
    """A whole scenario: period, offices with targets, channel totals, injection rates."""

    name: str
    period_start: dt.date
    period_end: dt.date
    offices: tuple[OfficeSpec, ...]
    # dossiers received by each non-direct channel over all electronic rows (schema.CHANNELS names)
    channel_totals: tuple[tuple[str, int], ...] = ()
    rates: InjectionRates = field(default_factory=InjectionRates)
    province: str = "Tây Ninh"
    noise: NoiseRates | None = None  # hard cases and benign noise (matcher-quality scenarios)

    def __post_init__(self) -> None:
        if self.period_end < self.period_start:
            raise ValueError(f"scenario {self.name}: period ends before it starts")
        codes = [o.code for o in self.offices]
        if len(set(codes)) != len(codes) or not codes:
            raise ValueError(f"scenario {self.name}: office codes must be present and unique")
        if len({o.slug for o in self.offices}) != len(codes):
            raise ValueError(f"scenario {self.name}: office names must give distinct file names")
        for channel, _ in self.channel_totals:
            if channel not in c.CHANNELS or channel == "direct":
                raise ValueError(f"scenario {self.name}: {channel!r} is not a non-direct channel")

    def scaled(self, factor: float, name: str | None = None) -> ScenarioSpec:
        """The same scenario with every row, overdue and channel count multiplied by `factor`."""

        def times(n: int) -> int:
            return round(n * factor)

        offices = tuple(
            replace(
                o, paper_rows=times(o.paper_rows), electronic_rows=times(o.electronic_rows),
                paper_overdue=times(o.paper_overdue), electronic_overdue=times(o.electronic_overdue),
            )
            for o in self.offices
        )
        return replace(
            self, name=name or f"{self.name}-x{factor:g}", offices=offices,
            channel_totals=tuple((ch, times(n)) for ch, n in self.channel_totals),
        )

    def office(self, code: str) -> OfficeSpec:
        """The office with this code."""
        for o in self.offices:
            if o.code == code:
                return o
        raise KeyError(code)
