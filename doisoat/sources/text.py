"""Text repair and folding for Vietnamese cells, vectorised over Arrow string arrays.

`clean_text` is the single entry point every text cell goes through before it is stored, so the
legacy-encoding repair (TCVN3 / VNI, see DOMAIN.md) can slot in here later without touching the
readers. `fold_text` and `match_key` give comparison keys: case-, diacritic- and
whitespace-insensitive (plus punctuation- and parenthesis-insensitive for `match_key`), used to match
headers, vocabularies and office names.

Speed matters (exports have millions of rows): a byte scan of the column's UTF-8 buffer decides
whether a repair is needed at all, and repairs run only on the rows that need them; columns with
few distinct values are processed once per distinct value (`per_distinct`), and within
`shared_encodings` a column's encoding and cleaned text are computed once for all the steps using
them. The `*_one` / `*_many` helpers run the kernels once for a batch of Python strings (compiling a
kernel's regular expressions costs more than one string's match) and memoise the results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# RE2 patterns. `\p{Z}` covers the non-breaking and other Unicode spaces that `\s` (ASCII) misses.
_SPACES = r"[\s\p{Z}]+"
_INVISIBLE = r"[\x{00AD}\x{200B}-\x{200D}\x{2060}\x{FEFF}]"
_NEEDS_SPACING = (r"[\x{00AD}\x{200B}-\x{200D}\x{2060}\x{FEFF}]|[\s\p{Z}]{2}|[^ \PZ]|[\t\n\v\f\r]"
                  r"|^[\s\p{Z}]|[\s\p{Z}]$")
_MARKS = r"\p{Mn}"
# Nonspacing marks among U+0000-U+036F are exactly the combining diacritics U+0300-U+036F, and
# letters / digits among ASCII exactly A-Z, a-z, 0-9: text within those ranges (all Vietnamese
# text once decomposed) uses these classes, which RE2 compiles ~20-100× faster than \p{…} (the
# compile, on every kernel call, dominates a small sheet's column).
_MARKS_BELOW_0370 = r"[\x{0300}-\x{036F}]"
_FIRST_LEAD_ABOVE_036F = 0xCE  # UTF-8 lead byte of U+0380: every byte below it encodes ≤ U+036F
_PARENTHESISED = r"\([^)]*\)"
_PUNCTUATION = r"[^\p{L}\p{N}]+"
_ASCII_PUNCTUATION = r"[^A-Za-z0-9]+"
_LEADING_ZEROS = r"\b0+(\d)"

# UTF-8 byte pairs that start the non-ASCII spaces and invisible characters handled above
# (U+00A0, U+00AD, U+1680, U+2000-U+206F, U+3000, U+FEFF); Vietnamese letters never start so.
_SPACE_LEADS = ((0xC2, 0xA0), (0xC2, 0xAD), (0xE1, 0x9A), (0xE2, 0x80), (0xE2, 0x81), (0xE3, 0x80),
                (0xEF, 0xBB))
_SPACE, _TAB, _CR = 0x20, 0x09, 0x0D
_D_STROKE = (0xC4, 0x91)  # "đ" in UTF-8
_FIRST_MARK_LEAD = 0xCC  # UTF-8 lead byte of U+0300: no character below it is a nonspacing mark
# Below this many bytes a column goes straight to the spacing regex: the byte screen's dozen numpy
# passes cost more than the one regex pass they would save (a small ledger sheet's columns).
_SCREEN_MIN_BYTES = 32_768

# Columns whose sample has fewer distinct values than this share are processed per distinct value.
_DISTINCT_SHARE = 0.5
_SAMPLE = 4_096
_MIN_ROWS = 1_000


def as_text_array(values: pa.Array | pa.ChunkedArray | Iterable[str | None]) -> pa.Array:
    """An Arrow string array from an Arrow array, chunked array or iterable of str/None."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    if not isinstance(values, pa.Array):
        values = pa.array(list(values), pa.string())
    if values.type != pa.string():
        values = values.cast(pa.string())
    return values


_local = threading.local()
# (the array, its distinct values or None when it has many, indices into them)
_Encoding = tuple[pa.Array, pa.Array | None, pa.Array | None]
# (function id, array id) → (the array, the function's result on it)
_Results = dict[tuple[int, int], tuple[pa.Array, pa.Array]]


