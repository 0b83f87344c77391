"""Small synthetic deliveries (frames with the schema's columns) for the warehouse tests."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from doisoat import schema
from doisoat.warehouse import FILE_COLUMNS, RunRecord

CITY = "TN-CITY"
WARD = "TN-P1"
UNIT_NAMES = {CITY: "UBND thành phố Tây Ninh", WARD: "UBND Phường 1"}
UNIT_LEVELS = {CITY: schema.LEVEL_CITY, WARD: schema.LEVEL_WARD}
PERIOD = (dt.date(2019, 1, 1), dt.date(2019, 6, 28))


@dataclass(frozen=True)
class FileSpec:
    """One delivered file: `rows` valid rows, `quarantined` invalid ones; `variant` alters values."""

    name: str
    sha: str
    rows: int
    unit: str = CITY
    quarantined: int = 0
    variant: int = 0


def run_record(run_id: str, minute: int = 0) -> RunRecord:
    started = dt.datetime(2019, 7, 1, 8, minute, tzinfo=dt.UTC)
    return RunRecord(run_id=run_id, started_at=started, period_start=PERIOD[0], period_end=PERIOD[1])


def offices() -> pd.DataFrame:
    return pd.DataFrame({
        schema.OFFICE_CODE: [CITY, WARD],
        schema.OFFICE_NAME: [UNIT_NAMES[CITY], UNIT_NAMES[WARD]],
        schema.OFFICE_ALIASES: ["TP Tây Ninh|Thành phố Tây Ninh", pd.NA],
        schema.OFFICE_LEVEL: [schema.LEVEL_CITY, schema.LEVEL_WARD],
        schema.OFFICE_PARENT: [pd.NA, CITY],
    })


def _code(spec: FileSpec, i: int) -> str:
    return f"000.17.22.H56-1901{(i % 28) + 1:02d}-{i + 1:04d}"


def _common(spec: FileSpec, refs: list[str]) -> dict[str, Any]:
    n = spec.rows
    received = pd.Series(pd.to_datetime("2019-01-02 08:30") + pd.to_timedelta(np.arange(n), unit="D"))
    returned = (received.dt.normalize() + pd.Timedelta(days=2 + spec.variant)).where(np.arange(n) % 3 != 2)
    return {
        schema.REF: refs,
        schema.SOURCE_FILE: spec.name,
        schema.SOURCE_SHA256: spec.sha,
        schema.SOURCE_ROW: pd.array(np.arange(n) + 2, dtype="Int64"),
        schema.UNIT_CODE: spec.unit,
        schema.UNIT_NAME: UNIT_NAMES[spec.unit],
        schema.LEVEL: UNIT_LEVELS[spec.unit],
        schema.DOSSIER_CODE_RAW: [f" {_code(spec, i).lower()} " for i in range(n)],
        schema.DOSSIER_CODE: [_code(spec, i) if i % 4 != 3 else pd.NA for i in range(n)],
        schema.PROCEDURE_NAME: "Đăng ký khai sinh" if spec.variant == 0 else "Đăng ký kết hôn",
        schema.APPLICANT_NAME: [f"Nguyễn Văn {chr(65 + i % 26)}" for i in range(n)],
        schema.RECEIVED_AT: received,
        schema.DUE_DATE: received.dt.normalize() + pd.Timedelta(days=3),
        schema.RETURNED_DATE: returned,
        schema.STATED_TIMELINESS: [schema.TIMELINESS[i % 3] if i % 2 == 0 else pd.NA for i in range(n)],
        schema.RAW_VALUES: [json.dumps({"Mã hồ sơ": _code(spec, i), "Ghi chú": 'a "q", b'},
                                       ensure_ascii=False) for i in range(n)],
        schema.PARSE_ERRORS: [pd.NA if i % 2 else "Ngày hẹn trả: '31/02/2019' is not a date"
                              for i in range(n)],
    }


def paper(spec: FileSpec) -> pd.DataFrame:
    n = spec.rows
    values = _common(spec, [f"{spec.name}!Sổ 2019!{i + 2}" for i in range(n)])
    values |= {
        schema.SOURCE_SHEET: "Sổ 2019",
        schema.SEQ: [str(i + 1) for i in range(n)],
        schema.QUANTITY: pd.array([1 + i % 2 for i in range(n)], dtype="Int64"),
        schema.APPLICANT_CONTACT: "Khu phố 1, Phường 1; 0912 345 678",
        schema.HANDLING_AGENCY: "Phòng Tư pháp",
        schema.TRANSFERRED_DATE: values[schema.RECEIVED_AT].dt.normalize() + pd.Timedelta(days=1),
        schema.RETURN_MARKS: pd.array([i % 2 for i in range(n)], dtype="Int64"),
        schema.NOTE: ["" if i == 0 else "dòng 1\ndòng 2, \\N" if i == 1 else pd.NA for i in range(n)],
    }
    return pd.DataFrame(values, index=range(n))[schema.PAPER_COLUMNS]


def electronic(spec: FileSpec) -> pd.DataFrame:
    n = spec.rows
    values = _common(spec, [f"{spec.name}#{i + 2}" for i in range(n)])
    values |= {
        schema.SOURCE_SHEET: pd.Series([None] * n, dtype="str"),
        schema.FIELD: "Hộ tịch",
        schema.OFFICE_RAW: UNIT_NAMES[spec.unit].upper(),
        schema.STATUS: [schema.STATUSES[9] if i % 3 != 2 else schema.STATUSES[3] for i in range(n)],
        schema.STATUS_RAW: [str(10 if i % 3 != 2 else 4) for i in range(n)],
        schema.CHANNEL: [schema.CHANNELS[i % 2] for i in range(n)],
    }
    return pd.DataFrame(values, index=range(n))[schema.ELECTRONIC_COLUMNS]


def quarantined(side: str, spec: FileSpec) -> pd.DataFrame:
    n = spec.quarantined
    sep = "!Sổ 2019!" if side == "paper" else "#"
    rows = np.arange(n) + spec.rows + 2
    return pd.DataFrame({
        schema.SIDE: side,
        schema.REF: [f"{spec.name}{sep}{r}" for r in rows],
        schema.SOURCE_FILE: spec.name,
        schema.SOURCE_SHA256: spec.sha,
        schema.SOURCE_SHEET: "Sổ 2019" if side == "paper" else pd.NA,
        schema.SOURCE_ROW: pd.array(rows, dtype="Int64"),
        schema.UNIT_CODE: spec.unit,
        schema.DOSSIER_CODE: pd.NA,
        schema.RAW_VALUES: '{"Mã hồ sơ": ""}',
        schema.REASONS: "received_at: missing; dossier_code: missing",
    }, index=range(n))[schema.QUARANTINE_COLUMNS]


def mismatches(ids: list[str], run_tag: str = "") -> pd.DataFrame:
    """Findings whose content follows their id "m<k>" (as stable ids do): type k % 3, city if k even."""
    ks = [int(i.lstrip("m")) for i in ids]
    return pd.DataFrame({
        schema.MISMATCH_ID: ids,
        schema.MISMATCH_TYPE: [schema.MISMATCH_TYPES[k % 3] for k in ks],
        schema.UNIT_CODE: [CITY if k % 2 == 0 else WARD for k in ks],
        schema.DOSSIER_CODE: [f"000.17.22.H56-190102-{k:04d}" for k in ks],
        schema.PAPER_REF: [f"ledger_city.xlsx!Sổ 2019!{k + 2}" if k % 3 != 1 else pd.NA for k in ks],
        schema.ELECTRONIC_REF: [pd.NA if k % 3 == 0 else f"export.csv#{k + 2}" for k in ks],
        schema.MISMATCH_FIELD: [schema.STATED_TIMELINESS if k % 3 == 2 else pd.NA for k in ks],
        schema.PAPER_VALUE: [schema.ON_TIME if k % 3 == 2 else pd.NA for k in ks],
        schema.ELECTRONIC_VALUE: [schema.LATE if k % 3 == 2 else pd.NA for k in ks],
        schema.DETAIL: [f"finding {mid}{run_tag}" for mid in ids],
    })


@dataclass
class Delivery:
    """Everything load_run takes, built from file specs."""

    paper_files: list[FileSpec]
    electronic_files: list[FileSpec]
    mismatch_ids: list[str] = field(default_factory=lambda: ["m1", "m2", "m3"])
    run_tag: str = ""

    def frames(self) -> dict[str, Any]:
        paper_rows = pd.concat([paper(s) for s in self.paper_files], ignore_index=True)
        electronic_rows = pd.concat([electronic(s) for s in self.electronic_files], ignore_index=True)
        quarantine = pd.concat(
            [quarantined("paper", s) for s in self.paper_files]
            + [quarantined("electronic", s) for s in self.electronic_files],
            ignore_index=True,
        )
        n = min(len(paper_rows), len(electronic_rows))
        matches = pd.DataFrame({
            schema.PAPER_REF: paper_rows[schema.REF].iloc[:n].to_numpy(),
            schema.ELECTRONIC_REF: electronic_rows[schema.REF].iloc[:n].to_numpy(),
            schema.METHOD: "exact_code",
            schema.SCORE: np.linspace(1.0, 0.85, n) if n else [],
            schema.AGREED: np.full(n, 1 | 2 | 4 | 8, dtype="uint8"),  # code+applicant+procedure+date
            schema.UNIT_CODE: paper_rows[schema.UNIT_CODE].iloc[:n].to_numpy(),
            schema.DOSSIER_CODE: paper_rows[schema.DOSSIER_CODE].iloc[:n].to_numpy(),
        })
        findings = mismatches(self.mismatch_ids, self.run_tag)
        return {
            "offices": offices(),
            "files": self.files(),
            "paper": paper_rows,
            "electronic": electronic_rows,
            "quarantine": quarantine,
            "matches": matches,
            "mismatches": findings,
            "summary": self.summary(paper_rows, electronic_rows),
            "breakdown": self.breakdown(paper_rows, electronic_rows, matches, findings),
            "counts": self.counts(),
        }

    def files(self) -> pd.DataFrame:
        rows = [("paper", s, "Sổ 2019") for s in self.paper_files]
        rows += [("electronic", s, pd.NA) for s in self.electronic_files]
        rows += [("paper", FileSpec("empty.xlsx", "sha-empty", 0), "Sheet1")]
        return pd.DataFrame(
            [(side, s.name, s.sha, sheet, s.rows + s.quarantined, "read" if s.rows else "empty",
              pd.NA if s.rows else "no data rows", s.rows, s.quarantined) for side, s, sheet in rows],
            columns=[*FILE_COLUMNS, schema.FILE_ROWS_LOADED, schema.FILE_ROWS_QUARANTINED],
        )

    def counts(self) -> dict[str, int]:
        p = sum(s.rows for s in self.paper_files)
        pq = sum(s.quarantined for s in self.paper_files)
        e = sum(s.rows for s in self.electronic_files)
        eq = sum(s.quarantined for s in self.electronic_files)
        return {
            "paper_rows_read": p + pq, "paper_rows_loaded": p, "paper_rows_quarantined": pq,
            "electronic_rows_read": e + eq, "electronic_rows_loaded": e, "electronic_rows_quarantined": eq,
        }

    @staticmethod
    def summary(paper_rows: pd.DataFrame, electronic_rows: pd.DataFrame) -> pd.DataFrame:
        rows = []
        for unit in (CITY, WARD, schema.ALL_UNITS):
            level = UNIT_LEVELS.get(unit, schema.LEVEL_CITY)
            total = unit == schema.ALL_UNITS
            p = len(paper_rows) if total else int((paper_rows[schema.UNIT_CODE] == unit).sum())
            e = len(electronic_rows) if total else int((electronic_rows[schema.UNIT_CODE] == unit).sum())
            rows.append({
                schema.LEVEL: level, schema.UNIT_CODE: unit, schema.UNIT_NAME: UNIT_NAMES.get(unit, pd.NA),
                schema.PERIOD_START: PERIOD[0], schema.PERIOD_END: PERIOD[1],
                schema.PAPER_RECEIVED: p, schema.ELECTRONIC_RECEIVED: e, schema.RECEIVED_DIFFERENCE: e - p,
                schema.PAPER_OVERDUE: 0, schema.ELECTRONIC_OVERDUE: 1 if e else 0,
                schema.OVERDUE_DIFFERENCE: 1 if e else 0,
                schema.PAPER_ON_TIME_RATE: 1.0 if p else np.nan,
                schema.ELECTRONIC_ON_TIME_RATE: (e - 1) / e if e else np.nan,
            })
        return pd.DataFrame(rows)[schema.SUMMARY_COLUMNS]

    @staticmethod
    def breakdown(
        paper_rows: pd.DataFrame, electronic_rows: pd.DataFrame, matches: pd.DataFrame, findings: pd.DataFrame
    ) -> pd.DataFrame:
        """The engine's breakdown of these rows, links and findings (schema.BREAKDOWN_COLUMNS)."""
        from doisoat.reconcile.aggregates import breakdown
        from doisoat.reconcile.result import Period

        return breakdown(paper_rows, electronic_rows, Period(*PERIOD), matches, findings)


