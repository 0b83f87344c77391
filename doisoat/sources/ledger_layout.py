"""Where the ledger is on a sheet: title lines, header rows, numbering row, data rows, footer.

The header is the first row (within the top `header_search_rows`) whose cells name the required
fields, together with the rows right below it that hold only header texts (the "Trước hạn / Đúng
hạn / Quá hạn" row under a merged "Trả kết quả"): for each column the lowest header cell that names
a field wins. Merged cells read as their top-left value, so a group header names only its first
column and the sub-header row decides. A row of column numbers ("(1)", "(2)"…) right after the
header (empty rows between them aside: the second row of a two-row header all merged from above)
is skipped; the data end at the first footer row ("Tổng cộng…", "NGƯỜI LẬP SỔ", "(Ký, ghi rõ họ
tên)", "…, ngày … tháng … năm …").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import pyarrow as pa
import pyarrow.compute as pc

from doisoat.errors import LayoutError, Location
from doisoat.sources.headers import IGNORE, HeaderTable
from doisoat.sources.profiles import LedgerProfile
from doisoat.sources.text import clean_one, fold_one, fold_text, match_key

log = logging.getLogger(__name__)

MAX_HEADER_ROWS = 3
_NUMBERING = re.compile(r"^\(?\s*(\d{1,2}|[A-Za-z])\s*\)?$")


@dataclass(frozen=True)
class LedgerColumn:
    """One sheet column: position (0-based), header text as shown, canonical field or None."""

    index: int
    header: str
    field: str | None


@dataclass(frozen=True)
class LedgerLayout:
    """Rows are 0-based grid positions (Excel row = position + 1)."""

    columns: tuple[LedgerColumn, ...]
    header_rows: tuple[int, ...]
    first_data_row: int
    end_row: int  # exclusive: the footer row, or the end of the sheet
    office_title: str | None  # the last "ỦY BAN NHÂN DÂN …" / "UBND …" line above the header

    def fields(self) -> dict[str, list[LedgerColumn]]:
        """Field → the columns holding it, in sheet order."""
        found: dict[str, list[LedgerColumn]] = {}
        for column in self.columns:
            if column.field is not None:
                found.setdefault(column.field, []).append(column)
        return found


def column_letter(index: int) -> str:
    """Excel column letters of a 0-based column index (0 → "A", 27 → "AB")."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class _RowMatches:
    """Header matches of the top rows: the comparison keys of all their cells are computed in one
    vectorised call, the matching itself row by row only as far as the search goes."""

    def __init__(self, top: list[list[str | None]], table: HeaderTable) -> None:
        self._top, self._table = top, table
        texts = sorted({cell for row in top for cell in row if cell and cell.strip()})
        self._keys = dict(zip(texts, match_key(texts).to_pylist(), strict=True))
        self._by_key: dict[str, str | None] = {}
        self._rows: dict[int, list[str | None]] = {}

    def _match(self, cell: str | None) -> str | None:
        key = self._keys.get(cell or "") or ""
        if key not in self._by_key:
            self._by_key[key] = self._table.match_for_key(key)
        return self._by_key[key]

    def __getitem__(self, row: int) -> list[str | None]:
        if row not in self._rows:
            self._rows[row] = [self._match(cell) for cell in self._top[row]]
        return self._rows[row]


def _names_field(match: str | None) -> bool:
    return match is not None and match != IGNORE


def _satisfies(fields: set[str], required: Sequence[Sequence[str]]) -> bool:
    return all(any(f in fields for f in group) for group in required)


def _header_at(
    top: list[list[str | None]], matches: _RowMatches, row: int, profile: LedgerProfile
) -> tuple[tuple[int, ...], dict[int, str]] | None:
    """Header rows starting at `row` and field per column when they satisfy the profile."""
    rows = [row]
    while len(rows) < MAX_HEADER_ROWS and rows[-1] + 1 < len(top):
        below = rows[-1] + 1
        filled = [m for cell, m in zip(top[below], matches[below], strict=True) if cell and cell.strip()]
        if not filled or any(m is None for m in filled):  # only header texts below a header
            break
        rows.append(below)
    fields: dict[int, str] = {}
    for r in rows:  # lower rows override: the sub-header under a merged group header wins
        for c, m in enumerate(matches[r]):
            if _names_field(m):
                fields[c] = m  # type: ignore[assignment]
    if not _satisfies(set(fields.values()), profile.required):
        return None
    return tuple(rows), fields


