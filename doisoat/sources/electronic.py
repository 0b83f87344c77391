"""Software exports (CSV, or .xlsx) → canonical electronic records (schema.ELECTRONIC_COLUMNS).

The layout comes from an export profile (profiles.py), chosen from the file's header. CSVs are read
by Arrow's multi-threaded reader with every column as text, and every column is built with Arrow
kernels, so a million-row export takes a few seconds. A file that cannot be read, or whose header
matches no profile, is recorded as failed and the run goes on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from doisoat import schema
from doisoat.errors import ConfigError, LayoutError, Location, UnreadableFileError
from doisoat.sources import canonical, textfile
from doisoat.sources.discovery import find_files, sha256_of, warn_duplicate_names
from doisoat.sources.encodings import UTF8, UTF8_BOM, describe
from doisoat.sources.jsonrows import json_objects
from doisoat.sources.legacy import repair_array, repair_lines
from doisoat.sources.offices import OfficeRegistry, office_from_file_name
from doisoat.sources.problems import join_messages
from doisoat.sources.profiles import (
    ExportProfile,
    choose_export_profile,
    load_export_profile,
    shipped_export_profiles,
)
from doisoat.sources.result import FAILED, READ, SKIPPED, FileLog, ReadResult
from doisoat.sources.text import clean_one, clean_text, shared_encodings
from doisoat.sources.workbook import open_workbook, worksheets

log = logging.getLogger(__name__)

CSV_SUFFIXES = (".csv",)
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
EXPORT_SUFFIXES = CSV_SUFFIXES + SPREADSHEET_SUFFIXES
# How many rows from the top of a spreadsheet export are searched for the header.
HEADER_SEARCH_ROWS = 20
FILE_NAME_SOURCE = "Tên tệp"
# Bytes per CSV block: blocks are read in parallel and processed one at a time.
CSV_BLOCK_SIZE = 16 << 20


def read_electronic_exports(
    electronic_dir: Path, offices: OfficeRegistry | None = None, profile: Path | None = None
) -> ReadResult:
    """Every export under `electronic_dir` (recursive, sorted) as canonical electronic records.

    `profile` forces one export profile (a YAML file); by default the shipped profiles are tried.
    A file is named (lineage, refs, files log) by its path relative to `electronic_dir`: "x.csv",
    "a/x.csv".
    """
    electronic_dir = Path(electronic_dir)
    if not electronic_dir.is_dir():
        raise ConfigError(f"{electronic_dir}: not a directory")
    profiles = (load_export_profile(profile),) if profile is not None else shipped_export_profiles()
    registry = offices if offices is not None else OfficeRegistry()
    files = FileLog(root=electronic_dir)
    tables: list[pa.Table] = []
    paths = find_files(electronic_dir, EXPORT_SUFFIXES)
    warn_duplicate_names(paths, electronic_dir)
    with ThreadPoolExecutor(max_workers=1) as hasher:  # hashing runs beside parsing (it frees the GIL)
        digests = [hasher.submit(_sha256_or_error, path) for path in paths]
        for path, digest in zip(paths, digests, strict=True):
            _read_export(path, files.name_of(path), digest, profiles, registry, files, tables)
    records = canonical.to_frame(tables, schema.ELECTRONIC_COLUMNS)
    log.info("read %d electronic records from %s (%d files failed)", len(records), electronic_dir,
             len(files.failed))
    return ReadResult(records, *files.frames())


def _sha256_or_error(path: Path) -> str | OSError:
    try:
        return sha256_of(path)
    except OSError as exc:
        return exc


def _read_export(
    path: Path, name: str, digest: Future[str | OSError], profiles: Sequence[ExportProfile],
    registry: OfficeRegistry, files: FileLog, tables: list[pa.Table],
) -> None:
    """Read one export into `tables`, logging it in `files`; `name`: the file's name in lineage and
    refs (`relative_name`). A file whose bytes cannot be read (no sha256) is failed as such, even
    when the parse also failed."""
    error: UnreadableFileError | LayoutError | None = None
    table = None
    if path.suffix.lower() in CSV_SUFFIXES:  # parsed while its digest is computed
        try:
            table = _read_csv(path, name, digest, profiles, registry)
        except (UnreadableFileError, LayoutError) as exc:
            error = exc
    sha256 = digest.result()
    if isinstance(sha256, OSError):
        unreadable = UnreadableFileError(f"cannot read the file: {sha256}", Location(file=name))
        files.fail(path, None, str(unreadable))
        return
    if table is None and error is None:
        try:
            tables.extend(_read_spreadsheet(path, name, sha256, profiles, registry, files))
        except (UnreadableFileError, LayoutError) as exc:
            error = exc
    if error is not None:
        files.fail(path, sha256, str(error.naming(name)))
    elif table is not None:
        files.sheet(path, sha256, None, table.num_rows, READ)
        tables.append(table)


# --- CSV -------------------------------------------------------------------------------------

def _csv_headers(path: Path, rows: Sequence[int]) -> tuple[dict[int, list[str]], str, str]:
    """Header texts (repaired) on each line number of `rows`, the encoding and the delimiter."""
    head, encoding, delimiter = textfile.head_rows(path, max(rows))
    headers = {row: repair_lines(head[row - 1]) if row <= len(head) else [] for row in rows}
    return headers, encoding, delimiter


def _unique(headers: Sequence[str]) -> list[str]:
    """Header texts made unique ("Ghi chú", "Ghi chú (2)") and non-blank ("Cột 3")."""
    seen: dict[str, int] = {}
    out = []
    for i, header in enumerate(headers):
        name = header or f"Cột {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _read_csv(
    path: Path, name: str, digest: Future[str | OSError], profiles: Sequence[ExportProfile],
    registry: OfficeRegistry,
) -> pa.Table:
    rows = sorted({p.header_row for p in profiles})
    candidates, encoding, delimiter = _csv_headers(path, rows)
    profile, header_row = choose_export_profile(
        [(row, candidates[row]) for row in rows], profiles, Location(file=name, row=rows[0])
    )
    names = _unique(candidates[header_row])
    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(
                column_names=names, skip_rows=header_row, block_size=CSV_BLOCK_SIZE,
                encoding="utf8" if encoding in (UTF8, UTF8_BOM) else encoding),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        message = str(exc)
        if "UTF8" in message or "UTF-8" in message or isinstance(exc, UnicodeDecodeError):
            message = f"not {describe(encoding)} text throughout ({message.splitlines()[0]})"
        raise UnreadableFileError(f"cannot parse the CSV: {message}", Location(file=name)) from exc
    sha256 = digest.result()
    if isinstance(sha256, OSError):
        raise UnreadableFileError(f"cannot read the file: {sha256}", Location(file=name))
    batches = table.to_batches() or [pa.RecordBatch.from_pylist([], schema=table.schema)]
    starts = np.cumsum([header_row + 1] + [b.num_rows for b in batches])

    def convert(i: int) -> pa.Table:  # Arrow kernels release the GIL: batches convert in parallel
        rows = pa.array(np.arange(starts[i], starts[i + 1], dtype=np.int64))
        return export_records(names, batches[i].columns, rows, profile, name, sha256, None, registry)

    with ThreadPoolExecutor(max_workers=min(len(batches), os.cpu_count() or 1)) as pool:
        return pa.concat_tables(list(pool.map(convert, range(len(batches)))))


# --- spreadsheet exports ---------------------------------------------------------------------

def _read_spreadsheet(
    path: Path, name: str, sha256: str, profiles: Sequence[ExportProfile], registry: OfficeRegistry,
    files: FileLog,
) -> list[pa.Table]:
    """Every sheet of an .xlsx export whose header (within the top rows) fits a profile."""
    book = open_workbook(path)
    tables: list[pa.Table] = []
    outcomes: list[tuple[str, str, str | None, int]] = []
    with closing(book), worksheets(book, name) as sheets:  # the next one parsed while one is read
        for worksheet in sheets:
            sheet, location = worksheet.name, worksheet.location
            try:
                texts = worksheet.cells().texts
                height = len(texts[0]) if texts else 0
                if not height:
                    raise LayoutError("empty sheet", location)
                depth = min(height, HEADER_SEARCH_ROWS)
                top = [repair_lines([t[r].as_py() or "" for t in texts]) for r in range(depth)]
                candidates = [(r + 1, [clean_one(h) for h in top[r]]) for r in range(depth)]
                profile, header_row = choose_export_profile(candidates, profiles, location, any_row=True)
            except UnreadableFileError as exc:
                outcomes.append((sheet, FAILED, exc.message, 0))
                continue
            except LayoutError as exc:
                outcomes.append((sheet, SKIPPED, exc.message, 0))
                continue
            headers = candidates[header_row - 1][1]
            keep = [i for i, h in enumerate(headers) if h or pc.any(texts[i][header_row:].is_valid()).as_py()]
            names = _unique([headers[i] for i in keep])
            columns = [texts[i][header_row:] for i in keep]
            rows = pa.array(np.arange(header_row + 1, height + 1, dtype=np.int64))
            table = export_records(names, columns, rows, profile, name, sha256, sheet, registry)
            tables.append(table)
            outcomes.append((sheet, READ, None, table.num_rows))
    files.workbook(path, sha256, outcomes, bool(tables), "export", Location(file=name))
    return tables


# --- canonical records -----------------------------------------------------------------------

def _non_empty_rows(columns: Sequence[pa.Array], length: int) -> pa.Array:
    """True for the rows with a non-empty cell in one of `columns` (blank CSV lines such as ",,,")."""
    filled = pc.fill_null(pa.nulls(length, pa.bool_()), False)
    for column in columns:
        filled = pc.or_(filled, pc.fill_null(pc.not_equal(column, ""), False))
    return filled


def export_records(
    headers: Sequence[str], columns: Sequence[pa.Array], source_rows: pa.Array, profile: ExportProfile,
    file_name: str, sha256: str, sheet: str | None, registry: OfficeRegistry,
) -> pa.Table:
    """Canonical electronic records from the text columns of an export (blank rows left out).

    Columns are repaired (legacy TCVN3 / VNI text, NFD) before use; `raw_values` keeps them as read.
    """
    with shared_encodings():  # columns dictionary-encoded once across the steps below
        return _export_records(headers, columns, source_rows, profile, file_name, sha256, sheet, registry)


def _export_records(
    headers: Sequence[str], columns: Sequence[pa.Array], source_rows: pa.Array, profile: ExportProfile,
    file_name: str, sha256: str, sheet: str | None, registry: OfficeRegistry,
) -> pa.Table:
    located = profile.locate(headers)
    position = {h: i for i, h in enumerate(headers)}
    mapped = [columns[position[h]] for f, h in located.items() if f != schema.SEQ]
    keep = _non_empty_rows(mapped, len(source_rows))
    if not pc.all(keep).as_py():
        columns = [pc.filter(c, keep) for c in columns]
        source_rows = pc.filter(source_rows, keep)
    n = len(source_rows)
    cell: Mapping[str, pa.Array] = {f: repair_array(columns[position[h]]) for f, h in located.items()}
    header: Mapping[str, str] = located
    out: dict[str, pa.Array] = {}
    messages: list[pa.Array] = []

    out[schema.SOURCE_FILE] = canonical.constant(file_name, n)
    out[schema.SOURCE_SHA256] = canonical.constant(sha256, n)
    out[schema.SOURCE_SHEET] = canonical.constant(sheet, n)
    out[schema.SOURCE_ROW] = source_rows
    prefix = f"{file_name}#" if sheet is None else f"{file_name}!{sheet}#"
    out[schema.REF] = pc.binary_join_element_wise(prefix, pc.cast(source_rows, pa.string()), "")

    def raw(field: str) -> pa.Array:
        return canonical.raw_text(cell[field]) if field in cell else canonical.nulls(field, n)

    as_read = canonical.raw_text(columns[position[located[schema.DOSSIER_CODE]]]) \
        if schema.DOSSIER_CODE in located else canonical.nulls(schema.DOSSIER_CODE_RAW, n)
    out[schema.DOSSIER_CODE_RAW] = as_read
    out[schema.DOSSIER_CODE] = canonical.dossier_codes(raw(schema.DOSSIER_CODE))
    for field in (schema.PROCEDURE_NAME, schema.FIELD, schema.APPLICANT_NAME):
        out[field] = clean_text(cell[field]) if field in cell else canonical.nulls(field, n)
    dates = ((schema.RECEIVED_AT, False), (schema.DUE_DATE, True), (schema.RETURNED_DATE, True))
    for field, midnight in dates:
        if field in cell:
            out[field], message = canonical.datetimes(cell[field], header[field], midnight=midnight,
                                                      formats=profile.date_formats)
            messages.append(message)
        else:
            out[field] = canonical.nulls(field, n)
    out[schema.STATUS_RAW] = raw(schema.STATUS)
    for field in (schema.STATUS, schema.STATED_TIMELINESS, schema.CHANNEL):
        if field in cell:
            out[field], message = canonical.vocabulary(cell[field], profile.vocabularies.get(field, {}),
                                                       header[field])
            messages.append(message)
        else:
            out[field] = canonical.nulls(field, n)
    if schema.STATED_TIMELINESS not in cell:
        out[schema.STATED_TIMELINESS] = canonical.timeliness_from_dates(
            out[schema.RETURNED_DATE], out[schema.DUE_DATE])

    out[schema.OFFICE_RAW] = raw(schema.OFFICE_RAW)
    if schema.OFFICE_RAW in cell:
        names, source = out[schema.OFFICE_RAW], header[schema.OFFICE_RAW]
    else:
        names, source = canonical.constant(office_from_file_name(file_name), n), FILE_NAME_SOURCE
    units, office_message = canonical.resolve_offices(names, registry, source)
    out.update(units)
    messages.append(office_message)

    out[schema.RAW_VALUES] = json_objects(headers, columns, n)
    out[schema.PARSE_ERRORS] = join_messages(messages, n)
    return pa.table({c: out[c] for c in schema.ELECTRONIC_COLUMNS})
