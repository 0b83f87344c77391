"""Paper ledgers (form Mẫu số 06 typed into Excel) → canonical paper records (schema.PAPER_COLUMNS).

Ledgers come as .xlsx / .xlsm / .xls / .xlsb / .ods workbooks (all read by calamine) or as CSV.
Per workbook: every worksheet is rendered to text (cells.py; the next sheet is parsed meanwhile,
workbook.worksheets), legacy TCVN3 / VNI text repaired per column and cell (legacy.py), its layout
located (ledger_layout.py) and its data rows turned into canonical columns with Arrow kernels
(canonical.py; `raw_values` on a second thread, jsonrows.py). A sheet without
a ledger header is skipped; a workbook without any ledger sheet, or that cannot be opened, is
recorded as failed and the run goes on. Bad cells never drop a row: they become NA plus a message
in `parse_errors`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from doisoat import schema
from doisoat.errors import ConfigError, LayoutError, Location, UnreadableFileError
from doisoat.sources import canonical, textfile
from doisoat.sources.dates import parse_datetimes, to_dates
from doisoat.sources.discovery import find_files, sha256_of, warn_duplicate_names
from doisoat.sources.jsonrows import json_objects
from doisoat.sources.ledger_layout import LedgerColumn, LedgerLayout, locate_ledger
from doisoat.sources.legacy import repair_columns
from doisoat.sources.offices import OfficeRegistry, office_from_file_name
from doisoat.sources.problems import cell_message, join_messages
from doisoat.sources.profiles import RETURN_COLUMNS, LedgerProfile, ledger_profile
from doisoat.sources.result import FAILED, READ, SKIPPED, FileLog, ReadResult
from doisoat.sources.text import clean_columns, clean_text, fold_text, shared_encodings, take_text
from doisoat.sources.workbook import open_workbook, worksheets

log = logging.getLogger(__name__)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv",)
LEDGER_SUFFIXES = WORKBOOK_SUFFIXES + CSV_SUFFIXES
# Where the office name came from, as named in parse_errors.
TITLE_SOURCE = "Tiêu đề sổ"
FILE_NAME_SOURCE = "Tên tệp"
RETURN_GROUP = "Trả kết quả"
_TEXT_FIELDS = (schema.PROCEDURE_NAME, schema.APPLICANT_NAME, schema.APPLICANT_CONTACT,
                schema.HANDLING_AGENCY, schema.NOTE)


def read_paper_ledgers(paper_dir: Path, offices: OfficeRegistry | None = None) -> ReadResult:
    """Every ledger workbook under `paper_dir` (recursive, sorted) as canonical paper records; a
    file is named (lineage, refs, files log) by its path relative to `paper_dir`: "T1.xlsx",
    "a/T1.xlsx"."""
    paper_dir = Path(paper_dir)
    if not paper_dir.is_dir():
        raise ConfigError(f"{paper_dir}: not a directory")
    registry = offices if offices is not None else OfficeRegistry()
    profile = ledger_profile()
    files = FileLog(root=paper_dir)
    tables: list[pa.Table] = []
    paths = find_files(paper_dir, LEDGER_SUFFIXES)
    warn_duplicate_names(paths, paper_dir)
    for path in paths:
        tables.extend(_read_workbook(path, files.name_of(path), profile, registry, files))
    records = canonical.to_frame(tables, schema.PAPER_COLUMNS)
    log.info("read %d paper records from %s (%d files failed)", len(records), paper_dir, len(files.failed))
    return ReadResult(records, *files.frames())


def _read_workbook(
    path: Path, name: str, profile: LedgerProfile, registry: OfficeRegistry, files: FileLog
) -> list[pa.Table]:
    """The ledger sheets of one file; `name`: the file's name in lineage and refs (`relative_name`)."""
    location = Location(file=name)
    try:
        sha256 = sha256_of(path)
    except OSError as exc:
        files.fail(path, None, str(UnreadableFileError(f"cannot read the file: {exc}", location)))
        return []
    if path.suffix.lower() in CSV_SUFFIXES:
        return _read_csv_ledger(path, name, sha256, profile, registry, files)
    try:
        book = open_workbook(path)
    except UnreadableFileError as exc:
        files.fail(path, sha256, str(exc.naming(name)))
        return []
    tables: list[pa.Table] = []
    outcomes: list[tuple[str, str, str | None, int]] = []  # sheet, status, reason, rows
    with closing(book), worksheets(book, name) as sheets:  # the next one parsed while one is worked on
        for worksheet in sheets:
            sheet, sheet_location = worksheet.name, worksheet.location
            try:
                raw, stamps = worksheet.cells()  # text columns, date instants
                texts = repair_columns(raw)  # TCVN3 / VNI / NFD → Unicode NFC
                layout = locate_ledger(texts, profile, sheet_location)
            except UnreadableFileError as exc:
                outcomes.append((sheet, FAILED, exc.message, 0))
                continue
            except LayoutError as exc:
                outcomes.append((sheet, SKIPPED, exc.message, 0))
                continue
            table = sheet_records(texts, layout, name, sha256, sheet, registry, profile, raw, stamps)
            tables.append(table)
            outcomes.append((sheet, READ, None, table.num_rows))
    files.workbook(path, sha256, outcomes, bool(tables), "ledger", location)
    return tables