@contextmanager
def shared_encodings() -> Iterator[None]:
    """Within the block (per thread), `per_distinct` remembers which arrays it encoded or produced
    and how, and `clean_text` / `fold_text` their results, so a column that goes through several
    steps (repair, cleaning, parsing) is encoded and cleaned once. The remembered arrays are
    released when the block ends."""
    outer = getattr(_local, "encodings", None)
    if outer is None:
        _local.encodings, _local.results = {}, {}
    try:
        yield
    finally:
        if outer is None:
            _local.encodings = _local.results = None


def _remember(values: pa.Array, dictionary: pa.Array | None, indices: pa.Array | None) -> None:
    cache: dict[int, _Encoding] | None = getattr(_local, "encodings", None)
    if cache is not None:
        cache[id(values)] = (values, dictionary, indices)  # the array is kept: its id stays unique


def distinct_form(values: pa.Array) -> tuple[pa.Array, pa.Array] | None:
    """(distinct values, indices into them) when the column repeats a lot, else None."""
    cache: dict[int, _Encoding] | None = getattr(_local, "encodings", None)
    if cache is not None:
        known = cache.get(id(values))
        if known is not None and known[0] is values:
            return None if known[1] is None or known[2] is None else (known[1], known[2])
    found = None
    if len(values) >= _MIN_ROWS:
        sample = values[:_SAMPLE]
        if len(pc.unique(sample)) < _DISTINCT_SHARE * len(sample):
            encoded = pc.dictionary_encode(values)
            found = (encoded.dictionary, encoded.indices)
    _remember(values, *(found or (None, None)))
    return found


def _memoised(func: Callable[[pa.Array], pa.Array], values: pa.Array) -> pa.Array:
    """`func(values)`, remembered within `shared_encodings` for a module-level `func`, so a column
    cleaned by several steps is cleaned once."""
    results: _Results | None = getattr(_local, "results", None)
    if results is None:
        return func(values)
    known = results.get((id(func), id(values)))
    if known is not None and known[0] is values:
        return known[1]
    out = func(values)
    results[(id(func), id(values))] = (values, out)
    return out


def per_distinct(func: Callable[[pa.Array], pa.Array], values: pa.Array) -> pa.Array:
    """`func` (element-wise) applied once per distinct value when the column repeats a lot."""
    found = distinct_form(values)
    if found is None:
        return func(values)
    dictionary, indices = found
    mapped = func(dictionary)
    if mapped is dictionary:  # nothing changed (e.g. text already clean)
        return values
    out = pc.take(mapped, indices)
    _remember(out, mapped, indices)
    return out


