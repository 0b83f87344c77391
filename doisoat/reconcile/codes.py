"""The dossier codes of both sides, keyed once for the whole linkage.

The two sides type mostly the same codes (about a million distinct among two million rows), and
linkage needs several keys of each: the normalised code (`keys.normalise_code`), the code as typed
(`keys.basic_code`), its prefix and trailing number, and numbers equal on both sides for the joins.
Here the typed codes of both sides are numbered once (one Arrow hash of the two columns together)
and every key is worked out per distinct typed code, then taken for each row by its integer:
no string pass and no hash of strings per side, and the numbers are shared by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from doisoat.reconcile.keys import broadcast, code_forms, distinct, take_coded


@dataclass(frozen=True)
class SideCodes:
    """The code keys of one side's rows (positions as in its frame)."""

    key: pd.Series  # normalise_code of each row (string dtype, NA when blank)
    key_id: np.ndarray  # int64 number of the normalised code, shared by both sides (-1 when NA)
    basic_id: np.ndarray  # int64 number of basic_code, shared by both sides (-1 when NA)
    prefix: np.ndarray  # int64 hash of the normalised code without its trailing number (-1 when none)
    number: np.ndarray  # float, the trailing number (NaN when none)
    text: np.ndarray  # the normalised code as an object array, "" where NA (the scorers' strings)

    @property
    def has_code(self) -> np.ndarray:
        return self.key_id >= 0


def code_parts(code: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(int64 hash of the code without its trailing number, -1 when the code has none; the trailing
    number as float, NaN when none) of each normalised code, with one Arrow regex kernel."""
    # (cast: an empty or all-NA column may come as Arrow's null type, which no string kernel takes)
    arr = pa.chunked_array([pa.array(code.array, type=pa.large_string())]).combine_chunks()
    arr = arr.cast(pa.large_string())
    digits = pc.replace_substring_regex(arr, r"^(?:.*\D)?", "")  # the trailing run of digits
    matched = pc.fill_null(pc.not_equal(digits, ""), False).to_numpy(zero_copy_only=False)
    prefix_arr = pc.utf8_rtrim(arr, characters="0123456789")
    prefix_text = pd.Series(pd.arrays.ArrowStringArray(prefix_arr), dtype="string")
    prefix = pd.util.hash_pandas_object(prefix_text.fillna(""), index=False).to_numpy().view("int64")
    prefix = np.where(matched, prefix, -1)  # comparable across the two sides
    digits = pc.if_else(matched, digits, pa.scalar(None, pa.large_string()))
    number = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False).astype("float64")
    return prefix, number


def _numbers_of_forms(typed: pd.Series, canonical: np.ndarray, *forms: pd.Series) -> list[np.ndarray]:
    """int64 numbers of each form (normalised, basic) of the distinct typed codes, equal exactly where
    the forms are equal (-1 where NA). A form that is some typed code is numbered as that code (its
    position), any other after them by its place among the forms. A code in the standard form is its
    own form (`forms` hold those of the others, a few percent): so only those few forms are hashed,
    and the million typed codes are probed into them, not hashed into a table of their own."""
    others = pd.concat([form.reset_index(drop=True) for form in forms], ignore_index=True)
    other_codes, other_values = pd.factorize(others, use_na_sentinel=True)
    values = pa.array(pd.Series(other_values, dtype="string").array, type=pa.large_string())
    typed_arr = pa.array(typed.array, type=pa.large_string())
    # the typed code each distinct form is, if any (typed codes are distinct: at most one)
    found = pc.fill_null(pc.index_in(typed_arr, value_set=values), -1).to_numpy(zero_copy_only=False)
    typed_at = np.flatnonzero(found >= 0)
    number = len(typed) + np.arange(len(values), dtype="int64")
    number[found[typed_at]] = typed_at
    of_other = take_coded(number, other_codes, -1)
    out, start = [], 0
    for form in forms:
        ids = np.arange(len(typed), dtype="int64")  # a code in the standard form: its own position
        ids[~canonical] = of_other[start : start + len(form)]
        start += len(form)
        out.append(ids)
    return out


def shared_codes(*sides: pd.Series) -> list[SideCodes]:
    """The code keys of each side's column of dossier codes (as typed), numbered across all of them."""
    lengths = [len(s) for s in sides]
    both = pd.concat([s.astype("string").reset_index(drop=True) for s in sides], ignore_index=True)
    rows, typed = distinct(both)
    canonical, other_normal, other_basic = code_forms(typed)
    normalised = typed.copy()
    normalised[~canonical] = other_normal.to_numpy()  # as normalise_code does (`_except_canonical`)
    key_id, basic_id = _numbers_of_forms(typed, canonical, other_normal, other_basic)
    prefix, number = code_parts(normalised)
    text = normalised.fillna("").to_numpy(dtype=object)
    out = []
    for side, start, n in zip(sides, np.cumsum([0, *lengths[:-1]]), lengths, strict=True):
        side_rows = rows[start : start + n]  # -1 where the row has no code
        key = (
            broadcast(normalised, side_rows, side.index)
            if len(typed)
            else pd.Series(pd.NA, index=side.index, dtype="string")
        )
        out.append(
            SideCodes(
                key=key,
                key_id=take_coded(key_id, side_rows, -1),
                basic_id=take_coded(basic_id, side_rows, -1),
                prefix=take_coded(prefix, side_rows, -1),
                number=take_coded(number, side_rows, np.nan),
                text=take_coded(text, side_rows, ""),
            )
        )
    return out
