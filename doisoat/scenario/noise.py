"""Hard cases and benign noise for matcher-quality scenarios (ScenarioSpec.noise).

Hard cases change the dossier on both sides (applied before the software side is copied):
- `shared_name`: a dossier's applicant is also the applicant of the day's previous dossier;
- `batch`: one person files several "Chứng thực bản sao" the same morning (same name and address).

Benign noise changes only what the clerk wrote on paper (applied after the software side):
`no_code` (no dossier code written; never on `twins`, whose rows only their codes tell apart),
`neighbour_code` (a valid code, of the same day's next or previous dossier), `code_typo` (O for
0, I/l for 1, spaces, no separator, lower case), `name_typo`, `no_diacritics`, `abbreviation`
("ĐK", "GCN", "QSDĐ", "CT"), `day_month_swap` (the receipt date written month first). The
software side adds `name_variant` and `receipt_lag` (roles.py). None of them is a finding: a
noisy pair stays one link. Duplicated and invalid paper rows are left clean (their finding
depends on what is written).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import pandas as pd

from doisoat import schema as c
from doisoat.scenario import columns as k
from doisoat.scenario.spec import NoiseRates
from doisoat.scenario.text import as_arrow, per_distinct, strip_diacritics, take_text

BATCH_PROCEDURE: Final = "Chứng thực bản sao từ bản chính"
# Abbreviations clerks use, applied in order (regex, case-insensitive where marked).
ABBREVIATIONS: Final = (
    ("(?i)giấy chứng nhận", "GCN"),
    ("(?i)quyền sử dụng đất", "QSDĐ"),
    ("Đăng ký", "ĐK"),
    ("Chứng thực", "CT"),
)
_NAME_WIDTH: Final = 48


def _take(rng: np.random.Generator, mask: np.ndarray, share: float) -> np.ndarray:
    """A boolean mask of round(share × candidates) rows drawn from `mask`."""
    cand = np.flatnonzero(mask)
    count = min(len(cand), round(share * len(cand)))
    out = np.zeros(len(mask), dtype=bool)
    if count:
        out[rng.choice(cand, count, replace=False)] = True
    return out


def _add_label(labels: np.ndarray, mask: np.ndarray, label: str) -> None:
    labels[mask] = labels[mask] + label + "|"


def shared_applicants(df: pd.DataFrame, rates: NoiseRates, rng: np.random.Generator) -> np.ndarray:
    """Same-morning batches and same-day shared names (in place, before the software side);
    returns the noise labels so far."""
    n = len(df)
    labels = np.full(n, "", dtype=object)
    if n == 0:
        return labels
    received = df[c.RECEIVED_AT]
    day = received.dt.normalize().to_numpy()
    morning = (received.dt.hour < 12).to_numpy()
    ct = (df[c.PROCEDURE_NAME] == BATCH_PROCEDURE).to_numpy()

    group = pd.Series(np.where(ct & morning, day.astype("int64"), -1))
    size = group.map(group.value_counts()).to_numpy()
    eligible = (group.to_numpy() >= 0) & (size >= 2)
    chosen_days = np.unique(group.to_numpy()[eligible])
    keep = chosen_days[rng.random(len(chosen_days)) < rates.batch]
    in_batch = eligible & np.isin(group.to_numpy(), keep)
    order = pd.Series(np.arange(n))[in_batch].groupby(group[in_batch]).cumcount()
    batch_rank = np.full(n, -1)
    batch_rank[order.index.to_numpy()] = order.to_numpy()
    first = pd.Series(np.arange(n))[in_batch].groupby(group[in_batch]).transform("first")
    first_of = np.arange(n)
    first_of[first.index.to_numpy()] = first.to_numpy()
    joined = in_batch & (batch_rank >= 1) & (batch_rank <= 3)  # up to four dossiers per person
    contact_of = np.arange(n)  # whose name and contact each row takes (moved as positions)
    contact_of[joined] = first_of[joined]
    _add_label(labels, joined | (in_batch & (batch_rank == 0)), "batch")

    prev_same_day = np.zeros(n, dtype=bool)
    prev_same_day[1:] = day[1:] == day[:-1]
    share = _take(rng, prev_same_day & ~in_batch & ~np.roll(in_batch, -1), rates.shared_name)
    share_idx = np.flatnonzero(share)
    name_of = contact_of.copy()
    name_of[share_idx] = contact_of[share_idx - 1]
    _add_label(labels, share, "shared_name")
    df[c.APPLICANT_NAME] = take_text(as_arrow(df[c.APPLICANT_NAME]), name_of, df.index)
    df[c.APPLICANT_CONTACT] = take_text(as_arrow(df[c.APPLICANT_CONTACT]), contact_of, df.index)
    return labels


def _typo(names: pd.Series, rng: np.random.Generator) -> pd.Series:
    """One letter dropped, or two neighbouring letters swapped, inside the given name, vectorised
    over a fixed-width code-point matrix."""
    if names.empty:
        return names
    text = names.to_numpy(dtype=f"U{_NAME_WIDTH}")
    grid = text.view(np.uint32).reshape(len(text), _NAME_WIDTH).copy()
    length = (grid != 0).sum(axis=1)
    last_space = _NAME_WIDTH - 1 - np.argmax(grid[:, ::-1] == ord(" "), axis=1)
    start = np.where((grid == ord(" ")).any(axis=1), last_space + 1, 0)
    span = np.maximum(length - start - 1, 1)
    pos = start + np.floor(rng.random(len(text)) * span).astype(np.int64)
    rows = np.arange(len(text))
    swap = rng.random(len(text)) < 0.5
    a, b = grid[rows, pos].copy(), grid[rows, np.minimum(pos + 1, _NAME_WIDTH - 1)].copy()
    same = a == b
    swap_rows = swap & ~same & (pos + 1 < length)
    grid[rows[swap_rows], pos[swap_rows]] = b[swap_rows]
    grid[rows[swap_rows], pos[swap_rows] + 1] = a[swap_rows]
    drop = ~swap_rows
    cols = np.arange(_NAME_WIDTH)
    shifted = np.minimum(cols[None, :] + (cols[None, :] >= pos[:, None]), _NAME_WIDTH - 1)
    dropped = np.take_along_axis(grid, shifted, axis=1)
    dropped[cols[None, :].repeat(len(text), 0) >= (length - 1)[:, None]] = 0
    grid[drop] = dropped[drop]
    out = grid.reshape(-1).view(f"U{_NAME_WIDTH}")
    return pd.Series(out, index=names.index, dtype="str")


def _code_typos(codes: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Codes as typed carelessly; each still normalises to the same code."""
    kind = rng.integers(0, 5, len(codes))
    has_one = codes.str.contains("1", regex=False).to_numpy()
    kind = np.where((kind == 1) & ~has_one, 2, kind)
    out = codes.copy()
    sel = kind == 0
    out[sel] = codes[sel].str.replace("0", "O", n=1, regex=False)
    capital = rng.random(len(codes)) < 0.5
    for letter, sel in (("I", (kind == 1) & capital), ("l", (kind == 1) & ~capital)):
        out[sel] = codes[sel].str.replace(r"^(.*)1([^1]*)$", rf"\1{letter}\2", regex=True)
    sel = kind == 2
    out[sel] = codes[sel].str.replace("-", " - ", regex=False)
    sel = kind == 3
    out[sel] = codes[sel].str.replace("-", "", regex=False)
    sel = kind == 4
    out[sel] = codes[sel].str.lower()
    return out


