"""The post-load checkpoint: Great Expectations 1.x suites over the warehouse tables.

After each load the flow runs one GX checkpoint against the warehouse (SQLite or PostgreSQL, the
same SQLAlchemy URL): the run's row counts as the pipeline counted them, row conservation per input
file inside the warehouse, keys unique and not null, rates within 0–1, facts pointing at known
offices (and channels), no date in the future, vocabularies. GX lives in an ephemeral context (no
`gx/` folder anywhere); its Data Docs are written into `docs_dir` when given.

Importing GX costs 5–7 s, so it is imported inside `run_checkpoint`, never at module import.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa

from doisoat import schema as c
from doisoat.warehouse.engine import normalise_url, open_engine

log = logging.getLogger(__name__)

DATA_DOCS_SITE: Final = "doisoat"
# GX substitutes `{batch}` in an unexpected-rows query by "(<the asset's select>) AS subselect":
# a correlated subquery refers to the batch by that name (no alias of its own is allowed).
BATCH: Final = "subselect"
_SIDES: Final = {"paper": "paper_record", "electronic": "electronic_record"}
# the breakdown's dimensions (doisoat.reconcile.aggregates.DIMENSIONS)
BREAKDOWN_DIMENSIONS: Final = ("office", "field", "procedure", "channel", "month")


@dataclass(frozen=True)
class Expectation:
    """One expectation of a suite, in plain terms (turned into a GX expectation by `_to_gx`).

    kind: "row_count" (value), "not_null", "unique", "between" (min/max), "in_set" (values),
    "compound_unique" (columns) or "no_rows" (query: rows that break the rule, `{batch}` = table).
    """

    kind: str
    description: str
    column: str | None = None
    value: Any = None
    min_value: Any = None
    max_value: Any = None
    columns: tuple[str, ...] = ()
    query: str | None = None


@dataclass(frozen=True)
class Suite:
    """The expectations over one table (or one query, when `query` is set)."""

    name: str
    table: str
    expectations: list[Expectation] = field(default_factory=list)
    query: str | None = None


@dataclass(frozen=True)
class CheckpointOutcome:
    """What the checkpoint found: success, every failing expectation in words, how many were
    evaluated, and the Data Docs index (None when no docs were asked for)."""

    success: bool
    failures: list[str]
    evaluated: int
    data_docs: Path | None

    def message(self) -> str:
        """The run table's message for a failed checkpoint."""
        return f"data-quality checkpoint failed ({len(self.failures)} of {self.evaluated}): " + "; ".join(
            self.failures
        )


def _lit(value: str) -> str:
    """A SQL string literal (values here are run ids and vocabulary words, quoted defensively)."""
    return "'" + value.replace("'", "''") + "'"


def _columns(url: str) -> dict[str, set[str]]:
    with open_engine(url) as engine:
        inspector = sa.inspect(engine)
        return {t: {col["name"] for col in inspector.get_columns(t)} for t in inspector.get_table_names()}