def base_delivery(**changes: Any) -> Delivery:
    """Two paper ledgers (one with a quarantined row) and one software export."""
    delivery = Delivery(
        paper_files=[FileSpec("ledger_city.xlsx", "sha-a1", 4, CITY, quarantined=1),
                     FileSpec("ledger_p1.xlsx", "sha-b1", 3, WARD)],
        electronic_files=[FileSpec("export.csv", "sha-e1", 5, CITY, quarantined=1)],
    )
    for name, value in changes.items():
        setattr(delivery, name, value)
    return delivery


# Tables the loader rebuilds from the reference data, the stored records and the run's period.
DIMENSION_TABLES = ("procedure", "procedure_alias", "field", "channel", "calendar_day")

# Columns that record which run last touched a row; they change on every run by design.
RUN_LOG_TABLES = ("run", "input_file")
RUN_STAMP_COLUMNS = {
    "match": ["run_id"], "period_summary": ["run_id"], "breakdown": ["run_id"], "mismatch": ["last_seen_run"],
}


def snapshot(url: str) -> dict[str, pd.DataFrame]:
    """Every table but the run log, without the columns stamping the latest run."""
    from doisoat.warehouse.models import TABLES
    from doisoat.warehouse.read import read_table

    return {
        name: read_table(url, name).drop(columns=RUN_STAMP_COLUMNS.get(name, []))
        for name in TABLES
        if name not in RUN_LOG_TABLES
    }


def load(url: str, run_id: str, delivery: Delivery, minute: int = 0, finish: str | None = "succeeded") -> Any:
    """start_run + load_run (+ finish_run) of `delivery` as run `run_id`."""
    from doisoat.warehouse import finish_run, load_run, start_run

    run = run_record(run_id, minute)
    start_run(url, run)
    stats = load_run(url, run, **delivery.frames())
    if finish is not None:
        finish_run(url, run_id, finish)
    return stats