def _neighbour_codes(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """For each dossier, the code of the same day's next dossier (else the previous one) and
    whether there is one."""
    n = len(df)
    day = df[c.RECEIVED_AT].dt.normalize().to_numpy()
    codes = df[c.DOSSIER_CODE].to_numpy(dtype=object)
    nxt = np.zeros(n, dtype=bool)
    prv = np.zeros(n, dtype=bool)
    nxt[:-1] = day[:-1] == day[1:]
    prv[1:] = day[1:] == day[:-1]
    idx = np.arange(n)
    other = np.where(nxt, np.minimum(idx + 1, n - 1), np.maximum(idx - 1, 0))
    return codes[other], nxt | prv


def _swapped_receipts(received: pd.Series, start: dt.date) -> tuple[pd.Series, np.ndarray]:
    """The receipt written month first (3 May → "05/03" read as 5 March), and where that gives
    another, earlier date still inside the period."""
    stamps = received.to_numpy(dtype="datetime64[us]")
    days = stamps.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    day = (days - months).astype(np.int64) + 1
    month = months.astype(np.int64) % 12 + 1
    ok = (day < month) & (month <= 12)
    # month `day`, day `month` by NumPy calendar arithmetic (a day of at most 12 exists in every month)
    first = months - (month - 1).astype("timedelta64[M]")  # 1 January of the year
    new_month = first + (np.where(ok, day, month) - 1).astype("timedelta64[M]")
    new_day = new_month.astype("datetime64[D]") + (np.where(ok, month, day) - 1).astype("timedelta64[D]")
    swapped = new_day.astype("datetime64[us]") + (stamps - days.astype("datetime64[us]"))
    ok &= swapped >= np.datetime64(start, "us")
    return pd.Series(swapped, index=received.index, dtype="datetime64[us]"), ok


def _abbreviate(values: pd.Series) -> pd.Series:
    for pattern, abbreviation in ABBREVIATIONS:
        values = values.str.replace(pattern, abbreviation, regex=True)
    return values


def twins(df: pd.DataFrame) -> np.ndarray:
    """Dossiers received from the same applicant within a minute of another of the office's
    dossiers (a batch or a shared name at one counter visit).

    Without their codes such paper rows are indistinguishable: a ledger records the minute, so
    which of them is which record is chance. A finding, a late entry or a missing row on one of
    them would then be undecidable, not benign noise, so they keep their codes."""
    n = len(df)
    if n < 2:
        return np.zeros(n, dtype=bool)
    name, _ = pd.factorize(df[c.APPLICANT_NAME])
    minute = df[c.RECEIVED_AT].to_numpy(dtype="datetime64[m]").astype(np.int64)
    order = np.lexsort((minute, name))
    close = (name[order][1:] == name[order][:-1]) & (np.diff(minute[order]) <= 1)
    near = np.zeros(n, dtype=bool)
    near[1:] |= close
    near[:-1] |= close
    out = np.zeros(n, dtype=bool)
    out[order] = near
    return out


def paper_noise(
    df: pd.DataFrame, rates: NoiseRates, labels: np.ndarray, start: dt.date, rng: np.random.Generator
) -> None:
    """Benign noise on what the paper says (in place, after the software side): fills W_CODE,
    W_RECEIVED and NOISE; may change the paper's applicant and procedure names."""
    eligible = ((df[k.ROLE] != k.ELECTRONIC_ONLY)
                & ~df[k.FINDING].isin([c.DUPLICATE_PAPER, c.INVALID_RECORD])).to_numpy()
    codes = df[c.DOSSIER_CODE].astype("str").copy()
    may_lose = eligible & ~twins(df)  # the share stays that of all eligible rows
    no_code = _take(rng, may_lose, min(1.0, rates.missing_code * eligible.sum() / max(may_lose.sum(), 1)))
    _add_label(labels, no_code, "no_code")
    neighbour, has_neighbour = _neighbour_codes(df)
    with_code = eligible & ~no_code
    wrong = _take(rng, with_code & has_neighbour, rates.neighbour_code / max(1 - rates.missing_code, 1e-9))
    codes[wrong] = neighbour[wrong]
    _add_label(labels, wrong, "neighbour_code")
    typo = _take(rng, eligible & ~no_code & ~wrong, rates.code_typo)
    codes[typo] = _code_typos(codes[typo], rng).to_numpy()
    _add_label(labels, typo, "code_typo")
    df[k.W_CODE] = codes.where(~no_code)

    names = df[c.APPLICANT_NAME].copy()
    typed = _take(rng, eligible, rates.name_typo)
    names[typed] = _typo(names[typed], rng).to_numpy()
    _add_label(labels, typed, "name_typo")
    plain = per_distinct(names, strip_diacritics)
    marked = (plain != names).to_numpy()
    bare = _take(rng, eligible & marked & ~typed, rates.no_diacritics)
    names[bare] = plain[bare]
    _add_label(labels, bare, "no_diacritics")
    df[c.APPLICANT_NAME] = names

    procedures = df[c.PROCEDURE_NAME].copy()
    short = per_distinct(procedures, _abbreviate)
    abbr = _take(rng, eligible & (short != procedures).to_numpy(), rates.abbreviation)
    procedures[abbr] = short[abbr]
    _add_label(labels, abbr, "abbreviation")
    df[c.PROCEDURE_NAME] = procedures

    swapped, can_swap = _swapped_receipts(df[c.RECEIVED_AT], start)
    swappable = eligible & can_swap
    swap = _take(rng, swappable, min(1.0, rates.day_month_swap * eligible.sum() / max(swappable.sum(), 1)))
    df[k.W_RECEIVED] = df[c.RECEIVED_AT].where(~swap, swapped)
    _add_label(labels, swap, "day_month_swap")
    set_noise(df, labels)


def set_noise(df: pd.DataFrame, labels: np.ndarray) -> None:
    """NOISE from the paper labels plus the software side's benign treatments (in place)."""
    labels = labels.copy()
    variant = df[k.VARIANT].to_numpy(dtype=object)
    _add_label(labels, variant == "receipt_lag", "receipt_lag")
    _add_label(labels, variant == "name_variant", "name_variant")
    df[k.NOISE] = pd.Series(labels, index=df.index, dtype="str").str.rstrip("|")


def written(df: pd.DataFrame) -> None:
    """W_CODE and W_RECEIVED as the truth when no noise was applied (in place)."""
    if k.W_CODE not in df.columns:
        df[k.W_CODE] = df[c.DOSSIER_CODE]
    if k.W_RECEIVED not in df.columns:
        df[k.W_RECEIVED] = df[c.RECEIVED_AT]
    if k.NOISE not in df.columns:
        set_noise(df, np.full(len(df), "", dtype=object))
