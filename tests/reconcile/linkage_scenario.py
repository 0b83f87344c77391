"""A generator of canonical paper / electronic frames with ground truth, for linkage quality.

Built for the engine's own tests and benchmarks (independent of `doisoat.scenario`): offices,
working days, dossiers with Vietnamese names drawn as they occur (Nguyễn ≈ 38%, given names
repeating), one person filing several dossiers the same morning, and on paper the benign noise of
real ledgers: a third of codes missing, code typos (O for 0, spaces, lower case, missing
separators), a neighbour's valid code, stripped diacritics, name typos, abbreviated procedure
names, day/month swapped receipt dates, the software's entry lag. Injected findings: missing on
either side, duplicates, date / procedure / applicant mismatches, timeliness conflicts.

Twins keep their own codes on paper (`twins`): one applicant's dossiers of the same day that the
ledger cannot tell apart (most paper rows state no time of day) are told apart by their codes
alone, so they never lose them nor carry the neighbour's; as many other rows lose their codes (or
carry a neighbour's) instead, so the shares of that noise are unchanged.

`truth` columns: kind (link / mismatch), mismatch_type, paper_ref, electronic_ref, noise.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from doisoat import schema as c
from doisoat.reconcile.calendar import calendar_for_years
from doisoat.reference import procedures

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
FAMILY_P = np.array([38, 11, 9.5, 7, 5.1, 5, 4.5, 3.9, 3.9, 2.1, 2, 1.4])
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Đức", "Hoàng", "Kim"]
GIVEN = [
    "An",
    "Anh",
    "Bình",
    "Châu",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngọc",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thủy",
    "Trang",
    "Trung",
    "Tuấn",
    "Tùng",
    "Uyên",
    "Vân",
    "Việt",
    "Vinh",
    "Yến",
]
START, END = dt.date(2019, 1, 1), dt.date(2019, 6, 28)


@dataclass(frozen=True)
class Linkage:
    paper: pd.DataFrame
    electronic: pd.DataFrame
    truth: pd.DataFrame
    start: dt.date = START
    end: dt.date = END


def _strip(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch))


def twins(
    office: np.ndarray, person: np.ndarray, day: np.ndarray, minute: np.ndarray, timed: np.ndarray
) -> np.ndarray:
    """Dossiers the paper cannot tell apart from another dossier of the same applicant, office and
    day: either of the two states no time of day, or both state times within a minute.

    The rule of `doisoat.scenario.noise.twins` for ledgers that mostly write the day alone: without
    their codes, which of such rows is which record is chance, so a finding, a late entry or a
    missing row on one of them is undecidable, not benign noise."""
    n = len(office)
    key = pd.MultiIndex.from_arrays([office, person, day]).factorize()[0]
    size = np.bincount(key, minlength=n)[key]
    untimed = np.bincount(key, weights=~timed, minlength=n)[key] > 0
    out = (size >= 2) & untimed  # one row without a time makes its whole group ambiguous
    order = np.lexsort((minute, key))
    close = (key[order][1:] == key[order][:-1]) & (np.diff(minute[order]) <= 1)
    near = np.zeros(n, dtype=bool)
    near[1:] |= close
    near[:-1] |= close
    out[order] |= near
    return out


def generate_linkage(n: int = 5000, offices: int = 4, seed: int = 1, noise: bool = True) -> Linkage:
    """About `n` dossiers over the first half of 2019 with findings injected and benign noise."""
    rng = np.random.default_rng(seed)
    cal = calendar_for_years(2019, 2019)
    days = pd.date_range(START, END, freq="D")
    days = days[cal.is_working_day(days)]
    days = days[days <= pd.Timestamp(END) - pd.Timedelta(days=21)]  # the software's late entries stay inside
    ref = procedures()
    proc_p = np.where(ref["procedure_name"].str.startswith("Chứng thực"), 6.0, 1.0)
    proc_p /= proc_p.sum()

    office = rng.integers(0, offices, n)
    day = days[rng.integers(0, len(days), n)]
    minute = rng.integers(7 * 60 + 30, 16 * 60 + 30, n)
    fam = rng.choice(len(FAMILY), n, p=FAMILY_P / FAMILY_P.sum())
    mid = rng.integers(0, len(MIDDLE), n)
    giv = rng.integers(0, len(GIVEN), n)
    proc = rng.choice(len(ref), n, p=proc_p)
    d = pd.DataFrame(
        {"office": office, "day": day, "minute": minute, "fam": fam, "mid": mid, "giv": giv, "proc": proc}
    ).sort_values(["office", "day", "minute"], ignore_index=True)
    # one person filing several dossiers the same morning (several Chứng thực bản sao)
    again = rng.random(n) < 0.08
    again[0] = False
    same_block = (d["office"].to_numpy() == np.roll(d["office"].to_numpy(), 1)) & (
        d["day"].to_numpy() == np.roll(d["day"].to_numpy(), 1)
    )
    again &= same_block
    for col in ("fam", "mid", "giv", "proc"):
        v = d[col].to_numpy().copy()
        for i in np.flatnonzero(again):  # a short forward fill over a few thousand rows, test data only
            v[i] = v[i - 1]
        d[col] = v
    d["seq"] = d.groupby(["office", "day"]).cumcount() + 1
    unit = np.array([f"000.{i + 1:02d}.22.H56" for i in range(offices)], dtype=object)
    d["unit"] = unit[d["office"]]
    d["code"] = d["unit"] + "-" + d["day"].dt.strftime("%y%m%d") + "-" + d["seq"].map("{:04d}".format)
    d["name"] = (
        np.array(FAMILY, dtype=object)[d["fam"]]
        + " "
        + np.array(MIDDLE, dtype=object)[d["mid"]]
        + " "
        + np.array(GIVEN, dtype=object)[d["giv"]]
    )
    d["procedure"] = ref["procedure_name"].to_numpy()[d["proc"]]
    d["abbr"] = ref["abbreviation"].to_numpy()[d["proc"]]
    d["received"] = d["day"] + pd.to_timedelta(d["minute"], unit="min")
    d["due"] = cal.add_working_days(d["day"], rng.integers(0, 4, n))
    d["returned"] = d["due"]

    # roles and findings, one per dossier
    u = rng.random(n)
    role = np.select(
        [u < 0.03, u < 0.06, u < 0.08, u < 0.10, u < 0.12, u < 0.14, u < 0.155, u < 0.17],
        [
            c.MISSING_ELECTRONIC,
            c.MISSING_PAPER,
            c.DATE_MISMATCH,
            c.PROCEDURE_MISMATCH,
            c.APPLICANT_MISMATCH,
            c.TIMELINESS_CONFLICT,
            c.DUPLICATE_PAPER,
            c.DUPLICATE_ELECTRONIC,
        ],
        "pair",
    )
    d["role"] = role
    p = d[role != c.MISSING_PAPER].copy()
    e = d[role != c.MISSING_ELECTRONIC].copy()
    p["noise"], e["noise"] = "", ""

    # electronic side: findings and the benign entry lag
    lag = (rng.random(len(e)) < 0.25) & (e["role"] == "pair").to_numpy()
    shift = np.where(lag, rng.integers(1, 4, len(e)), 0)
    far = (e["role"] == c.DATE_MISMATCH).to_numpy()
    shift = np.where(far, rng.integers(6, 12, len(e)), shift)
    new_day = cal.add_working_days(e["day"], shift)
    e["received"] = new_day + pd.to_timedelta(e["minute"], unit="min")
    e["due"] = cal.add_working_days(e["due"], shift)
    e["returned"] = e["due"]
    e.loc[lag, "noise"] += "entry_lag;"
    pm = (e["role"] == c.PROCEDURE_MISMATCH).to_numpy()
    e.loc[pm, "procedure"] = ref["procedure_name"].to_numpy()[(e.loc[pm, "proc"].to_numpy() + 1) % len(ref)]
    am = (e["role"] == c.APPLICANT_MISMATCH).to_numpy()
    e.loc[am, "name"] = (
        np.array(FAMILY, dtype=object)[(e.loc[am, "fam"].to_numpy() + 1) % len(FAMILY)]
        + " "
        + "Thị "
        + np.array(GIVEN, dtype=object)[(e.loc[am, "giv"].to_numpy() + 7) % len(GIVEN)]
    )
    e["stated"] = np.where(e["role"] == c.TIMELINESS_CONFLICT, c.LATE, c.ON_TIME)
    p["stated"] = c.ON_TIME

    # paper side: benign noise; whether a row states its time of day is drawn with it (the last
    # row of the draws) because twins depend on it
    p["code_typed"] = p["code"]
    m = len(p)
    draws = rng.random((9, m)) if noise else rng.random((1, m))
    with_time = draws[-1] < 0.3  # paper rarely states the time of day
    if noise:
        r = draws[:8]
        kinds = np.array(["", "code_missing", "code_typo", "neighbour_code"], dtype=object)
        code_noise = np.select([r[0] < 0.33, r[0] < 0.38, r[0] < 0.40], [1, 2, 3], 0)
        pair = (p["role"] == "pair").to_numpy()
        code_noise[~pair & (code_noise == 3)] = 0
        # a finding on a row without a code cannot be told from a missing pair: codes stay there
        may_lose = p["role"].isin(["pair", c.MISSING_ELECTRONIC]).to_numpy()
        code_noise[~may_lose] = 0
        # twins keep their own codes; the same number of other rows lose theirs (carry a
        # neighbour's) instead, those with the lowest spare draw among rows without code noise
        timed = np.ones(len(d), dtype=bool)  # a software-only dossier states its time
        on_paper = (d["role"] != c.MISSING_PAPER).to_numpy()
        timed[on_paper] = with_time
        twin = twins(d["office"].to_numpy(), d[["fam", "mid", "giv"]].to_numpy() @ [10_000, 100, 1],
                     d["day"].to_numpy(), d["minute"].to_numpy(), timed)[on_paper]
        for kind, spare, allowed in ((1, r[6], may_lose), (3, r[7], pair)):
            lost = twin & (code_noise == kind)
            free = np.flatnonzero(~twin & (code_noise == 0) & allowed)
            code_noise[lost] = 0
            code_noise[free[np.argsort(spare[free], kind="stable")[: int(lost.sum())]]] = kind
        typed = p["code"].to_numpy(dtype=object).copy()
        typos = [
            lambda s: s.lower(),
            lambda s: s.replace("-", " - "),
            lambda s: s.replace("-", ""),
            lambda s: s[:-4] + s[-4:].replace("0", "O"),
            lambda s: s.replace(".", ""),
        ]
        for i in np.flatnonzero(code_noise == 2):
            typed[i] = typos[i % len(typos)](typed[i])
        seq = p["seq"].to_numpy()
        neighbour = np.where(seq > 1, seq - 1, seq + 1)
        for i in np.flatnonzero(code_noise == 3):
            typed[i] = typed[i][:-4] + f"{neighbour[i]:04d}"
        typed[code_noise == 1] = None
        p["code_typed"] = typed
        p["noise"] += np.where(code_noise > 0, kinds[code_noise] + ";", "")
        names = p["name"].to_numpy(dtype=object).copy()
        strip = r[1] < 0.15
        names[strip] = [_strip(x) for x in names[strip]]
        typo = (r[2] < 0.05) & ~strip
        names[typo] = [
            x[:1] + x[2:] if len(x) > 3 else x for x in names[typo]
        ]  # a letter dropped in the family name
        order = (r[3] < 0.03) & ~typo
        names[order] = [" ".join(x.split(" ")[1:] + x.split(" ")[:1]) for x in names[order]]
        p["name"] = names
        p["noise"] += np.where(strip, "name_diacritics;", "") + np.where(typo, "name_typo;", "")
        p["noise"] += np.where(order, "name_order;", "")
        abbr = (
            (r[4] < 0.15)
            & (p["abbr"].fillna("") != "").to_numpy()
            & (p["role"] != c.PROCEDURE_MISMATCH).to_numpy()
        )
        p.loc[abbr, "procedure"] = p.loc[abbr, "abbr"]
        p["noise"] += np.where(abbr, "procedure_abbreviation;", "")
        dd = p["day"]
        swappable = (dd.dt.day <= 12) & (dd.dt.day != dd.dt.month) & (dd.dt.day <= 6)
        swap = (r[5] < 0.03) & swappable.to_numpy() & (p["role"] == "pair").to_numpy()
        swapped = pd.to_datetime(
            dd.dt.year.astype(str) + "-" + dd.dt.day.astype(str) + "-" + dd.dt.month.astype(str),
            errors="coerce",
        )
        p.loc[swap, "day"] = swapped[swap]
        p["noise"] += np.where(swap, "date_swapped;", "")
    p["received"] = np.where(with_time, p["day"] + pd.to_timedelta(p["minute"], unit="min"), p["day"])
    p["received"] = pd.to_datetime(p["received"])

    # duplicates: the same dossier entered twice, a few rows later
    dp = p[p["role"] == c.DUPLICATE_PAPER].assign(noise="")
    de = e[e["role"] == c.DUPLICATE_ELECTRONIC].assign(noise="")
    p = pd.concat([p.assign(extra=False), dp.assign(extra=True)], ignore_index=True)
    e = pd.concat([e.assign(extra=False), de.assign(extra=True)], ignore_index=True)
    p = p.sort_values(["office", "day", "extra", "minute"], kind="stable", ignore_index=True)
    e = e.sort_values(["office", "received", "extra"], kind="stable", ignore_index=True)

    p_file = "so-" + p["unit"].str.replace(".", "-", regex=False) + ".xlsx"
    p_sheet = "T" + p["day"].dt.strftime("%m")
    p_row = p.groupby([p_file, p_sheet]).cumcount() + 10
    p_ref = p_file + "!" + p_sheet + "!" + p_row.astype(str)
    e_file = "pm-" + e["unit"].str.replace(".", "-", regex=False) + ".csv"
    e_row = e.groupby(e_file).cumcount() + 2
    e_ref = e_file + "#" + e_row.astype(str)

    paper = pd.DataFrame(
        {
            c.REF: p_ref,
            c.SOURCE_FILE: p_file,
            c.SOURCE_SHA256: "0" * 64,
            c.SOURCE_SHEET: p_sheet,
            c.SOURCE_ROW: p_row.astype("int64"),
            c.UNIT_CODE: p["unit"],
            c.UNIT_NAME: "Phường " + (p["office"] + 1).astype(str),
            c.LEVEL: c.LEVEL_WARD,
            c.SEQ: p_row.astype(str),
            c.DOSSIER_CODE_RAW: p["code_typed"],
            c.DOSSIER_CODE: p["code_typed"],
            c.PROCEDURE_NAME: p["procedure"],
            c.QUANTITY: 1,
            c.APPLICANT_NAME: p["name"],
            c.APPLICANT_CONTACT: None,
            c.HANDLING_AGENCY: None,
            c.RECEIVED_AT: p["received"].astype("datetime64[us]"),
            c.DUE_DATE: p["due"].astype("datetime64[us]"),
            c.TRANSFERRED_DATE: pd.NaT,
            c.RETURNED_DATE: p["returned"].astype("datetime64[us]"),
            c.STATED_TIMELINESS: p["stated"],
            c.RETURN_MARKS: 1,
            c.NOTE: None,
            c.RAW_VALUES: "{}",
            c.PARSE_ERRORS: None,
        }
    )[c.PAPER_COLUMNS]
    paper[c.QUANTITY] = paper[c.QUANTITY].astype("Int64")
    paper[c.RETURN_MARKS] = paper[c.RETURN_MARKS].astype("Int64")
    electronic = pd.DataFrame(
        {
            c.REF: e_ref,
            c.SOURCE_FILE: e_file,
            c.SOURCE_SHA256: "1" * 64,
            c.SOURCE_SHEET: None,
            c.SOURCE_ROW: e_row.astype("int64"),
            c.UNIT_CODE: e["unit"],
            c.UNIT_NAME: "Phường " + (e["office"] + 1).astype(str),
            c.LEVEL: c.LEVEL_WARD,
            c.DOSSIER_CODE_RAW: e["code"],
            c.DOSSIER_CODE: e["code"],
            c.PROCEDURE_NAME: e["procedure"],
            c.FIELD: None,
            c.OFFICE_RAW: None,
            c.APPLICANT_NAME: e["name"],
            c.RECEIVED_AT: e["received"].astype("datetime64[us]"),
            c.DUE_DATE: e["due"].astype("datetime64[us]"),
            c.RETURNED_DATE: e["returned"].astype("datetime64[us]"),
            c.STATUS: "returned",
            c.STATUS_RAW: "10",
            c.STATED_TIMELINESS: e["stated"],
            c.CHANNEL: "direct",
            c.RAW_VALUES: "{}",
            c.PARSE_ERRORS: None,
        }
    )[c.ELECTRONIC_COLUMNS]

    # truth
    pk = pd.DataFrame(
        {"code": p["code"], "p_ref": p_ref, "extra": p["extra"], "role": p["role"], "pn": p["noise"]}
    )
    ek = pd.DataFrame(
        {"code": e["code"], "e_ref": e_ref, "extra": e["extra"], "role": e["role"], "en": e["noise"]}
    )
    pairs = pk[~pk["extra"]].merge(ek[~ek["extra"]][["code", "e_ref", "en"]], on="code", how="inner")
    truth = [
        pd.DataFrame(
            {
                "kind": "link",
                c.MISMATCH_TYPE: "",
                c.PAPER_REF: pairs["p_ref"],
                c.ELECTRONIC_REF: pairs["e_ref"],
                "noise": pairs["pn"] + pairs["en"],
            }
        )
    ]
    finding = pairs[
        pairs["role"].isin(
            [c.DATE_MISMATCH, c.PROCEDURE_MISMATCH, c.APPLICANT_MISMATCH, c.TIMELINESS_CONFLICT]
        )
    ]
    truth.append(
        pd.DataFrame(
            {
                "kind": "mismatch",
                c.MISMATCH_TYPE: finding["role"],
                c.PAPER_REF: finding["p_ref"],
                c.ELECTRONIC_REF: finding["e_ref"],
                "noise": finding["pn"] + finding["en"],
            }
        )
    )
    me = pk[(pk["role"] == c.MISSING_ELECTRONIC)]
    truth.append(
        pd.DataFrame(
            {
                "kind": "mismatch",
                c.MISMATCH_TYPE: c.MISSING_ELECTRONIC,
                c.PAPER_REF: me["p_ref"],
                c.ELECTRONIC_REF: "",
                "noise": me["pn"],
            }
        )
    )
    mp = ek[(ek["role"] == c.MISSING_PAPER)]
    truth.append(
        pd.DataFrame(
            {
                "kind": "mismatch",
                c.MISMATCH_TYPE: c.MISSING_PAPER,
                c.PAPER_REF: "",
                c.ELECTRONIC_REF: mp["e_ref"],
                "noise": mp["en"],
            }
        )
    )
    truth.append(
        pd.DataFrame(
            {
                "kind": "mismatch",
                c.MISMATCH_TYPE: c.DUPLICATE_PAPER,
                c.PAPER_REF: pk.loc[pk["extra"], "p_ref"],
                c.ELECTRONIC_REF: "",
                "noise": "",
            }
        )
    )
    truth.append(
        pd.DataFrame(
            {
                "kind": "mismatch",
                c.MISMATCH_TYPE: c.DUPLICATE_ELECTRONIC,
                c.PAPER_REF: "",
                c.ELECTRONIC_REF: ek.loc[ek["extra"], "e_ref"],
                "noise": "",
            }
        )
    )
    return Linkage(paper, electronic, pd.concat(truth, ignore_index=True))


def quality(matches: pd.DataFrame, mismatches: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 of links and of each mismatch type against the truth, and the
    reported findings that were never injected (`attrs`):

    - `noise_only_findings`: those on a dossier whose only treatments were benign (a true pair
      with benign noise, no injected finding): noise alone made them;
    - `near_noise_findings`: those touching any row with benign noise, including rows whose
      dossier also carries an injected finding (e.g. a missing row without a code that takes a
      same-person record of the day);
    - `spurious_findings`: all of them."""
    t = truth.fillna("")
    rows = []

    def prf(name: str, got: set[tuple[str, ...]], want: set[tuple[str, ...]]) -> None:
        tp = len(got & want)
        precision = tp / len(got) if got else 1.0
        recall = tp / len(want) if want else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(
            {
                "what": name,
                "expected": len(want),
                "found": len(got),
                "true_positive": tp,
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
        )

    links = t[t["kind"] == "link"]
    prf(
        "link",
        set(zip(matches[c.PAPER_REF], matches[c.ELECTRONIC_REF], strict=True)),
        set(zip(links[c.PAPER_REF], links[c.ELECTRONIC_REF], strict=True)),
    )
    found = mismatches.fillna("")
    for kind in sorted(set(t.loc[t["kind"] == "mismatch", c.MISMATCH_TYPE]) | set(found[c.MISMATCH_TYPE])):
        f = found[found[c.MISMATCH_TYPE] == kind]
        w = t[(t["kind"] == "mismatch") & (t[c.MISMATCH_TYPE] == kind)]
        prf(
            kind,
            set(zip(f[c.PAPER_REF], f[c.ELECTRONIC_REF], strict=True)),
            set(zip(w[c.PAPER_REF], w[c.ELECTRONIC_REF], strict=True)),
        )
    out = pd.DataFrame(rows)
    injected_rows = t[t["kind"] == "mismatch"]
    injected = set(
        zip(
            injected_rows[c.MISMATCH_TYPE],
            injected_rows[c.PAPER_REF],
            injected_rows[c.ELECTRONIC_REF],
            strict=True,
        )
    )
    noisy = set(t.loc[t["noise"] != "", c.PAPER_REF]) | set(t.loc[t["noise"] != "", c.ELECTRONIC_REF])
    # a row of a dossier with an injected finding is not benign, whatever noise it also carries
    # (a duplicate's first row too, when the truth names dossiers)
    if c.DOSSIER_CODE in t.columns:
        dossier = t[c.UNIT_CODE] + "\x1f" + t[c.DOSSIER_CODE]
        injected_rows = t[dossier.isin(set(dossier[t["kind"] == "mismatch"]))]
    treated = set(injected_rows[c.PAPER_REF]) | set(injected_rows[c.ELECTRONIC_REF])
    benign = noisy - treated
    noisy.discard("")
    benign.discard("")
    spurious = [
        (pr, er)
        for k, pr, er in zip(found[c.MISMATCH_TYPE], found[c.PAPER_REF], found[c.ELECTRONIC_REF], strict=True)
        if (k, pr, er) not in injected
    ]
    out.attrs["noise_only_findings"] = sum(pr in benign or er in benign for pr, er in spurious)
    out.attrs["near_noise_findings"] = sum(pr in noisy or er in noisy for pr, er in spurious)
    out.attrs["spurious_findings"] = len(spurious)
    return out