def _read_csv_ledger(
    path: Path, name: str, sha256: str, profile: LedgerProfile, registry: OfficeRegistry, files: FileLog
) -> list[pa.Table]:
    """A ledger typed as CSV: one sheet, no sheet name (refs "<file>#<row>")."""
    location = Location(file=name)
    try:
        raw = textfile.read_grid(path)
        texts = repair_columns(raw)
        layout = locate_ledger(texts, profile, location)
    except UnreadableFileError as exc:
        files.fail(path, sha256, str(exc.naming(name)))
        return []
    except LayoutError as exc:
        files.fail(path, sha256, str(LayoutError(f"not a ledger: {exc.message}", location)))
        return []
    table = sheet_records(texts, layout, name, sha256, None, registry, profile, raw)
    files.sheet(path, sha256, None, table.num_rows, READ)
    return [table]


def _record_rows(data: Mapping[int, pa.Array], layout: LedgerLayout) -> pa.Array:
    """Positions (within the data rows) of the rows holding something besides the STT."""
    filled = np.zeros(layout.end_row - layout.first_data_row, bool)
    fields = [data[c.index] for c in layout.columns if c.field is not None and c.field != schema.SEQ]
    for cleaned in clean_columns(fields):  # cleaned together, remembered for the steps after
        filled |= np.asarray(cleaned.is_valid())
    return pa.array(np.flatnonzero(filled).astype(np.uint64))


def sheet_records(
    texts: Sequence[pa.Array], layout: LedgerLayout, file_name: str, sha256: str, sheet: str | None,
    registry: OfficeRegistry, profile: LedgerProfile, raw_texts: Sequence[pa.Array] | None = None,
    stamps: Mapping[int, pa.Array] | None = None,
) -> pa.Table:
    """The canonical records of one ledger sheet (office included) as an Arrow table.

    `texts` are the repaired cell texts, `raw_texts` the cells as read (default: `texts`), kept in
    `raw_values` and `dossier_code_raw`; `stamps` the instants of typed date cells by column
    (cells.render_rows). A CSV ledger has no sheet: its refs are "<file>#<row>".
    """
    with shared_encodings():  # columns dictionary-encoded once across the steps below
        return _sheet_records(texts, layout, file_name, sha256, sheet, registry, profile, raw_texts,
                              stamps or {})