def build_suites(
    run_id: str, counts: Mapping[str, int], tables: Mapping[str, set[str]], today: dt.date, dialect: str
) -> list[Suite]:
    """The expectation suites of one run, adapted to the tables and columns the warehouse has and
    to its SQL dialect ("sqlite" or "postgresql")."""

    def date_of(column: str) -> str:
        return f"date({column})" if dialect == "sqlite" else f"CAST({column} AS DATE)"

    run = _lit(run_id)
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    suites: list[Suite] = []

    # --- the run row: counts as the pipeline counted them, conservation per side ---------------
    run_exp = [Expectation("row_count", f"exactly one run row for run {run_id}", value=1)]
    for key, value in counts.items():
        run_exp.append(Expectation(
            "between", f"{key} stored = {int(value)} (the pipeline's count)", column=key,
            min_value=int(value), max_value=int(value),
        ))
    for side in _SIDES:
        run_exp.append(Expectation(
            "no_rows", f"{side}: rows read = rows loaded + rows quarantined",
            query=f"SELECT * FROM {{batch}} WHERE {side}_rows_read <> "
                  f"{side}_rows_loaded + {side}_rows_quarantined",
        ))
    suites.append(Suite("run", "run", run_exp, query=f"SELECT * FROM run WHERE run_id = {run}"))

    # --- input files of the run: their counts add up to the run's, and to the warehouse rows ------
    files_exp = []
    has_split = {c.FILE_ROWS_LOADED, c.FILE_ROWS_QUARANTINED} <= tables.get("input_file", set())
    per_file_counts = [c.FILE_ROWS_READ]
    if has_split:
        per_file_counts += [c.FILE_ROWS_LOADED, c.FILE_ROWS_QUARANTINED]
    for side in _SIDES:
        for column in per_file_counts:
            key = f"{side}_{column}"
            if key in counts:
                files_exp.append(Expectation(
                    "no_rows", f"{side} files: sum of {column} = {int(counts[key])}",
                    query=f"SELECT side FROM {{batch}} WHERE side = {_lit(side)} GROUP BY side "
                          f"HAVING SUM({column}) <> {int(counts[key])}",
                ))
    if has_split:
        files_exp.append(Expectation(
            "no_rows", "every file and sheet: rows_read = rows_loaded + rows_quarantined",
            query=f"SELECT * FROM {{batch}} WHERE {c.FILE_ROWS_READ} <> "
                  f"{c.FILE_ROWS_LOADED} + {c.FILE_ROWS_QUARANTINED}",
        ))
    for side, table in _SIDES.items():
        files_exp.append(Expectation(
            "no_rows", f"{side} files: the warehouse holds every row read (records + quarantine)",
            query=(
                f"SELECT {BATCH}.file FROM {{batch}} WHERE {BATCH}.side = {_lit(side)} GROUP BY {BATCH}.file "
                f"HAVING SUM({BATCH}.rows_read) <> "
                f"(SELECT COUNT(*) FROM {table} r WHERE r.source_file = {BATCH}.file) + "
                f"(SELECT COUNT(*) FROM quarantine q WHERE q.side = {_lit(side)} "
                f"AND q.source_file = {BATCH}.file)"
            ),
        ))
    files_exp.append(Expectation("in_set", "file status in the vocabulary", column=c.FILE_STATUS,
                                 value=list(c.FILE_STATUSES)))
    suites.append(Suite("input_file", "input_file", files_exp,
                        query=f"SELECT * FROM input_file WHERE run_id = {run}"))

    # --- facts: keys, offices, vocabularies, dates ---------------------------------------------
    known_office = "unit_code IS NOT NULL AND unit_code NOT IN (SELECT code FROM office)"
    for side, table in _SIDES.items():
        exp = [
            Expectation("not_null", "ref not null", column=c.REF),
            Expectation("unique", "ref unique", column=c.REF),
            Expectation("not_null", "office resolved", column=c.UNIT_CODE),
            Expectation("no_rows", "every unit_code is an office of the office dimension",
                        query=f"SELECT * FROM {{batch}} WHERE {known_office}"),
            Expectation("not_null", "received_at present", column=c.RECEIVED_AT),
            Expectation("no_rows", f"no receipt in the future (after {today:%d/%m/%Y})",
                        query=f"SELECT * FROM {{batch}} WHERE received_at >= {_lit(tomorrow)}"),
            Expectation("no_rows", f"no return in the future (after {today:%d/%m/%Y})",
                        query=f"SELECT * FROM {{batch}} WHERE returned_date >= {_lit(tomorrow)}"),
            Expectation("no_rows", "due date not before receipt",
                        query=f"SELECT * FROM {{batch}} WHERE due_date < {date_of('received_at')}"),
            Expectation("no_rows", "return date not before receipt",
                        query=f"SELECT * FROM {{batch}} WHERE returned_date < {date_of('received_at')}"),
            Expectation("in_set", "stated timeliness in the vocabulary", column=c.STATED_TIMELINESS,
                        value=list(c.TIMELINESS)),
        ]
        if side == "paper":
            exp.append(Expectation("between", "quantity ≥ 1", column=c.QUANTITY, min_value=1))
        else:
            exp += [
                Expectation("in_set", "status in the vocabulary", column=c.STATUS, value=list(c.STATUSES)),
                Expectation("in_set", "channel in the vocabulary", column=c.CHANNEL, value=list(c.CHANNELS)),
            ]
            if "channel" in tables:
                exp.append(Expectation(
                    "no_rows", "every channel is in the channel dimension",
                    query="SELECT * FROM {batch} WHERE channel IS NOT NULL "
                          "AND channel NOT IN (SELECT channel FROM channel)"))
        suites.append(Suite(table, table, exp))

    suites.append(Suite("quarantine", "quarantine", [
        Expectation("not_null", "ref not null", column=c.REF),
        Expectation("unique", "ref unique", column=c.REF),
        Expectation("not_null", "every quarantined row has its reasons", column=c.REASONS),
        Expectation("in_set", "side is paper or electronic", column=c.SIDE, value=list(_SIDES)),
    ]))
    suites.append(Suite("office", "office", [
        Expectation("not_null", "office code not null", column=c.OFFICE_CODE),
        Expectation("unique", "office code unique", column=c.OFFICE_CODE),
        Expectation("in_set", "office level city or ward", column=c.OFFICE_LEVEL, value=list(c.LEVELS)),
    ]))
    suites.append(Suite("match", "match", [
        Expectation("compound_unique", "one row per pair", columns=(c.PAPER_REF, c.ELECTRONIC_REF)),
        Expectation("between", "score within 0–1", column=c.SCORE, min_value=0, max_value=1),
        Expectation("no_rows", "every matched paper ref is a stored paper record",
                    query="SELECT * FROM {batch} WHERE paper_ref NOT IN (SELECT ref FROM paper_record)"),
        Expectation("no_rows", "every matched electronic ref is a stored electronic record",
                    query="SELECT * FROM {batch} WHERE electronic_ref NOT IN "
                          "(SELECT ref FROM electronic_record)"),
    ]))
    suites.append(Suite("mismatch", "mismatch", [
        Expectation("not_null", "mismatch_id not null", column=c.MISMATCH_ID),
        Expectation("unique", "mismatch_id unique", column=c.MISMATCH_ID),
        Expectation("in_set", "mismatch_type in the taxonomy", column=c.MISMATCH_TYPE,
                    value=list(c.MISMATCH_TYPES)),
        Expectation("no_rows", "every unit_code is an office of the office dimension",
                    query=f"SELECT * FROM {{batch}} WHERE {known_office}"),
    ]))
    office_or_total = f"unit_code <> {_lit(c.ALL_UNITS)} AND {known_office}"
    suites.append(Suite("period_summary", "period_summary", [
        Expectation("between", "paper on-time rate within 0–1", column=c.PAPER_ON_TIME_RATE,
                    min_value=0, max_value=1),
        Expectation("between", "electronic on-time rate within 0–1", column=c.ELECTRONIC_ON_TIME_RATE,
                    min_value=0, max_value=1),
        Expectation("between", "paper_received ≥ 0", column=c.PAPER_RECEIVED, min_value=0),
        Expectation("between", "electronic_received ≥ 0", column=c.ELECTRONIC_RECEIVED, min_value=0),
        Expectation("no_rows", "overdue never above received",
                    query="SELECT * FROM {batch} WHERE paper_overdue > paper_received "
                          "OR electronic_overdue > electronic_received"),
        Expectation("no_rows", "every unit_code is an office (or '*', a level total)",
                    query=f"SELECT * FROM {{batch}} WHERE {office_or_total}"),
    ]))
    suites.append(Suite("breakdown", "breakdown", [
        Expectation("no_rows", "every unit_code is an office (or '*', a level total)",
                    query=f"SELECT * FROM {{batch}} WHERE {office_or_total}"),
        Expectation("in_set", "dimension in the vocabulary", column=c.DIMENSION,
                    value=list(BREAKDOWN_DIMENSIONS)),
        Expectation("between", "paper_received ≥ 0", column=c.PAPER_RECEIVED, min_value=0),
        Expectation("between", "electronic_received ≥ 0", column=c.ELECTRONIC_RECEIVED, min_value=0),
        Expectation("between", "paper on-time rate within 0–1", column=c.PAPER_ON_TIME_RATE,
                    min_value=0, max_value=1),
        Expectation("between", "electronic on-time rate within 0–1", column=c.ELECTRONIC_ON_TIME_RATE,
                    min_value=0, max_value=1),
        Expectation("between", "sync rate within 0–1", column=c.SYNC_RATE, min_value=0, max_value=1),
        Expectation("no_rows", "overdue and matched never above received",
                    query="SELECT * FROM {batch} WHERE paper_overdue > paper_received "
                          "OR electronic_overdue > electronic_received OR paper_matched > paper_received"),
        Expectation("no_rows", "differences are electronic − paper",
                    query="SELECT * FROM {batch} "
                          "WHERE received_difference <> electronic_received - paper_received "
                          "OR overdue_difference <> electronic_overdue - paper_overdue"),
    ]))
    return [s for s in suites if s.table in tables]


