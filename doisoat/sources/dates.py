"""Day-first date and time parsing of text cells, vectorised with Arrow.

Two passes. The fast pass tries strict formats with Arrow's `strptime` (C++, millions of rows per
second); Arrow rolls impossible days over (31/02 → 03/03) and reads "19" as year 19, so rows it
may have got wrong are handed to the lenient pass. The lenient pass extracts day, month, year and
time of day with regular expressions ("08:30 05/01/2019", "8 giờ 30, 05/01/2019",
"05/01/2019 08:30", "5-1-19", ISO dates, Excel serial numbers typed as text), rebuilds an ISO
string, parses it and checks that day and month survived (so "31/02/2019" is rejected).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from doisoat.sources.text import as_text_array, clean_text, per_distinct
from doisoat.sources.timeformat import strftime

UNIT = "us"
TIMESTAMP = pa.timestamp(UNIT)

# Strict formats tried first, in order (day first, always).
DEFAULT_FORMATS: tuple[str, ...] = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")

# Plausible years; anything else is a typo ("19" read as year 19, "20019").
MIN_YEAR, MAX_YEAR = 1900, 2199

_HOUR_MARK = r"(?:giờ|gio|h|g|:)"
_MINUTE_MARK = r"(?:phút|phut|p|')?"


def _time(n: int) -> str:
    return (
        rf"(?P<hour{n}>\d{{1,2}})\s*{_HOUR_MARK}\s*(?P<minute{n}>\d{{1,2}})?\s*{_MINUTE_MARK}"
        rf"(?:\s*:\s*(?P<second{n}>\d{{1,2}}))?"
    )


_DMY = r"(?P<day>\d{1,2})\s*[/.\-]\s*(?P<month>\d{1,2})\s*[/.\-]\s*(?P<year>\d{4}|\d{2})"
_YMD = r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
_SEP = r"\s*[,;\-]?\s*"
# Optional time before or after the date, optional words ("ngày", "lúc") around them.
_LENIENT_DMY = rf"(?i)^\D*?(?:{_time(1)}{_SEP}(?:ngày\s*)?)?{_DMY}(?:{_SEP}(?:lúc\s*)?{_time(2)})?\s*$"
_LENIENT_ISO = rf"(?i)^\s*{_YMD}(?:[T\s]+{_time(2)})?\s*$"
_SERIAL = r"^\s*(?P<days>[2-7]\d{4})(?:\.\d+)?\s*$"  # Excel 1900 serials of years 1954-2118
# Excel's day 0 (1900 date system, leap-year bug included), in microseconds since 1970-01-01.
_EXCEL_EPOCH_US = int((dt.datetime(1899, 12, 30) - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000


def parse_datetimes(
    values: pa.Array | pa.ChunkedArray, formats: Sequence[str] = DEFAULT_FORMATS,
    typed: pa.Array | None = None,
) -> pa.Array:
    """Timestamps (microseconds, naive) parsed day-first from text; null where blank or not a date.

    Columns with few distinct values (dates without time) are parsed once per distinct value.
    `typed` holds the instants of the cells that were spreadsheet dates (null elsewhere; whole
    seconds, rendered as dd/mm/yyyy[ HH:MM:SS] in `values`): those within the plausible years are
    taken as they are, which is what parsing their text gives.
    """
    text = as_text_array(values)
    if typed is None or typed.null_count == len(typed):
        return per_distinct(lambda column: _parse(column, formats), text)
    year = pc.year(typed)
    known = pc.if_else(pc.and_(pc.greater_equal(year, MIN_YEAR), pc.less_equal(year, MAX_YEAR)),
                       typed.cast(TIMESTAMP), pa.scalar(None, TIMESTAMP))
    rest = pc.and_kleene(text.is_valid(), known.is_null())
    if not pc.any(rest).as_py():
        return known
    parsed = per_distinct(lambda column: _parse(column, formats), pc.filter(text, rest))
    return pc.replace_with_mask(known, rest, parsed)


def _parse(text: pa.Array, formats: Sequence[str]) -> pa.Array:
    result = pa.nulls(len(text), TIMESTAMP)
    todo = text.is_valid()
    for fmt in formats:
        if not pc.any(todo).as_py():
            break
        parsed = pc.strptime(text, format=fmt, unit=UNIT, error_is_null=True)
        if parsed.null_count == len(parsed):  # no cell in this format (text dates in other forms)
            continue
        parsed = _drop_doubtful(parsed, text, fmt)
        result = pc.coalesce(result, parsed)
        todo = pc.and_(todo, parsed.is_null())
    if pc.any(todo).as_py():
        result = _lenient(text, todo, result)
    return result


def _drop_doubtful(parsed: pa.Array, text: pa.Array, fmt: str) -> pa.Array:
    """`parsed` without the strict parses that may be wrong: a year out of range ("19" read as year
    19), or a day ≤ 3 that does not print back as written (Arrow turns 31/02 into 03/03). Those rows
    go to the lenient parser, which checks them properly."""
    year = pc.year(parsed)
    doubtful = pc.or_(pc.less_equal(pc.day(parsed), 3),
                      pc.or_(pc.less(year, MIN_YEAR), pc.greater(year, MAX_YEAR)))
    doubtful = pc.fill_null(doubtful, False)
    if not pc.any(doubtful).as_py():
        return parsed
    sub_parsed, sub_text = pc.filter(parsed, doubtful), pc.filter(text, doubtful)
    sub_year = pc.year(sub_parsed)
    ok = pc.and_(
        # cast to seconds: Arrow prints fractional seconds for %S at finer units
        pc.equal(strftime(pc.cast(sub_parsed, pa.timestamp("s")), fmt),
                 pc.utf8_trim_whitespace(sub_text)),
        pc.and_(pc.greater_equal(sub_year, MIN_YEAR), pc.less_equal(sub_year, MAX_YEAR)),
    )
    return pc.replace_with_mask(parsed, doubtful, pc.if_else(ok, sub_parsed, None))


def _lenient(text: pa.Array, todo: pa.Array, result: pa.Array) -> pa.Array:
    """Fill `result` where `todo` from the regex-based parsers (on cleaned text)."""
    sub = clean_text(pc.filter(text, todo))
    parsed = _from_components(sub, _LENIENT_DMY)
    # The other parsers (ISO dates, serial numbers) need a cell starting with a digit (cleaned text
    # is trimmed): skipped, with their regex compiles, when no unread cell does (tick marks, words).
    rest = pc.and_(parsed.is_null(), sub.is_valid())
    if pc.any(rest).as_py() and \
            pc.any(pc.and_(rest, pc.utf8_is_digit(pc.utf8_slice_codeunits(sub, 0, 1)))).as_py():
        if pc.any(pc.and_(rest, pc.match_substring(sub, "-"))).as_py():  # ISO dates ("2019-01-05")
            parsed = pc.coalesce(parsed, _from_components(sub, _LENIENT_ISO))
        parsed = pc.coalesce(parsed, _from_serial(sub))
    return pc.replace_with_mask(result, todo, pc.coalesce(pc.filter(result, todo), parsed))


def _component(parts: pa.StructArray, name: str, default: str | None) -> pa.Array:
    values = pc.struct_field(parts, name)
    values = pc.if_else(pc.equal(values, ""), None, values)
    return values if default is None else pc.fill_null(values, default)


def _from_components(text: pa.Array, pattern: str) -> pa.Array:
    parts = pc.extract_regex(text, pattern)
    names = [parts.type.field(i).name for i in range(parts.type.num_fields)]
    day = _component(parts, "day", None)
    month = _component(parts, "month", None)
    year = _component(parts, "year", None)
    year = pc.if_else(pc.equal(pc.utf8_length(year), 2), pc.binary_join_element_wise("20", year, ""), year)

    def time_part(stem: str) -> pa.Array:
        columns = [_component(parts, f"{stem}{n}", None) for n in (1, 2) if f"{stem}{n}" in names]
        return pc.utf8_lpad(pc.coalesce(*columns, "0"), width=2, padding="0")

    iso = pc.binary_join_element_wise(
        year, "-", pc.utf8_lpad(month, 2, "0"), "-", pc.utf8_lpad(day, 2, "0"), " ",
        time_part("hour"), ":", time_part("minute"), ":", time_part("second"), "",
    )
    parsed = pc.strptime(iso, format="%Y-%m-%d %H:%M:%S", unit=UNIT, error_is_null=True)
    same_day = pc.equal(pc.day(parsed), pc.cast(day, pa.int64()))
    same_month = pc.equal(pc.month(parsed), pc.cast(month, pa.int64()))
    year_number = pc.cast(year, pa.int64())
    sane_year = pc.and_(pc.greater_equal(year_number, MIN_YEAR), pc.less_equal(year_number, MAX_YEAR))
    valid = pc.fill_null(pc.and_(pc.and_(same_day, same_month), sane_year), False)
    return pc.if_else(valid, parsed, None)


def _from_serial(text: pa.Array) -> pa.Array:
    """Excel serial day numbers typed or exported as text ("43470.5")."""
    matched = pc.match_substring_regex(text, _SERIAL)
    number = pc.cast(pc.if_else(matched, pc.utf8_trim_whitespace(text), None), pa.float64())
    micros = pc.cast(pc.round(pc.multiply(number, 86_400_000_000.0)), pa.int64())
    return pc.cast(pc.add(micros, _EXCEL_EPOCH_US), TIMESTAMP)


def to_dates(timestamps: pa.Array) -> pa.Array:
    """Timestamps truncated to midnight."""
    return pc.floor_temporal(timestamps, unit="day")