def _sheet_records(
    texts: Sequence[pa.Array], layout: LedgerLayout, file_name: str, sha256: str, sheet: str | None,
    registry: OfficeRegistry, profile: LedgerProfile, raw_texts: Sequence[pa.Array] | None,
    stamps: Mapping[int, pa.Array],
) -> pa.Table:
    start, end = layout.first_data_row, layout.end_row
    as_read = raw_texts if raw_texts is not None else texts
    data = {c.index: texts[c.index][start:end] for c in layout.columns}  # zero-copy slices, made once
    raw_data = {c.index: data[c.index] if as_read[c.index] is texts[c.index] else as_read[c.index][start:end]
                for c in layout.columns}
    with ThreadPoolExecutor(max_workers=1) as pool:  # Arrow kernels release the GIL: raw_values of the
        raw_values = pool.submit(_raw_values, layout, raw_data, end - start)  # data rows on another core
        rows = _record_rows(data, layout)  # while the record rows and the canonical columns are found
        n = len(rows)
        if n == end - start:  # no blank row between the header and the footer: the slices are the rows
            cells, raw_cells = data, raw_data
        else:
            cells = {i: take_text(column, rows) for i, column in data.items()}  # cleaned text too
            raw_cells = {i: cells[i] if raw_data[i] is data[i] else pc.take(column, rows)
                         for i, column in raw_data.items()}
            raw_values = pool.submit(_taken, raw_values, rows)  # after it, on the same thread
        typed = {i: column[start:end] if n == end - start else pc.take(column[start:end], rows)
                 for i, column in stamps.items() if i in data}
        rows = pc.add(pc.cast(rows, pa.int64()), start)
        return _canonical(cells, typed, layout, rows, file_name, sha256, sheet, registry, profile,
                          raw_cells, raw_values)


def _taken(values: Future[pa.Array], rows: pa.Array) -> pa.Array:
    return pc.take(values.result(), rows)


def _raw_values(layout: LedgerLayout, raw_data: Mapping[int, pa.Array], length: int) -> pa.Array:
    """`raw_values` of the data rows: each row's cells as read, as a JSON object keyed by header."""
    return json_objects([c.header for c in layout.columns],
                        [canonical.raw_text(raw_data[c.index]) for c in layout.columns], length)


def _canonical(
    cells: Mapping[int, pa.Array], typed: Mapping[int, pa.Array], layout: LedgerLayout, rows: pa.Array,
    file_name: str, sha256: str, sheet: str | None, registry: OfficeRegistry, profile: LedgerProfile,
    raw_cells: Mapping[int, pa.Array], raw_values: Future[pa.Array],
) -> pa.Table:
    """The canonical columns of the record rows (`rows`: grid positions; `typed`: instants of
    date cells by column), `raw_values` joined in."""
    n = len(rows)
    by_field = layout.fields()

    def first(field: str) -> LedgerColumn | None:
        found = by_field.get(field)
        return found[0] if found else None

    out: dict[str, pa.Array] = {}
    messages: list[pa.Array] = []
    excel_row = pc.add(pc.cast(rows, pa.int64()), 1)
    out[schema.SOURCE_FILE] = canonical.constant(file_name, n)
    out[schema.SOURCE_SHA256] = canonical.constant(sha256, n)
    out[schema.SOURCE_SHEET] = canonical.constant(sheet, n)
    out[schema.SOURCE_ROW] = excel_row
    prefix = f"{file_name}#" if sheet is None else f"{file_name}!{sheet}!"
    out[schema.REF] = pc.binary_join_element_wise(prefix, pc.cast(excel_row, pa.string()), "")

    seq = first(schema.SEQ)
    out[schema.SEQ] = clean_text(cells[seq.index]) if seq else canonical.nulls(schema.SEQ, n)
    code = first(schema.DOSSIER_CODE)
    raw_code = canonical.raw_text(raw_cells[code.index]) if code \
        else canonical.nulls(schema.DOSSIER_CODE_RAW, n)
    out[schema.DOSSIER_CODE_RAW] = raw_code
    out[schema.DOSSIER_CODE] = canonical.dossier_codes(canonical.raw_text(cells[code.index])) if code \
        else canonical.nulls(schema.DOSSIER_CODE, n)
    for field in _TEXT_FIELDS:
        out[field] = canonical.joined_text([cells[c.index] for c in by_field.get(field, [])], n)

    quantity = first(schema.QUANTITY)
    if quantity:
        out[schema.QUANTITY], message = canonical.quantities(cells[quantity.index], quantity.header)
        messages.append(message)
    else:
        out[schema.QUANTITY] = canonical.nulls(schema.QUANTITY, n)
    dates = ((schema.RECEIVED_AT, False), (schema.DUE_DATE, True), (schema.TRANSFERRED_DATE, True))
    for field, midnight in dates:
        column = first(field)
        if column:
            out[field], message = canonical.datetimes(cells[column.index], column.header, midnight=midnight,
                                                      typed=typed.get(column.index))
            messages.append(message)
        else:
            out[field] = canonical.nulls(field, n)
    returned, stated, marks, return_messages = _returns(cells, typed, by_field, n, profile)
    out[schema.RETURNED_DATE], out[schema.STATED_TIMELINESS] = returned, stated
    out[schema.RETURN_MARKS] = marks
    messages.extend(return_messages)

    if layout.office_title:
        office_text, office_source = layout.office_title, TITLE_SOURCE
    else:
        office_text, office_source = office_from_file_name(file_name), FILE_NAME_SOURCE
    # one office per sheet (resolved once per run): its unit columns and message on every row
    units, office_message = canonical.resolve_office(office_text, registry, office_source)
    out.update({c: canonical.constant(value, n) for c, value in units.items()})
    messages.append(canonical.constant(office_message, n))

    out[schema.RAW_VALUES] = raw_values.result()
    out[schema.PARSE_ERRORS] = join_messages(messages, n)
    return pa.table({c: out[c] for c in schema.PAPER_COLUMNS})


