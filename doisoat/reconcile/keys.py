"""Key normalisation for comparing what two clerks typed: dossier codes, names and folded text.

Every function here works on the distinct values of a column (`pd.factorize` first), so a million
rows with a few hundred thousand distinct names cost a few hundred thousand string operations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Dash look-alikes and separators clerks type inside dossier codes.
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "−": "-", "_": "-", "/": "-"})
# Letters clerks type for digits: O for zero, I and l (upper-cased: L) for one.
_LOOKALIKE_DIGITS = str.maketrans({"O": "0", "I": "1", "L": "1"})
# The Circular 01/2018 code, separators removed: agency id `000.17.22.H56`, YYMMDD, NNNN.
_STANDARD = r"(\d{3})(\d{2})(\d{2})([A-Z]\d{2})(\d{6})(\d{4})"
_STANDARD_DIGITS = r"[0-9OIL]{7}[A-Z][0-9OIL]{12}"
# A code already in the standard form, separators in place: every normalisation leaves it as is.
_CANONICAL = r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}-[0-9]{6}-[0-9]{4}"
# A segment (between separators) made of digits and look-alikes only, with at least one digit.
_DIGIT_SEGMENT = r"(?:^|(?<=[.\-]))(?=[0-9OIL]*[0-9])[0-9OIL]+(?=[.\-]|$)"


def distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(code of each row, -1 where NA; the distinct values as strings, in order of first
    appearance). A categorical column is numbered from its integer codes, not its strings."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("string")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype="string")


def office_codes(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(code of each row, NA a code of its own; the distinct values as strings, NA as "") in order
    of first appearance. A categorical column (the working copies' offices) is numbered from its
    integer codes, without a string per row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, pd.Series(uniques).astype("string").fillna("").reset_index(drop=True)


def per_unique(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a vectorised string function to the distinct values only, then broadcast back."""
    codes, uniques = distinct(values)
    if len(uniques) == 0:
        return pd.Series(pd.NA, index=values.index, dtype="string")
    return broadcast(fn(uniques), codes, values.index)


def broadcast(done: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The strings of `done` (one per distinct value) taken for each row's `codes` (NA where a
    code is negative), by one Arrow take in C: no Python string per row."""
    taken = _arrow(done).take(pa.array(codes, mask=codes < 0))
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=index, dtype="string")


def take_coded(values: np.ndarray, codes: np.ndarray, missing: object) -> np.ndarray:
    """`values[codes]`, with `missing` where a code is negative (NA): `broadcast` for NumPy values
    (numbers, object arrays), in the values' dtype."""
    padded = np.append(values, np.asarray([missing], dtype=values.dtype))
    return padded[np.where(codes >= 0, codes, len(values))]