def _is_numbering(cells: Sequence[str | None], header_columns: int) -> bool:
    """A row of increasing column numbers ("(1)", "(2)"… or 1, 2… or A, B…) under most columns."""
    filled = [c.strip() for c in cells if c and c.strip()]
    found = [_NUMBERING.match(c) for c in filled]
    # three cells at least: a first record with only an STT "1" and a quantity "2" is no numbering
    if len(filled) < max(3, header_columns // 2) or not all(found):
        return False
    numbers = [int(m.group(1)) if m.group(1).isdigit() else ord(m.group(1).upper()) for m in found if m]
    return all(a < b for a, b in pairwise(numbers))


def _after_numbering(texts: Sequence[pa.Array], row: int, header_columns: int) -> int:
    """The first data row: `row` (the one after the header), or the row after the numbering row
    when one follows the header, possibly below empty rows (the second row of a two-row header whose
    cells are all merged from above reads empty)."""
    n_rows = len(texts[0])
    for below in range(row, min(row + MAX_HEADER_ROWS, n_rows)):
        cells = [col[below].as_py() for col in texts]
        if any(cell and cell.strip() for cell in cells):
            return below + 1 if _is_numbering(cells, header_columns) else row
    return row


def _office_title(top: list[list[str | None]], header_row: int, prefixes: Sequence[str]) -> str | None:
    folded_prefixes = [fold_one(p) for p in prefixes]
    found = None
    for row in top[:header_row]:
        for cell in row:
            for line in (cell or "").splitlines():
                folded = fold_one(line)
                if any(folded == p or folded.startswith(p + " ") for p in folded_prefixes):
                    found = clean_one(line)
    return found


def _footer_row(texts: Sequence[pa.Array], start: int, patterns: Sequence[re.Pattern[str]]) -> int | None:
    """First row at or after `start` whose first non-empty cell matches a footer pattern."""
    if not texts or start >= len(texts[0]):
        return None
    first = texts[0][start:]
    if first.null_count:  # coalesced only on the rows whose first cell is empty
        empty = first.is_null()
        rest = pc.coalesce(*(pc.filter(column[start:], empty) for column in texts[1:]),
                           pa.nulls(1, pa.string())[0])
        first = pc.replace_with_mask(first, empty, rest)
    if not patterns:
        return None
    # one pass of the alternation (a match of any pattern); each in its own group, so inline flags
    # such as "(?i)" keep to their pattern
    either = "|".join(f"(?:{pattern.pattern})" for pattern in patterns)
    hit = pc.fill_null(pc.match_substring_regex(fold_text(first), either), False)
    rows = pc.indices_nonzero(hit)
    return start + rows[0].as_py() if len(rows) else None


def locate_ledger(texts: Sequence[pa.Array], profile: LedgerProfile, location: Location) -> LedgerLayout:
    """The ledger layout of a sheet given as rendered text columns; LayoutError when no header."""
    n_rows = len(texts[0]) if texts else 0
    if n_rows == 0:
        raise LayoutError("empty sheet", location)
    depth = min(n_rows, profile.header_search_rows)
    top = [list(row) for row in zip(*(col[:depth].to_pylist() for col in texts), strict=True)]  # top rows
    matches = _RowMatches(top, profile.headers)
    for row in range(depth):
        if not any(_names_field(m) for m in matches[row]):
            continue
        found = _header_at(top, matches, row, profile)
        if found is None:
            continue
        header_rows, fields = found
        first_data = _after_numbering(texts, header_rows[-1] + 1, len(fields))
        if first_data > header_rows[-1] + 1:
            log.info("%s: row %d read as the row of column numbers, not a record", location, first_data)
        footer = _footer_row(texts, first_data, profile.footer_patterns)
        end = n_rows if footer is None else footer
        if footer is not None and log.isEnabledFor(logging.DEBUG):
            trailing = sum(len(col) - footer - 1 - col[footer + 1:].null_count for col in texts)
            log.debug("%s: footer at row %d, %d non-empty cells below it ignored", location, footer + 1,
                      trailing)
        columns = _columns(texts, top, header_rows, fields, first_data, end)
        return LedgerLayout(columns, header_rows, first_data, end,
                            _office_title(top, header_rows[0], profile.office_title_prefixes))
    first_name = {f: names[0] for f, names in profile.headers.synonyms.items() if names}
    wanted = " and ".join(
        " or ".join(repr(first_name.get(f, f)) for f in group) for group in profile.required)
    raise LayoutError(f"no ledger header found in the first {depth} rows (needs {wanted})", location)


def _columns(
    texts: Sequence[pa.Array], top: list[list[str | None]], header_rows: tuple[int, ...],
    fields: dict[int, str], first_data: int, end: int,
) -> tuple[LedgerColumn, ...]:
    """The columns with a header or with data, named by their lowest header cell (or letter)."""
    columns = []
    seen: dict[str, int] = {}
    for c, column in enumerate(texts):
        labels = [clean_one(top[r][c] or "") for r in header_rows]
        labels = [label for label in labels if label]
        data = column[first_data:end]
        has_data = data.null_count < len(data)
        if not labels and not has_data:
            continue
        header = labels[-1] if labels else column_letter(c)
        seen[header] = seen.get(header, 0) + 1
        if seen[header] > 1:  # keys of raw_values must be unique
            header = f"{header} ({column_letter(c)})"
        columns.append(LedgerColumn(c, header, fields.get(c)))
    return tuple(columns)