def _returns(
    cells: Mapping[int, pa.Array], typed: Mapping[int, pa.Array], by_field: Mapping[str, list[LedgerColumn]],
    n: int, profile: LedgerProfile,
) -> tuple[pa.Array, pa.Array, pa.Array, list[pa.Array]]:
    """returned_date, stated_timeliness, return_marks and messages.

    With Trước hạn / Đúng hạn / Quá hạn columns: the date comes from the first of them holding a
    date (else the first holding a tick mark), the timeliness from that column, the marks count the
    filled ones. With a single return-date column: its date, no stated timeliness, marks 0/1.
    """
    split = [(by_field[f][0], timeliness) for f, timeliness in RETURN_COLUMNS.items() if f in by_field]
    single = by_field.get(schema.RETURNED_DATE)
    if not split:
        if not single:
            return (canonical.nulls(schema.RETURNED_DATE, n), canonical.nulls(schema.STATED_TIMELINESS, n),
                    canonical.nulls(schema.RETURN_MARKS, n), [])
        dates, message = canonical.datetimes(cells[single[0].index], single[0].header, midnight=True,
                                             typed=typed.get(single[0].index))
        marks = pc.cast(clean_text(cells[single[0].index]).is_valid(), pa.int64())
        return dates, canonical.nulls(schema.STATED_TIMELINESS, n), marks, [message]

    ticks = pa.array(sorted(profile.tick_marks), pa.string())
    filled, dated, messages = [], [], []
    for column, _ in split:
        text = clean_text(cells[column.index])
        dates = to_dates(parse_datetimes(text, typed=typed.get(column.index)))
        is_filled = np.asarray(pc.fill_null(text.is_valid(), False))
        has_date = np.asarray(pc.fill_null(dates.is_valid(), False))
        undated = is_filled & ~has_date  # a tick mark, or not a date
        if undated.any():
            rows = pa.array(np.flatnonzero(undated))
            tick = pc.fill_null(pc.is_in(fold_text(pc.take(text, rows)), value_set=ticks), False)
            undated[undated] = ~np.asarray(tick)
        messages.append(cell_message(pa.array(undated), column.header, canonical.NOT_A_DATE, text))
        filled.append(is_filled)
        dated.append(dates)
    # per row, the column giving the timeliness: the first holding a date, else the first filled
    chosen = np.full(n, -1, np.int8)
    for i in reversed(range(len(split))):
        chosen[filled[i]] = i
    for i in reversed(range(len(split))):
        chosen[np.asarray(pc.fill_null(dated[i].is_valid(), False))] = i
    chosen_column = pa.array(chosen, mask=chosen < 0)
    stated = pc.take(pa.array([timeliness for _, timeliness in split], pa.string()), chosen_column)
    counts = np.sum(filled, axis=0, dtype=np.int64)
    several = counts > 1
    if several.any():
        names = " / ".join(column.header for column, _ in split)
        kept = pc.take(pa.array([column.header for column, _ in split], pa.string()),
                       pa.array(chosen[several]))
        note = pc.binary_join_element_wise(f"{RETURN_GROUP}: more than one of {names} filled; kept ", kept,
                                           "")
        messages.append(pc.replace_with_mask(pa.nulls(n, pa.string()), pa.array(several), note))
    return pc.coalesce(*dated), stated, pa.array(counts), messages
