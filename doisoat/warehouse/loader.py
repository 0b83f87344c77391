"""Load one run's outputs into the warehouse, atomically and idempotently.

Rules (see docs/warehouse.md):
- one transaction per run: a failure half-way leaves the previous state intact;
- records and quarantined rows are keyed by source file: a file already loaded with the same sha256
  is skipped, a file with the same name and a new sha256 replaces that file's rows;
- match, period_summary and breakdown hold the current state and are replaced (a link's agreeing
  fields are stored as text, "code+applicant+…");
- mismatch is upserted by mismatch_id: first/last seen run, reopened when seen again, "resolved"
  when an open finding is no longer reported;
- the dimensions (procedure, procedure_alias, field, channel, calendar_day) are rebuilt from the
  reference data and the stored records (see `dimensions`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
import sqlalchemy as sa

from doisoat import schema
from doisoat.errors import WarehouseError
from doisoat.reconcile.evidence import agreed_text
from doisoat.warehouse import dimensions
from doisoat.warehouse.bulk import bulk_insert
from doisoat.warehouse.engine import open_engine, translated_errors
from doisoat.warehouse.models import (
    FILE_COLUMNS,
    FILE_NAME,
    FILE_NEW,
    FILE_REPLACED,
    FILE_SIDE,
    FILE_UNCHANGED,
    FIRST_SEEN_RUN,
    LAST_SEEN_RUN,
    LOAD_ACTION,
    LOADED_RUN_ID,
    MISMATCH_OPEN,
    MISMATCH_RESOLVED,
    MISMATCH_STATUS,
    OFFICE_VALID_FROM,
    OFFICE_VALID_TO,
    ROW_NO,
    RUN_ID,
    RUN_RUNNING,
    TABLES,
    Base,
    Breakdown,
    CalendarDay,
    ElectronicRecord,
    InputFile,
    Match,
    Mismatch,
    Office,
    PaperRecord,
    PeriodSummary,
    Quarantine,
    Run,
)
from doisoat.warehouse.runs import COUNT_KEYS, RunRecord

log = logging.getLogger(__name__)

PAPER: Final = "paper"
ELECTRONIC: Final = "electronic"
_IN_CHUNK: Final = 500  # values per IN (...) list
# a link's explanation (schema.AGREED) is optional: NULL when the frame has none; the engine's
# bitmask is stored as its text ("code+applicant+procedure+date")
_MATCH_REQUIRED: Final = [c for c in schema.MATCH_COLUMNS if c != schema.AGREED]


@dataclass(frozen=True)
class TableStats:
    """What one table received: rows inserted, existing rows replaced (deleted or updated), rows
    skipped (their file was already loaded unchanged) and, for mismatch, findings resolved."""

    inserted: int = 0
    replaced: int = 0
    skipped: int = 0
    resolved: int = 0


@dataclass(frozen=True)
class LoadStats:
    """Per-table counts, what was done with each delivered file ((side, file) → new / replaced /
    unchanged) and the wall time of the load."""

    tables: Mapping[str, TableStats]
    file_actions: Mapping[tuple[str, str], str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def inserted(self) -> int:
        return sum(t.inserted for t in self.tables.values())

    @property
    def skipped(self) -> int:
        return sum(t.skipped for t in self.tables.values())


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> pd.DataFrame:
    """`frame` restricted to `columns`, an empty frame tolerated without them."""
    if frame.empty and not set(columns) <= set(frame.columns):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise WarehouseError(f"{what} frame lacks columns {missing}")
    return frame.loc[:, list(columns)]


def _with_optional(frame: pd.DataFrame, required: Sequence[str], optional: Sequence[str], what: str
                   ) -> pd.DataFrame:
    out = _require(frame, required, what).copy()
    for column in optional:
        out[column] = frame[column] if column in frame.columns else None
    return out


def _unique(frame: pd.DataFrame, key: Sequence[str], what: str) -> None:
    duplicated = frame.duplicated(subset=list(key), keep=False)
    if duplicated.any():
        sample = frame.loc[duplicated, list(key)].head(5).to_dict("records")
        raise WarehouseError(f"{what}: {int(duplicated.sum())} rows share a key {list(key)}, e.g. {sample}")


def _t(model: type[Base]) -> sa.Table:
    return TABLES[model.__tablename__]


def _chunks(values: Sequence[str]) -> list[list[str]]:
    return [list(values[i : i + _IN_CHUNK]) for i in range(0, len(values), _IN_CHUNK)]


def _delete_all(conn: sa.Connection, table: sa.Table) -> int:
    return conn.execute(sa.delete(table)).rowcount


# --- files ------------------------------------------------------------------------------------

def _file_actions(conn: sa.Connection, side: str, record_table: sa.Table, incoming: pd.DataFrame
                  ) -> dict[str, str]:
    """file → new / replaced / unchanged for the files of one side delivered in this run."""
    pairs = incoming[[schema.SOURCE_FILE, schema.SOURCE_SHA256]].drop_duplicates()
    shas_per_file = pairs.groupby(schema.SOURCE_FILE)[schema.SOURCE_SHA256].nunique()
    if (shas_per_file > 1).any():
        clashing = sorted(shas_per_file.index[shas_per_file > 1])
        raise WarehouseError(
            f"{side} files delivered twice with different contents under the same name: {clashing}"
        )
    known: dict[str, set[str]] = {}
    for name, sha in _stored_files(conn, side, record_table, sorted(pairs[schema.SOURCE_FILE].unique())):
        known.setdefault(name, set()).add(sha)
    actions: dict[str, str] = {}
    for name, sha in zip(pairs[schema.SOURCE_FILE], pairs[schema.SOURCE_SHA256], strict=True):
        if name not in known:
            actions[name] = FILE_NEW
        elif known[name] == {sha}:
            actions[name] = FILE_UNCHANGED
        else:
            actions[name] = FILE_REPLACED
    actions.update(_moved_from_bare_names(conn, side, record_table, pairs))
    return actions


def _moved_from_bare_names(conn: sa.Connection, side: str, record_table: sa.Table, pairs: pd.DataFrame
                           ) -> dict[str, str]:
    """Stored files to replace because they came back under a path: earlier versions named a file
    in a sub-folder by its bare name ('T1.xlsx'), now by its path under the input folder
    ('2019/T1.xlsx'). A stored bare name that is not delivered itself in this run and whose
    contents (sha256) come back under such a path has its rows replaced by the path's, so an
    upgrade does not load those files twice."""
    names = pairs[schema.SOURCE_FILE].astype("str")
    nested = names.str.contains("/", regex=False).to_numpy()
    if not nested.any():
        return {}
    bare = names[nested].str.rsplit("/", n=1).str[-1]
    wanted = set(zip(bare, pairs[schema.SOURCE_SHA256].astype("str")[nested], strict=True))
    candidates = sorted(set(bare) - set(names))
    return {
        name: FILE_REPLACED
        for name, sha in _stored_files(conn, side, record_table, candidates)
        if (name, sha) in wanted
    }


def _stored_files(conn: sa.Connection, side: str, record_table: sa.Table, names: Sequence[str]
                  ) -> list[tuple[str, str]]:
    """(file, sha256) of every stored version of the files `names` of one side, in its records or
    its quarantine."""
    q = _t(Quarantine)
    stored: list[tuple[str, str]] = []
    for files in _chunks(names):
        from_records = sa.select(record_table.c.source_file, record_table.c.source_sha256).where(
            record_table.c.source_file.in_(files)
        )
        from_quarantine = sa.select(q.c.source_file, q.c.source_sha256).where(
            q.c.side == side, q.c.source_file.in_(files)
        )
        stored.extend((r[0], r[1]) for r in conn.execute(sa.union(from_records, from_quarantine)).all())
    return stored


def _load_by_file(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame, actions: Mapping[str, str],
                  bookkeeping: Mapping[str, str], side: str | None = None) -> TableStats:
    """Replace the rows of changed files, insert those of new files, skip those of unchanged ones."""
    replaced_files = sorted(f for f, a in actions.items() if a == FILE_REPLACED)
    deleted = 0
    for files in _chunks(replaced_files):
        statement = sa.delete(table).where(table.c.source_file.in_(files))
        if side is not None:
            statement = statement.where(table.c.side == side)
        deleted += conn.execute(statement).rowcount
    unchanged = {f for f, a in actions.items() if a == FILE_UNCHANGED}
    skip = frame[schema.SOURCE_FILE].isin(unchanged)
    rows = frame.loc[~skip].assign(**bookkeeping)
    inserted = bulk_insert(conn, table, rows)
    return TableStats(inserted=inserted, replaced=deleted, skipped=int(skip.sum()))


def _add(a: TableStats, b: TableStats) -> TableStats:
    return TableStats(a.inserted + b.inserted, a.replaced + b.replaced, a.skipped + b.skipped,
                      a.resolved + b.resolved)


# --- offices, input files ---------------------------------------------------------------------

def _upsert_offices(conn: sa.Connection, offices: pd.DataFrame) -> TableStats:
    """Insert or overwrite the offices given (by code); offices not given are kept. A validity column
    (valid_from / valid_to) absent from `offices` keeps the stored value: a registry without validity
    periods does not erase those recorded earlier."""
    frame = _with_optional(offices, schema.OFFICE_COLUMNS, [OFFICE_VALID_FROM, OFFICE_VALID_TO], "offices")
    if frame.empty:
        return TableStats()
    table = _t(Office)
    codes_given = [str(c) for c in frame[schema.OFFICE_CODE]]
    kept = [c for c in (OFFICE_VALID_FROM, OFFICE_VALID_TO) if c not in offices.columns]
    if kept:
        stored = [
            row
            for codes in _chunks(codes_given)
            for row in conn.execute(
                sa.select(table.c.code, *(table.c[c] for c in kept)).where(table.c.code.in_(codes))
            ).all()
        ]
        previous = pd.DataFrame(stored, columns=[schema.OFFICE_CODE, *kept], dtype=object)
        previous = previous.set_index(schema.OFFICE_CODE)
        for column in kept:
            frame[column] = frame[schema.OFFICE_CODE].astype(str).map(previous[column]).astype(object)
    deleted = 0
    for codes in _chunks(codes_given):
        deleted += conn.execute(sa.delete(table).where(table.c.code.in_(codes))).rowcount
    return TableStats(inserted=bulk_insert(conn, table, frame), replaced=deleted)


def _insert_input_files(conn: sa.Connection, run_id: str, files: pd.DataFrame,
                        actions: Mapping[tuple[str, str], str]) -> TableStats:
    frame = _with_optional(files, FILE_COLUMNS, [schema.FILE_ROWS_LOADED, schema.FILE_ROWS_QUARANTINED],
                           "files")
    keys = pd.Series(list(zip(frame[FILE_SIDE], frame[FILE_NAME], strict=True)), index=frame.index,
                     dtype=object)
    frame[LOAD_ACTION] = keys.map(actions)
    frame[RUN_ID] = run_id
    frame[ROW_NO] = np.arange(len(frame))
    return TableStats(inserted=bulk_insert(conn, _t(InputFile), frame))


# --- current-state tables ---------------------------------------------------------------------

def _replace(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame, run_id: str, *, numbered: bool
             ) -> TableStats:
    deleted = _delete_all(conn, table)
    rows = frame.assign(**{RUN_ID: run_id})
    if numbered:
        rows[ROW_NO] = np.arange(len(rows))
    return TableStats(inserted=bulk_insert(conn, table, rows), replaced=deleted)


def _upsert_mismatches(conn: sa.Connection, frame: pd.DataFrame, run_id: str) -> TableStats:
    """Stage this run's findings in a temporary table, then update / insert / resolve set-wise."""
    m = _t(Mismatch)
    staging = sa.Table(
        "tmp_mismatch_incoming", sa.MetaData(),
        *(sa.Column(c.name, c.type) for c in m.columns if c.name in schema.MISMATCH_COLUMNS),
        prefixes=["TEMPORARY"],
    )
    staging.create(conn)
    try:
        bulk_insert(conn, staging, frame)
        same_id = m.c.mismatch_id == staging.c.mismatch_id
        descriptive = [c for c in schema.MISMATCH_COLUMNS if c != schema.MISMATCH_ID]
        updated = conn.execute(
            sa.update(m).where(same_id).values(
                {**{c: staging.c[c] for c in descriptive}, LAST_SEEN_RUN: run_id,
                 MISMATCH_STATUS: MISMATCH_OPEN}
            )
        ).rowcount
        run = sa.literal(run_id, sa.String())
        inserted = conn.execute(
            sa.insert(m).from_select(
                [*schema.MISMATCH_COLUMNS, FIRST_SEEN_RUN, LAST_SEEN_RUN, MISMATCH_STATUS],
                sa.select(*(staging.c[c] for c in schema.MISMATCH_COLUMNS), run, run,
                          sa.literal(MISMATCH_OPEN, sa.String()))
                .where(~sa.exists().where(same_id)),
            ).execution_options(preserve_rowcount=True)  # INSERT ... SELECT: keep the driver's rowcount
        ).rowcount
        resolved = conn.execute(
            sa.update(m)
            .where(m.c.status == MISMATCH_OPEN, m.c.mismatch_id.not_in(sa.select(staging.c.mismatch_id)))
            .values({MISMATCH_STATUS: MISMATCH_RESOLVED})
        ).rowcount
    finally:
        staging.drop(conn)
    return TableStats(inserted=inserted, replaced=updated, resolved=resolved)


