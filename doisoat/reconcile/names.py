"""The applicants' names of both sides, keyed once for the whole run (linkage and comparison).

Names repeat (a few hundred thousand distinct among a million rows) and the two sides write
mostly the same ones. Each side's names are numbered from its own distinct values (a categorical's
codes: no string hashed per row), the distinct names of both sides are united, and their keys
(`keys.fold_text`, `name_key`, `given_name`) are worked out once per name of that union. Numbers
of the keys are then shared by both sides: blocking joins on them without hashing strings again,
and the scorer sees at once that two rows carry the same name. Each distinct folded name is split
into words once too (`NameWords`), for the given-name checks. The engine makes these once and hands
them to `matching.link` and `compare.compare_pairs`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from doisoat.reconcile.keys import NameKeys, distinct, keys_of_distinct_names, take_coded


@dataclass(frozen=True)
class NameWords:
    """The words of each distinct folded name, split once: the words of the folded name numbered
    `i` are `flat[start[i]:start[i + 1]]`; number -1 (NA) has the single word "" (as "".split(" "))."""

    flat: np.ndarray  # object array of the words, each a Python string made once
    start: np.ndarray  # int64, one more entry than there are folded names, plus one for NA

    def of(self, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the words of the names numbered `numbers`, one after the other; how many each has)."""
        at = np.where(numbers >= 0, numbers, len(self.start) - 2)
        first, counts = self.start[at], self.start[at + 1] - self.start[at]
        ends = np.cumsum(counts)
        # word j of the run: its name's first word plus j's place among that name's words
        idx = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(first - (ends - counts), counts)
        return self.flat[idx], counts


def name_words(folded: pd.Series) -> NameWords:
    """`NameWords` of these distinct folded names (numbered by their position), by one Arrow split."""
    text = pa.array(pd.concat([folded, pd.Series([""])], ignore_index=True).astype("string").fillna("").array)
    words = pc.split_pattern(text, " ")
    if isinstance(words, pa.ChunkedArray):
        words = words.combine_chunks()
    start = np.asarray(words.offsets.to_numpy(zero_copy_only=False), dtype="int64")
    start = start - start[0]
    flat = words.flatten().to_numpy(zero_copy_only=False).astype(object)
    return NameWords(flat=flat, start=start)


@dataclass(frozen=True)
class DistinctNames:
    """The keys of the distinct names of all sides, and their numbers (-1 where a key is NA)."""

    keys: NameKeys
    folded_id: np.ndarray  # int64 number of the folded name: names' keys all derive from it
    key_id: np.ndarray  # int64 number of the name key (the folded words, sorted)
    given_id: np.ndarray  # int64 number of the given name
    words: NameWords  # the words of each folded name, by its number (`folded_id`)


@dataclass(frozen=True)
class SideNames:
    """One side's names: the number of each row's name among `names`' (-1 where NA)."""

    rows: np.ndarray
    names: DistinctNames

    def per_row(self, values: np.ndarray, missing: object) -> np.ndarray:
        """Values of the distinct names taken for each row (`missing` where the name is NA)."""
        return take_coded(values, self.rows, missing)


def _numbers(values: pd.Series) -> np.ndarray:
    return _numbered(values)[0]


def _numbered(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(int64 number of each value, -1 where NA; the distinct values in the order of their numbers)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype("int64"), pd.Series(uniques, dtype="string")


def shared_names(*sides: pd.Series) -> list[SideNames]:
    """The names of each side's column of applicants' names, keyed and numbered across all sides."""
    numbered = [distinct(side) for side in sides]
    # the union of the sides' distinct names, and where each side's distinct names stand in it
    union_rows, union = pd.factorize(
        pd.concat([uniques for _, uniques in numbered], ignore_index=True), use_na_sentinel=True
    )
    keys = keys_of_distinct_names(pd.Series(union, dtype="string"))
    folded_id, folded = _numbered(keys.folded)
    names = DistinctNames(
        keys=keys,
        folded_id=folded_id,
        key_id=_numbers(keys.key),
        given_id=_numbers(keys.given),
        words=name_words(folded),
    )
    out, start = [], 0
    for codes, uniques in numbered:
        in_union = union_rows[start : start + len(uniques)].astype("int64")
        start += len(uniques)
        rows = take_coded(in_union, codes, -1)  # NA: -1
        out.append(SideNames(rows=rows, names=names))
    return out
