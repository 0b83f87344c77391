"""Builders shared by the paper and electronic readers: canonical columns from text cells (Arrow),
each returning its values and, where a cell can be wrong, the per-row parse messages."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from doisoat import schema
from doisoat.sources.dates import DEFAULT_FORMATS, TIMESTAMP, parse_datetimes, to_dates
from doisoat.sources.offices import OfficeRegistry
from doisoat.sources.problems import cell_message, no_messages
from doisoat.sources.text import as_text_array, clean_text, distinct_form, match_key, per_distinct

# Arrow type of every canonical column that is not text.
ARROW_TYPES: Mapping[str, pa.DataType] = {
    schema.SOURCE_ROW: pa.int64(),
    schema.RECEIVED_AT: TIMESTAMP, schema.DUE_DATE: TIMESTAMP, schema.TRANSFERRED_DATE: TIMESTAMP,
    schema.RETURNED_DATE: TIMESTAMP,
    schema.QUANTITY: pa.int64(), schema.RETURN_MARKS: pa.int64(),
}
# pandas dtype of the non-text columns that may hold NA integers.
NULLABLE_INTEGERS = (schema.QUANTITY, schema.RETURN_MARKS)

NOT_A_DATE = "not a date"
NOT_A_NUMBER = "not a number"
UNKNOWN_VALUE = "unknown value"
UNKNOWN_OFFICE = "not in the office registry"

_QUANTITY = r"(?i)^\s*(?P<n>\d{1,9})\s*(?:bộ|bo)?\s*$"  # 10+ digits: a typo, not a count


def arrow_type(column: str) -> pa.DataType:
    """Arrow type of a canonical column."""
    return ARROW_TYPES.get(column, pa.string())


def nulls(column: str, length: int) -> pa.Array:
    """An all-null column."""
    return pa.nulls(length, arrow_type(column))


def constant(value: str | None, length: int) -> pa.Array:
    """A text column holding one value."""
    if value is None:
        return pa.nulls(length, pa.string())
    data = value.encode("utf-8")  # built from buffers: pa.repeat goes through a slow generic path
    offsets = np.arange(length + 1, dtype=np.int64) * len(data)
    if offsets[-1] >= 2**31:
        return pa.repeat(pa.scalar(value, pa.string()), length)
    return pa.StringArray.from_buffers(length, pa.py_buffer(offsets.astype(np.int32)),
                                       pa.py_buffer(np.tile(np.frombuffer(data, np.uint8), length)))


def raw_text(cells: pa.Array) -> pa.Array:
    """Cell text as read, null when empty."""
    cells = as_text_array(cells)
    empty = pc.equal(cells, "")
    return pc.if_else(empty, pa.scalar(None, pa.string()), cells) if pc.any(empty).as_py() else cells


def joined_text(columns: Sequence[pa.Array], length: int, separator: str = ", ") -> pa.Array:
    """Cleaned text of one or more columns (e.g. separate address and phone columns), joined."""
    if len(columns) == 1:
        return clean_text(columns[0])
    joined = pa.nulls(length, pa.string())
    for column in columns:
        text = clean_text(column)
        joined = pc.coalesce(pc.binary_join_element_wise(joined, text, separator), joined, text)
    return joined


def dossier_codes(raw: pa.Array) -> pa.Array:
    """Codes trimmed, inner whitespace removed, upper-cased; null when blank."""
    code = clean_text(raw)  # NFC, spaces collapsed and trimmed: at most single inner spaces remain
    has_space = pc.fill_null(pc.match_substring(code, " "), False)
    if pc.any(has_space).as_py():
        squeezed = pc.replace_substring(pc.filter(code, has_space), " ", "")
        code = pc.replace_with_mask(code, has_space, squeezed)
    return pc.ascii_upper(code) if pc.all(pc.string_is_ascii(code)).as_py() else pc.utf8_upper(code)


def datetimes(
    cells: pa.Array, header: str, *, midnight: bool, formats: Sequence[str] = DEFAULT_FORMATS,
    typed: pa.Array | None = None,
) -> tuple[pa.Array, pa.Array]:
    """Parsed timestamps (truncated to the day when `midnight`) and "not a date" messages
    (`typed`: the instants of typed date cells, see `parse_datetimes`)."""
    text = as_text_array(cells)
    parsed = parse_datetimes(text, formats or DEFAULT_FORMATS, typed)
    bad = pc.and_(parsed.is_null(), text.is_valid())
    if pc.any(bad).as_py():  # blank cells ("  ") are not bad
        bad = pc.and_(bad, clean_text(text).is_valid())
    return (to_dates(parsed) if midnight else parsed), cell_message(bad, header, NOT_A_DATE, text)


def quantities(cells: pa.Array, header: str) -> tuple[pa.Array, pa.Array]:
    """Whole numbers ("2", "2 bộ"), "not a number" messages for the rest."""
    text = clean_text(cells)
    number = per_distinct(_quantity_numbers, text)
    bad = pc.and_(text.is_valid(), number.is_null())
    return number, cell_message(bad, header, NOT_A_NUMBER, text)


def _quantity_numbers(text: pa.Array) -> pa.Array:
    digits = pc.struct_field(pc.extract_regex(text, _QUANTITY), [0])
    return pc.cast(pc.if_else(pc.equal(digits, ""), None, digits), pa.int64())


def vocabulary(cells: pa.Array, table: Mapping[str, str], header: str) -> tuple[pa.Array, pa.Array]:
    """Canonical values from a folded-text vocabulary; "unknown value" messages for the rest."""
    text = as_text_array(cells)
    found = distinct_form(text)
    if found is None:
        encoded = pc.dictionary_encode(text)
        found = encoded.dictionary, encoded.indices
    distinct, indices = found
    keys = match_key(distinct).to_pylist()
    mapped = pa.array([table.get(k) if k else None for k in keys], pa.string())  # once per distinct value
    unknown = pa.array([bool(k) and k not in table for k in keys], pa.bool_())
    values = pc.take(mapped, indices)
    bad = pc.take(unknown, indices)
    return values, cell_message(bad, header, UNKNOWN_VALUE, cells)


def timeliness_from_dates(returned: pa.Array, due: pa.Array) -> pa.Array:
    """early / on_time / late by comparing return and due dates; null when either is missing."""
    late = pc.greater(returned, due)
    on_time = pc.equal(returned, due)
    return pc.if_else(late, schema.LATE, pc.if_else(on_time, schema.ON_TIME, schema.EARLY))


def resolve_offices(
    names: pa.Array, registry: OfficeRegistry, source: str
) -> tuple[dict[str, pa.Array], pa.Array]:
    """unit_code / unit_name / level for each office name, and messages where a non-empty registry
    lacks the name (`source` names where the office was read)."""
    distinct = pc.unique(names).drop_null()
    lookup = pd.Series(distinct.to_pylist(), dtype=object)
    units = registry.resolve(lookup)
    index = pc.index_in(names, value_set=distinct)
    columns = {
        c: pc.take(pa.array(units[c].to_numpy(dtype=object), pa.string(), from_pandas=True), index)
        for c in (schema.UNIT_CODE, schema.UNIT_NAME, schema.LEVEL)
    }
    if not len(registry):
        return columns, no_messages(len(names))
    unknown = pc.take(pa.array(~registry.known(lookup).to_numpy(dtype=bool)), index)
    return columns, cell_message(unknown, source, UNKNOWN_OFFICE, names)


_Office = tuple[dict[str, str | None], str | None]
_OFFICES: weakref.WeakKeyDictionary[OfficeRegistry, dict[tuple[str | None, str], _Office]] = \
    weakref.WeakKeyDictionary()


def resolve_office(name: str | None, registry: OfficeRegistry, source: str) -> _Office:
    """`resolve_offices` of one name (a sheet's office): its unit columns' values and message,
    remembered per registry, so a run's many sheets of the same office resolve it once."""
    known = _OFFICES.setdefault(registry, {})
    key = (name, source)
    if key not in known:
        units, message = resolve_offices(pa.array([name], pa.string()), registry, source)
        known[key] = ({c: column[0].as_py() for c, column in units.items()}, message[0].as_py())
    return known[key]


def to_frame(tables: Sequence[pa.Table], columns: Sequence[str]) -> pd.DataFrame:
    """One pandas frame with exactly `columns`: text as str, timestamps as datetime64[us],
    counts as Int64."""
    # large_string: the storage of pandas' str arrays, so to_pandas() converts without copying
    arrow_schema = pa.schema([(c, pa.large_string() if arrow_type(c) == pa.string() else arrow_type(c))
                              for c in columns])
    table = pa.concat_tables([t.select(list(columns)).cast(arrow_schema) for t in tables]) if tables \
        else arrow_schema.empty_table()
    frame = table.to_pandas()
    for column in NULLABLE_INTEGERS:
        if column in frame.columns:
            frame[column] = frame[column].astype("Int64")
    for column in columns:
        if arrow_type(column) == pa.string():
            frame[column] = frame[column].astype("str")
    return frame