def _to_gx(e: Expectation) -> Any:
    import great_expectations.expectations as gxe

    d = e.description
    if e.kind == "row_count":
        return gxe.ExpectTableRowCountToEqual(value=e.value, description=d)
    if e.kind == "not_null":
        return gxe.ExpectColumnValuesToNotBeNull(column=str(e.column), description=d)
    if e.kind == "unique":
        return gxe.ExpectColumnValuesToBeUnique(column=str(e.column), description=d)
    if e.kind == "between":
        return gxe.ExpectColumnValuesToBeBetween(
            column=str(e.column), min_value=e.min_value, max_value=e.max_value, description=d
        )
    if e.kind == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=str(e.column), value_set=e.value, description=d)
    if e.kind == "compound_unique":
        return gxe.ExpectCompoundColumnsToBeUnique(column_list=list(e.columns), description=d)
    if e.kind == "no_rows":
        return gxe.UnexpectedRowsExpectation(unexpected_rows_query=str(e.query), description=d)
    raise ValueError(f"unknown expectation kind {e.kind!r}")


def _failure_text(suite: str, result: Any) -> str:
    config = result.expectation_config
    description = config.description or config.type
    details = result.result or {}
    observed = details.get("observed_value")
    count = details.get("unexpected_count")
    if config.type == "unexpected_rows_expectation" and observed is not None:
        return f"{suite}: {description} ({observed} rows break it)"
    if count is not None:
        values = dict.fromkeys(str(v) for v in details.get("partial_unexpected_list") or [])
        examples = ", ".join(list(values)[:3])
        return f"{suite}: {description} ({count} rows break it" + (f", e.g. {examples})" if examples else ")")
    if observed is not None:
        return f"{suite}: {description} (observed {observed})"
    error = _error_of(result.exception_info or {})
    if error:
        return f"{suite}: {description} (error: {error})"
    return f"{suite}: {description}"