def utf8_bytes(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of a string array and the offsets of its values into them (zero-copy)."""
    _, offsets_buffer, data = values.buffers()
    if offsets_buffer is None:
        return np.empty(0, np.uint8), np.zeros(1, np.int64)
    offset_type = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, offset_type)[values.offset: values.offset + len(values) + 1]
    if data is None or len(offsets) == 0:
        return np.empty(0, np.uint8), offsets
    raw = np.frombuffer(data, np.uint8)[offsets[0]: offsets[-1]]
    return raw, offsets - offsets[0]


def is_ascii(raw: np.ndarray) -> bool:
    """True when the UTF-8 bytes hold ASCII characters only (one SIMD reduction)."""
    return not len(raw) or int(raw.max()) < 0x80


def has_combining_marks(raw: np.ndarray) -> bool:
    """True when the UTF-8 bytes may hold a combining mark U+0300-U+036F (NFD text): its lead byte
    0xCC or 0xCD is never a continuation byte."""
    return not is_ascii(raw) and bool(((raw & 0xFE) == 0xCC).any())


def has_byte_pairs(raw: np.ndarray, pairs: Iterable[tuple[int, int]]) -> bool:
    """True when any of the byte pairs occurs in `raw`."""
    pairs = list(pairs)
    if len(raw) < 2 or not pairs or (min(a for a, _ in pairs) >= 0x80 and is_ascii(raw)):
        return False
    leads = sorted({a for a, _ in pairs})
    body = raw[:-1]
    hit = body == leads[0]
    for lead in leads[1:]:
        hit |= body == lead
    at = np.flatnonzero(hit)
    if len(at) == 0:
        return False
    found = (raw[at].astype(np.uint16) << 8) | raw[at + 1]
    return bool(np.isin(found, [(a << 8) | b for a, b in pairs]).any())


def _may_need_spacing(values: pa.Array) -> bool:
    """Cheap test: could some value have a space to collapse, trim or replace? (True for a small
    column: the regular expression it saves costs less there than the test.)"""
    raw, offsets = utf8_bytes(values)
    if len(raw) == 0:
        return False
    if len(raw) < _SCREEN_MIN_BYTES:
        return True
    if int(raw.min()) <= _CR and np.any((raw >= _TAB) & (raw <= _CR)):
        return True
    spaces = np.flatnonzero(raw == _SPACE)
    if len(spaces) > 1 and np.any(np.diff(spaces) == 1):
        return True
    lengths = np.diff(offsets)
    starts, ends = offsets[:-1][lengths > 0], offsets[1:][lengths > 0] - 1
    if np.any(raw[starts] == _SPACE) or np.any(raw[ends] == _SPACE):
        return True
    return has_byte_pairs(raw, _SPACE_LEADS)


def _respace(values: pa.Array) -> pa.Array:
    values = pc.replace_substring_regex(values, _INVISIBLE, "")
    values = pc.replace_substring_regex(values, _SPACES, " ")
    return pc.utf8_trim(values, " ")


def _clean(values: pa.Array) -> pa.Array:
    raw, _ = utf8_bytes(values)
    if has_combining_marks(raw):
        values = pc.utf8_normalize(values, "NFC")
    if _may_need_spacing(values):
        needs = pc.fill_null(pc.match_substring_regex(values, _NEEDS_SPACING), False)
        if pc.any(needs).as_py():
            values = pc.replace_with_mask(values, needs, _respace(pc.filter(values, needs)))
    return blank_to_null(values)


def blank_to_null(values: pa.Array) -> pa.Array:
    """Empty strings become null (`values` itself when none is empty). Only the validity bitmap
    changes: the string data are shared."""
    blank = np.diff(utf8_bytes(values)[1]) == 0  # nulls too
    valid = np.asarray(values.is_valid()) if values.null_count else None
    if valid is not None:
        blank &= valid
    if not blank.any():
        return values
    if values.offset or values.type != pa.string():  # slices: rebuilding the buffers is not worth it
        return pc.if_else(pa.array(blank), pa.scalar(None, values.type), values)
    keep = ~blank if valid is None else ~blank & valid
    _, offsets, data = values.buffers()
    return pa.StringArray.from_buffers(len(values), offsets, data, pa.array(keep).buffers()[1])


def clean_text(values: pa.Array | Iterable[str | None]) -> pa.Array:
    """NFC, invisible characters removed, every run of spaces (NBSP too) → one space, trimmed;
    blank → null."""
    return _memoised(_clean_column, as_text_array(values))


def _clean_column(values: pa.Array) -> pa.Array:
    return per_distinct(_clean, values)


# Columns shorter than this are cleaned together (`clean_columns`).
_BATCH_ROWS = 8_192


def clean_columns(columns: Sequence[pa.Array]) -> list[pa.Array]:
    """`clean_text` of each column. Short columns (a small sheet's) are cleaned in one pass over
    them put end to end, so the kernels run once rather than once per column (cleaning works cell
    by cell); within `shared_encodings` each column's result is remembered as its `clean_text`."""
    columns = [as_text_array(column) for column in columns]
    short = [i for i, column in enumerate(columns) if len(column) < _BATCH_ROWS]
    results: _Results | None = getattr(_local, "results", None)
    if results is not None:  # already cleaned
        short = [i for i in short if _known_clean(results, columns[i]) is None]
    out: dict[int, pa.Array] = {}
    if len(short) > 1:
        cleaned = _clean_column(pa.concat_arrays([columns[i] for i in short]))
        start = 0
        for i in short:
            out[i] = cleaned.slice(start, len(columns[i]))
            start += len(columns[i])
            if results is not None:
                results[(id(_clean_column), id(columns[i]))] = (columns[i], out[i])
    return [out[i] if i in out else clean_text(column) for i, column in enumerate(columns)]


def _known_clean(results: _Results, values: pa.Array) -> pa.Array | None:
    known = results.get((id(_clean_column), id(values)))
    return known[1] if known is not None and known[0] is values else None


def take_text(values: pa.Array, indices: pa.Array) -> pa.Array:
    """`pc.take(values, indices)`; within `shared_encodings`, when the cleaned text of `values` is
    known, it is taken too and remembered as the result's, so cleaning the taken rows costs a take
    (cleaning works cell by cell)."""
    out = pc.take(values, indices)
    results: _Results | None = getattr(_local, "results", None)
    cleaned = _known_clean(results, values) if results is not None else None
    if results is not None and cleaned is not None:
        results[(id(_clean_column), id(out))] = (out, pc.take(cleaned, indices))
    return out


def fold_text(values: pa.Array | Iterable[str | None]) -> pa.Array:
    """Cleaned, lower-cased, without diacritics (đ → d): "Ủy ban" and "UỶ BAN" both → "uy ban"."""
    return _memoised(_fold_column, clean_text(values))


def _fold_column(cleaned: pa.Array) -> pa.Array:
    return per_distinct(_fold, cleaned)


def _fold(cleaned: pa.Array) -> pa.Array:
    raw, _ = utf8_bytes(cleaned)
    if is_ascii(raw):  # no diacritics, no đ: lower-casing is all there is to do
        return pc.ascii_lower(cleaned)
    folded = pc.utf8_normalize(pc.utf8_lower(cleaned), "NFD")
    raw, _ = utf8_bytes(folded)
    top = int(raw.max())
    if top >= _FIRST_MARK_LEAD:
        marks = _MARKS_BELOW_0370 if top < _FIRST_LEAD_ABOVE_036F else _MARKS
        folded = pc.replace_substring_regex(folded, marks, "")
    if has_byte_pairs(raw, [_D_STROKE]):
        folded = pc.replace_substring(folded, "đ", "d")
    return folded


def match_key(values: pa.Array | Iterable[str | None]) -> pa.Array:
    """`fold_text` without parenthesised parts and punctuation, and numbers without leading
    zeros: "Số lượng hồ sơ (bộ)" → "so luong ho so", "Phường 01" → "phuong 1"."""
    key = pc.replace_substring_regex(fold_text(values), _PARENTHESISED, " ")
    punctuation = _ASCII_PUNCTUATION if is_ascii(utf8_bytes(key)[0]) else _PUNCTUATION
    key = pc.replace_substring_regex(key, punctuation, " ")
    key = pc.replace_substring_regex(key, _LEADING_ZEROS, r"\1")
    return blank_to_null(pc.utf8_trim(key, " "))


_CACHE_LIMIT = 65_536


class _Memo:
    """A vectorised text function applied to Python strings, memoised per string: every call runs
    the Arrow kernels once for all the strings not seen before (compiling their regular expressions
    costs more than the matching, so one string at a time would be slow)."""

    def __init__(self, func: Callable[[pa.Array], pa.Array]) -> None:
        self._func = func
        self._seen: dict[str, str] = {}

    def many(self, values: Iterable[str]) -> list[str]:
        values = list(values)
        todo = sorted({v for v in values if v not in self._seen})
        if todo:
            if len(self._seen) + len(todo) > _CACHE_LIMIT:
                self._seen.clear()
            results = self._func(pa.array(todo, pa.string())).to_pylist()
            self._seen.update(zip(todo, (r or "" for r in results), strict=True))
        return [self._seen[v] for v in values]


_FOLD, _KEY, _CLEAN = _Memo(fold_text), _Memo(match_key), _Memo(clean_text)


def fold_one(value: str) -> str:
    """`fold_text` of one string ("" when blank)."""
    return _FOLD.many([value])[0]


def key_one(value: str) -> str:
    """`match_key` of one string ("" when blank)."""
    return _KEY.many([value])[0]


def clean_one(value: str) -> str:
    """`clean_text` of one string ("" when blank)."""
    return _CLEAN.many([value])[0]


def fold_many(values: Iterable[str]) -> list[str]:
    """`fold_one` of each string, computed in one vectorised call."""
    return _FOLD.many(values)


def key_many(values: Iterable[str]) -> list[str]:
    """`key_one` of each string, computed in one vectorised call."""
    return _KEY.many(values)


def clean_many(values: Iterable[str]) -> list[str]:
    """`clean_one` of each string, computed in one vectorised call."""
    return _CLEAN.many(values)


def slug(value: str) -> str:
    """A stable ASCII identifier: "Thành phố Tây Ninh" → "thanh-pho-tay-ninh"."""
    return key_one(value).replace(" ", "-")