def _arrow(s: pd.Series) -> pa.Array:
    """The strings of a Series as one Arrow large_string array (no detour through Python objects
    when the Series is Arrow-backed already)."""
    arr = pa.array(s.astype("string").array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def _except_canonical(fn: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    """`fn` applied only to the values not already in the standard form (most codes, and every code
    the software writes), which `fn` would return unchanged: one regex match instead of a dozen
    string passes over them."""

    def apply(s: pd.Series) -> pd.Series:
        canonical = is_canonical(s)
        if not (~canonical).any():
            return s
        out = s.copy()
        out[~canonical] = fn(s[~canonical])
        return out

    return apply


def is_canonical(codes: pd.Series) -> np.ndarray:
    """Codes already in the standard form, separators in place: every normalisation (`basic_code`,
    `normalise_code`) leaves them as they are."""
    return codes.str.fullmatch(_CANONICAL).fillna(False).to_numpy(dtype=bool)


def basic_code(codes: pd.Series) -> pd.Series:
    """Upper-case, drop every whitespace, unify dash look-alikes; blank → NA (what 'the same code'
    means without any correction: links on it are `exact_code`)."""
    return per_unique(codes, _except_canonical(_basic))


def _basic(s: pd.Series) -> pd.Series:
    s = s.str.upper().str.replace(r"\s+", "", regex=True).str.replace(_DASH_CLASS, "-", regex=True)
    return s.mask(s.isna() | (s == ""))


_DASH_CLASS = "[–—‐−_/]"
CODE_KEY = "_code_key"  # column the engine adds once: normalise_code of the dossier code


def code_key(records: pd.DataFrame) -> pd.Series:
    """The normalised code of each row: the engine's precomputed column when present."""
    if CODE_KEY in records.columns:
        return records[CODE_KEY].astype("string")
    return normalise_code(records["dossier_code"])


def _lookalikes_to_digits(s: pd.Series) -> pd.Series:
    out = s.copy()
    todo = s.str.contains("[OIL]").fillna(False)
    if todo.any():
        out[todo] = s[todo].str.translate(_LOOKALIKE_DIGITS)
    return out


def _lenient(s: pd.Series) -> pd.Series:
    s = s.str.upper().str.replace(r"\s+", "", regex=True).str.replace(_DASH_CLASS, "-", regex=True)
    s = s.str.replace(r"([.\-])[.\-]+", r"\1", regex=True).str.strip(".-")  # doubled / stray separators
    compact = s.str.replace(r"[.\-]", "", regex=True)
    # a standard code: letters in digit positions read as digits, separators put back in place
    standard = compact.str.fullmatch(_STANDARD_DIGITS).fillna(False)
    fixed = (
        _lookalikes_to_digits(compact.str.slice(0, 7))
        + compact.str.slice(7, 8)
        + _lookalikes_to_digits(compact.str.slice(8))
    )
    rebuilt = fixed.str.replace(f"^{_STANDARD}$", r"\1.\2.\3.\4-\5-\6", regex=True)
    # any other code: only segments that are digits apart from look-alikes are corrected
    done = (standard & rebuilt.str.contains("-")).fillna(False)
    other = s.copy()
    todo = (~done & s.str.contains("[OIL]")).fillna(False)
    if todo.any():
        other[todo] = s[todo].str.replace(
            _DIGIT_SEGMENT, lambda m: m.group(0).translate(_LOOKALIKE_DIGITS), regex=True
        )
    out = rebuilt.where(done, other)
    return out.mask(out.isna() | (out == ""))


def code_forms(distinct_codes: pd.Series) -> tuple[np.ndarray, pd.Series, pd.Series]:
    """(which of these (distinct) codes are in the standard form, their own normalised and basic
    form; `normalise_code` and `basic_code` of the others, in their order), worked out on the
    codes directly."""
    canonical = is_canonical(distinct_codes)
    others = distinct_codes[~canonical]
    return canonical, _lenient(others).astype("string"), _basic(others).astype("string")


def normalise_code(codes: pd.Series) -> pd.Series:
    """The matching key of a dossier code, tolerant of what clerks type.

    Spaces, case and dash look-alikes are ignored; doubled or stray separators dropped; a code of
    the standard form `<agency>-<YYMMDD>-<NNNN>` typed with missing or other separators is
    rewritten in the standard form; in digit positions (of a standard code, or in a segment made
    of digits) the letter O reads as 0 and I / l as 1. Letters in letter positions (the `H` of
    `H56`) and digits are never changed, so two different codes never share a key. Blank → NA.

    Any other code keeps its separators where they are: `HS012`, `HS-012` and `HS.012` are three
    keys. Where they fall tells such codes apart (`BN-1-23`, `BN-12-3`), so a key of letters and
    digits alone could merge two dossiers; rows whose codes differ so are left to the fuzzy pass.
    """
    return per_unique(codes, _except_canonical(_lenient))


def _fold(s: pd.Series) -> pd.Series:
    """`fold_text` of (distinct) values, by Arrow kernels over the whole column: no Python string
    per value. The steps are those pandas' `.str` methods ran (they used the same RE2 patterns);
    the tests keep that form and compare it with this one."""
    a = _arrow(s)
    a = pc.replace_substring(pc.replace_substring(a, "đ", "d"), "Đ", "D")  # no decomposition: by hand
    a = pc.replace_substring_regex(pc.utf8_normalize(a, "NFD"), "[\u0300-\u036f]", "")  # marks
    a = pc.replace_substring(pc.replace_substring_regex(pc.utf8_lower(a), r"[^\w]+", " "), "_", " ")
    a = pc.replace_substring_regex(pc.utf8_trim_whitespace(a), r"\s+", " ")
    out = pd.Series(pd.arrays.ArrowStringArray(a), index=s.index, dtype="string")
    return out.mask(out == "")


def fold_text(text: pd.Series) -> pd.Series:
    """Lower-case, diacritics removed (đ → d), whitespace collapsed: 'Nguyễn  Văn A' → 'nguyen van a'.

    Used to compare names typed with and without diacritics; never shown to users.
    """
    return per_unique(text, _fold)


def _sorted_words(s: pd.Series) -> pd.Series:
    words = s.str.split(" ")
    return words.map(lambda w: " ".join(sorted(w)), na_action="ignore").astype("string")


def _last_word(s: pd.Series) -> pd.Series:
    return s.str.split(" ").str[-1].astype("string")


@dataclass(frozen=True)
class NameKeys:
    """The comparison keys of a column of names, each computed once per distinct name."""

    folded: pd.Series  # fold_text
    key: pd.Series  # name_key
    given: pd.Series  # given_name


def distinct_name_keys(names: pd.Series) -> tuple[np.ndarray, NameKeys]:
    """(number of each row's name, -1 where NA, as `distinct`; the keys of the distinct names)."""
    codes, uniques = distinct(names)
    return codes, keys_of_distinct_names(uniques)


def keys_of_distinct_names(uniques: pd.Series) -> NameKeys:
    """The keys of each of these names (already distinct: no numbering first), by Arrow kernels:
    `name_key` and `given_name` of a folded name are its words sorted and its last word."""
    folded = _fold(uniques).astype("string")
    text = _arrow(folded)
    words = pc.split_pattern(text, " ")
    flat = pc.list_flatten(words)
    # each name's words sorted in place: one sort on (name, word); UTF-8 byte order is code point
    # order, as Python's `sorted`
    order = pc.sort_indices(
        pa.table({"name": pc.list_parent_indices(words), "word": flat}),
        sort_keys=[("name", "ascending"), ("word", "ascending")],
    )
    in_order = type(words).from_arrays(words.offsets, flat.take(order), mask=words.is_null())
    key = pc.binary_join(in_order, pa.scalar(" ", flat.type))
    given = pc.replace_substring_regex(text, "^.* ", "")  # all up to the last space
    return NameKeys(folded=folded, key=_strings_of(key, folded.index), given=_strings_of(given, folded.index))


def _strings_of(values: pa.Array, index: pd.Index) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(values.cast(pa.large_string())), index=index, dtype="string")


def name_keys(names: pd.Series) -> NameKeys:
    """fold_text, name_key and given_name of the names in one pass over their distinct values."""
    return per_row(*distinct_name_keys(names), names.index)


def per_row(codes: np.ndarray, keys: NameKeys, index: pd.Index) -> NameKeys:
    """The keys of the distinct names (`distinct_name_keys`) broadcast to the rows, by Arrow takes."""
    back = pa.array(codes, mask=codes < 0)

    def broadcast(done: pd.Series) -> pd.Series:
        if len(done) == 0:
            return pd.Series(pd.NA, index=index, dtype="string")
        return pd.Series(pd.arrays.ArrowStringArray(_arrow(done).take(back)), index=index, dtype="string")

    return NameKeys(folded=broadcast(keys.folded), key=broadcast(keys.key), given=broadcast(keys.given))


def name_key(names: pd.Series) -> pd.Series:
    """Folded name with its words sorted: word order and diacritics no longer matter."""
    return per_unique(fold_text(names), _sorted_words)


def given_name(names: pd.Series) -> pd.Series:
    """The folded given name (the last word), which tells two Nguyễn Văn … apart."""
    return per_unique(fold_text(names), _last_word)
