"""Text repair and folding for Vietnamese cells, vectorised over Arrow string arrays.

`clean_text` is the single entry point every text cell goes through before it is stored, so the
legacy-encoding repair (TCVN3 / VNI, see DOMAIN.md) can slot in here later without touching the
readers. `fold_text` and `match_key` give comparison keys: case-, diacritic- and
whitespace-insensitive (plus punctuation- and parenthesis-insensitive for `match_key`), used to match
headers, vocabularies and office names.

Speed matters (exports have millions of rows): a byte scan of the column's UTF-8 buffer decides
whether a repair is needed at all, and repairs run only on the rows that need them; columns with
few distinct values are processed once per distinct value (`per_distinct`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# RE2 patterns. `\p{Z}` covers the non-breaking and other Unicode spaces that `\s` (ASCII) misses.
_SPACES = r"[\s\p{Z}]+"
_INVISIBLE = r"[\x{00AD}\x{200B}-\x{200D}\x{2060}\x{FEFF}]"
_NEEDS_SPACING = (r"[\x{00AD}\x{200B}-\x{200D}\x{2060}\x{FEFF}]|[\s\p{Z}]{2}|[^ \PZ]|[\t\n\v\f\r]"
                  r"|^[\s\p{Z}]|[\s\p{Z}]$")
_MARKS = r"\p{Mn}"
_PARENTHESISED = r"\([^)]*\)"
_PUNCTUATION = r"[^\p{L}\p{N}]+"
_LEADING_ZEROS = r"\b0+(\d)"

# UTF-8 byte pairs that start the non-ASCII spaces and invisible characters handled above
# (U+00A0, U+00AD, U+1680, U+2000-U+206F, U+3000, U+FEFF); Vietnamese letters never start so.
_SPACE_LEADS = ((0xC2, 0xA0), (0xC2, 0xAD), (0xE1, 0x9A), (0xE2, 0x80), (0xE2, 0x81), (0xE3, 0x80),
                (0xEF, 0xBB))
# Lead bytes of combining marks U+0300-U+036F (never continuation bytes in UTF-8): decomposed (NFD)
# text that NFC must recompose.
_COMBINING_LEADS = (0xCC, 0xCD)
_SPACE, _TAB, _CR = 0x20, 0x09, 0x0D

# Columns whose sample has fewer distinct values than this share are processed per distinct value.
_DISTINCT_SHARE = 0.5
_SAMPLE = 20_000
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


def per_distinct(func: Callable[[pa.Array], pa.Array], values: pa.Array) -> pa.Array:
    """`func` (element-wise) applied once per distinct value when the column repeats a lot."""
    if len(values) >= _MIN_ROWS:
        sample = values[:_SAMPLE]
        if len(pc.unique(sample)) < _DISTINCT_SHARE * len(sample):
            encoded = pc.dictionary_encode(values)
            return pc.take(func(encoded.dictionary), encoded.indices)
    return func(values)


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


def has_byte_pairs(raw: np.ndarray, pairs: Iterable[tuple[int, int]]) -> bool:
    """True when any of the byte pairs occurs in `raw`."""
    pairs = list(pairs)
    if len(raw) < 2 or not pairs:
        return False
    at = np.flatnonzero(np.isin(raw[:-1], [a for a, _ in pairs]))
    if len(at) == 0:
        return False
    found = (raw[at].astype(np.uint16) << 8) | raw[at + 1]
    return bool(np.isin(found, [(a << 8) | b for a, b in pairs]).any())


def _may_need_spacing(values: pa.Array) -> bool:
    """Cheap test: could some value have a space to collapse, trim or replace?"""
    raw, offsets = utf8_bytes(values)
    if len(raw) == 0:
        return False
    if np.any((raw >= _TAB) & (raw <= _CR)) or np.any((raw[:-1] == _SPACE) & (raw[1:] == _SPACE)):
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
    if np.isin(raw, _COMBINING_LEADS).any():
        values = pc.utf8_normalize(values, "NFC")
    if _may_need_spacing(values):
        needs = pc.fill_null(pc.match_substring_regex(values, _NEEDS_SPACING), False)
        if pc.any(needs).as_py():
            values = pc.replace_with_mask(values, needs, _respace(pc.filter(values, needs)))
    return blank_to_null(values)


def blank_to_null(values: pa.Array) -> pa.Array:
    """Empty strings become null."""
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def clean_text(values: pa.Array | Iterable[str | None]) -> pa.Array:
    """NFC, invisible characters removed, every run of spaces (NBSP too) → one space, trimmed;
    blank → null."""
    return per_distinct(_clean, as_text_array(values))


def fold_text(values: pa.Array | Iterable[str | None]) -> pa.Array:
    """Cleaned, lower-cased, without diacritics (đ → d): "Ủy ban" and "UỶ BAN" both → "uy ban"."""
    folded = pc.utf8_lower(clean_text(values))
    folded = pc.replace_substring_regex(pc.utf8_normalize(folded, "NFD"), _MARKS, "")
    return pc.replace_substring(folded, "đ", "d")


def match_key(values: pa.Array | Iterable[str | None]) -> pa.Array:
    """`fold_text` without parenthesised parts and punctuation, and numbers without leading
    zeros: "Số lượng hồ sơ (bộ)" → "so luong ho so", "Phường 01" → "phuong 1"."""
    key = pc.replace_substring_regex(fold_text(values), _PARENTHESISED, " ")
    key = pc.replace_substring_regex(key, _PUNCTUATION, " ")
    key = pc.replace_substring_regex(key, _LEADING_ZEROS, r"\1")
    return blank_to_null(pc.utf8_trim(key, " "))


@lru_cache(maxsize=65_536)
def fold_one(value: str) -> str:
    """`fold_text` of one string ("" when blank)."""
    return fold_text([value])[0].as_py() or ""


@lru_cache(maxsize=65_536)
def key_one(value: str) -> str:
    """`match_key` of one string ("" when blank)."""
    return match_key([value])[0].as_py() or ""


@lru_cache(maxsize=65_536)
def clean_one(value: str) -> str:
    """`clean_text` of one string ("" when blank)."""
    return clean_text([value])[0].as_py() or ""


def slug(value: str) -> str:
    """A stable ASCII identifier: "Thành phố Tây Ninh" → "thanh-pho-tay-ninh"."""
    return key_one(value).replace(" ", "-")