def _error_of(info: Mapping[str, Any]) -> str | None:
    """The first exception message of a GX result's exception_info (flat or keyed by metric)."""
    if info.get("raised_exception") and info.get("exception_message"):
        return str(info["exception_message"]).splitlines()[0][:300]
    for value in info.values():
        if isinstance(value, Mapping):
            found = _error_of(value)
            if found:
                return found
    return None


def _drop_default_docs_site(context: Any) -> None:
    """Remove the ephemeral context's default docs site and the temporary folder GX made for it."""
    sites = dict(context.variables.data_docs_sites or {})
    for name, config in list(sites.items()):
        base = Path(str(config.get("store_backend", {}).get("base_directory", "")))
        sites.pop(name)
        if base.is_dir() and base.parent == Path(tempfile.gettempdir()) and not any(base.iterdir()):
            base.rmdir()
    context.variables.data_docs_sites = sites


def _gx_url(url: str) -> str:
    return normalise_url(url).render_as_string(hide_password=False)


def run_checkpoint(
    url: str,
    run_id: str,
    counts: Mapping[str, int],
    docs_dir: Path | None = None,
    today: dt.date | None = None,
    suites: Sequence[Suite] | None = None,
) -> CheckpointOutcome:
    """Run the suites of `run_id` over the warehouse at `url` as one GX checkpoint.

    `counts` are the run's row counts (warehouse.COUNT_KEYS) as the pipeline computed them; `today`
    bounds "no future dates" (default: today). With `docs_dir`, the Data Docs of this checkpoint
    replace whatever was there and `data_docs` points at their index.html.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.data_context.types.base import ProgressBarsConfig

    chosen = list(suites) if suites is not None else build_suites(
        run_id, counts, _columns(url), today or dt.date.today(), normalise_url(url).get_backend_name()
    )
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    _drop_default_docs_site(context)
    actions: list[Any] = []
    if docs_dir is not None:
        docs_dir = docs_dir.resolve()  # GX wants an absolute base directory (`--workdir demo` is relative)
        if docs_dir.exists():
            shutil.rmtree(docs_dir)
        docs_dir.mkdir(parents=True)
        context.add_data_docs_site(
            site_name=DATA_DOCS_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir),
                },
            },
        )
        actions.append(UpdateDataDocsAction(name="data_docs", site_names=[DATA_DOCS_SITE]))
    with warnings.catch_warnings():  # "a more specific SqliteDatasource may be more appropriate"
        warnings.simplefilter("ignore")
        source = context.data_sources.add_sql(name="warehouse", connection_string=_gx_url(url))
    definitions = []
    for s in chosen:
        asset: Any
        if s.query is not None:
            asset = source.add_query_asset(name=s.name, query=s.query)
        else:
            asset = source.add_table_asset(name=s.name, table_name=s.table)
        batch = asset.add_batch_definition_whole_table(f"{s.name}_all")
        suite = context.suites.add(gx.ExpectationSuite(name=f"doisoat.{s.name}"))
        for e in s.expectations:
            suite.add_expectation(_to_gx(e))
        definitions.append(context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{s.name}_{run_id}", data=batch, suite=suite)
        ))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=f"doisoat_{run_id}", validation_definitions=definitions, actions=actions,
        result_format="SUMMARY",
    ))
    result = checkpoint.run()
    failures: list[str] = []
    evaluated = 0
    for validation in result.run_results.values():
        suite_name = str(validation.suite_name).removeprefix("doisoat.")
        for r in validation.results:
            evaluated += 1
            if not r.success:
                failures.append(_failure_text(suite_name, r))
    index = docs_dir / "index.html" if docs_dir is not None else None
    outcome = CheckpointOutcome(success=bool(result.success), failures=failures, evaluated=evaluated,
                                data_docs=index if index is not None and index.exists() else None)
    if outcome.success:
        log.info("checkpoint of run %s: %d expectations met", run_id, evaluated)
    else:
        log.error("checkpoint of run %s failed: %s", run_id, "; ".join(failures))
    return outcome