# --- the run ----------------------------------------------------------------------------------

def _check_running(conn: sa.Connection, run_id: str) -> None:
    status = conn.execute(sa.select(Run.status).where(Run.run_id == run_id)).scalar_one_or_none()
    if status is None:
        raise WarehouseError(f"run {run_id} does not exist: call start_run first")
    if status != RUN_RUNNING:
        raise WarehouseError(f"run {run_id} is {status}, not {RUN_RUNNING}: it cannot be loaded")


def _store_counts(conn: sa.Connection, run_id: str, counts: Mapping[str, int]) -> None:
    values = {k: int(v) for k, v in counts.items() if v is not None}
    if values:
        conn.execute(sa.update(Run).where(Run.run_id == run_id).values(values))


def load_run(
    url: str,
    run: RunRecord,
    *,
    offices: pd.DataFrame,
    files: pd.DataFrame,
    paper: pd.DataFrame,
    electronic: pd.DataFrame,
    quarantine: pd.DataFrame,
    matches: pd.DataFrame,
    mismatches: pd.DataFrame,
    summary: pd.DataFrame,
    breakdown: pd.DataFrame,
    counts: Mapping[str, int],
) -> LoadStats:
    """Write one run's records, findings and aggregates in a single transaction (see module doc)."""
    started = time.perf_counter()
    paper_rows = _require(paper, schema.PAPER_COLUMNS, "paper")
    electronic_rows = _require(electronic, schema.ELECTRONIC_COLUMNS, "electronic")
    quarantined = _require(quarantine, schema.QUARANTINE_COLUMNS, "quarantine")
    match_rows = _with_optional(
        matches, _MATCH_REQUIRED, [schema.AGREED, schema.UNIT_CODE, schema.DOSSIER_CODE], "matches"
    )
    match_rows[schema.AGREED] = agreed_text(match_rows[schema.AGREED]).astype("str")
    mismatch_rows = _require(mismatches, schema.MISMATCH_COLUMNS, "mismatches")
    summary_rows = _require(summary, schema.SUMMARY_COLUMNS, "summary")
    breakdown_rows = _require(breakdown, schema.BREAKDOWN_COLUMNS, "breakdown")
    sides = {PAPER: (_t(PaperRecord), paper_rows), ELECTRONIC: (_t(ElectronicRecord), electronic_rows)}
    other_sides = sorted(set(quarantined[schema.SIDE].dropna()) - set(sides))
    if other_sides or quarantined[schema.SIDE].isna().any():
        raise WarehouseError(f"quarantine rows need side paper or electronic, found {other_sides or [None]}")
    _unique(mismatch_rows, [schema.MISMATCH_ID], "mismatches")
    _unique(_require(offices, schema.OFFICE_COLUMNS, "offices"), [schema.OFFICE_CODE], "offices")
    unknown = sorted(set(counts) - set(COUNT_KEYS))
    if unknown:
        raise WarehouseError(f"unknown run counts {unknown}; expected {list(COUNT_KEYS)}")

    tables: dict[str, TableStats] = {}
    file_actions: dict[tuple[str, str], str] = {}
    with translated_errors(f"load run {run.run_id}"), open_engine(url) as engine, engine.begin() as conn:
        _check_running(conn, run.run_id)
        tables[Office.__tablename__] = _upsert_offices(conn, offices)
        quarantine_stats = TableStats()
        for side, (table, records) in sides.items():
            side_quarantine = quarantined.loc[quarantined[schema.SIDE] == side]
            incoming = pd.concat(
                [records[[schema.SOURCE_FILE, schema.SOURCE_SHA256]],
                 side_quarantine[[schema.SOURCE_FILE, schema.SOURCE_SHA256]]],
                ignore_index=True,
            )
            actions = _file_actions(conn, side, table, incoming)
            file_actions.update({(side, name): action for name, action in actions.items()})
            tables[table.name] = _load_by_file(conn, table, records, actions, {LOADED_RUN_ID: run.run_id})
            quarantine_stats = _add(quarantine_stats, _load_by_file(
                conn, _t(Quarantine), side_quarantine, actions, {RUN_ID: run.run_id}, side=side
            ))
        tables[Quarantine.__tablename__] = quarantine_stats
        tables[InputFile.__tablename__] = _insert_input_files(conn, run.run_id, files, file_actions)
        tables[Match.__tablename__] = _replace(conn, _t(Match), match_rows, run.run_id, numbered=False)
        tables[Mismatch.__tablename__] = _upsert_mismatches(conn, mismatch_rows, run.run_id)
        tables[PeriodSummary.__tablename__] = _replace(
            conn, _t(PeriodSummary), summary_rows, run.run_id, numbered=True
        )
        tables[Breakdown.__tablename__] = _replace(
            conn, _t(Breakdown), breakdown_rows, run.run_id, numbered=True
        )
        for name, (inserted, deleted) in dimensions.refresh_reference(conn).items():
            tables[name] = TableStats(inserted=inserted, replaced=deleted)
        inserted, deleted = dimensions.refresh_procedure_aliases(conn)
        tables[dimensions.PROCEDURE_ALIAS] = TableStats(inserted=inserted, replaced=deleted)
        inserted, deleted = dimensions.refresh_calendar(conn, run.period_start, run.period_end)
        tables[CalendarDay.__tablename__] = TableStats(inserted=inserted, replaced=deleted)
        _store_counts(conn, run.run_id, counts)

    stats = LoadStats(tables=tables, file_actions=file_actions, seconds=time.perf_counter() - started)
    log.info(
        "run %s loaded in %.2f s: %s",
        run.run_id, stats.seconds,
        ", ".join(f"{name} +{t.inserted}/~{t.replaced}/={t.skipped}" for name, t in tables.items()),
    )
    return stats
