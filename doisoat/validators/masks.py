"""Evaluate a pandera schema's checks as boolean masks, one vectorised pass per check.

pandera's lazy validation collects a failure-case row for every failing cell (a dataframe check
yields one per column of each failing row) and the quarantine then has to fold them back into rows.
Here the same `DataFrameSchema` is interpreted directly: nullability, uniqueness, each column
check and each dataframe check give one boolean mask over the rows, and the reasons are written
for the failing rows only. The schema's structure (columns present, dtypes) is still checked by
pandera itself, on a zero-row slice of the frame: dtypes do not depend on the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

# Plain wording of pandera's built-in check names, keyed by their prefix.
CHECK_WORDING = {
    "not_nullable": "required value missing",
    "field_uniqueness": "duplicate value",
    "isin": "value not in the allowed vocabulary",
    "str_matches": "does not match the expected pattern",
    "greater_than_or_equal_to": "below the minimum",
    "less_than_or_equal_to": "above the maximum",
    "greater_than": "not above the minimum",
    "less_than": "not below the maximum",
    "str_length": "wrong length",
    "dtype": "wrong type",
    "column_in_dataframe": "column missing",
}


def wording(check: str) -> str:
    """The plain wording of a pandera check name (`isin([...])` → value not in the vocabulary)."""
    return next((w for k, w in CHECK_WORDING.items() if check.startswith(k)), check)


@dataclass(frozen=True)
class Failures:
    """Failing row positions and one reason per failing row, for one check."""

    positions: np.ndarray  # int64 positions into the validated frame
    reasons: np.ndarray  # object array of str, same length


def _column_reasons(column: str, check: str, values: pd.Series) -> np.ndarray:
    head = f"{column}: {wording(check)}"
    if check == "not_nullable":
        return np.full(len(values), head, dtype=object)
    text = values.astype("object").map(str).to_numpy(dtype=object)
    return (head + " (" + text + ")").astype(object)


def structure_reasons(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> tuple[list[str], set[str]]:
    """Problems of the frame as a whole (a missing column, a wrong dtype) and the columns they
    concern: pandera on zero rows (dtypes do not depend on the rows)."""
    try:
        schema.validate(frame.iloc[:0], lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        reasons = sorted({f"{r.column}: {wording(str(r.check))} ({r.failure_case})" for r in fc.itertuples()})
        return reasons, {str(v) for v in fc["column"].dropna()}
    return [], set()


def failures(schema: pa.DataFrameSchema, frame: pd.DataFrame, skip: set[str] | None = None
             ) -> Iterator[Failures]:
    """Every check's failing rows, in the order pandera reports them: columns (nullable, unique,
    their checks) in schema order, then the dataframe checks. Columns missing from the frame or in
    `skip` (a wrong dtype) are left to `structure_reasons`, as are dataframe checks that cannot run
    on such columns."""
    for name, column in schema.columns.items():
        if name not in frame.columns or name in (skip or set()):
            continue
        values = frame[name]
        null = values.isna().to_numpy()
        if not column.nullable and null.any():
            (pos,) = np.nonzero(null)
            yield Failures(pos, _column_reasons(name, "not_nullable", values.iloc[pos]))
        if column.unique:
            dup = values.duplicated(keep=False).to_numpy() & ~null
            if dup.any():
                (pos,) = np.nonzero(dup)
                yield Failures(pos, _column_reasons(name, "field_uniqueness", values.iloc[pos]))
        any_null = bool(null.any())
        present = values[~null] if any_null else values
        for check in column.checks:
            ok = check(present).check_output.reindex(present.index, fill_value=True).to_numpy(dtype=bool)
            if any_null:
                bad = np.zeros(len(frame), dtype=bool)
                bad[~null] = ~ok
            else:
                bad = ~ok
            if bad.any():
                (pos,) = np.nonzero(bad)
                yield Failures(pos, _column_reasons(name, str(check.name), values.iloc[pos]))
    for check in schema.checks:
        try:
            ok = np.asarray(check._check_fn(frame), dtype=bool)  # the model's vectorised function
        except (KeyError, TypeError, AttributeError, ValueError):
            continue  # a column it needs is missing or mistyped: structure_reasons says so
        if not ok.all():
            (pos,) = np.nonzero(~ok)
            yield Failures(pos, np.full(len(pos), str(check.name), dtype=object))


def reasons_per_row(parts: list[Failures], n_rows: int) -> pd.Series:
    """"; "-joined reasons of every failing row (indexed by position), in check order, each once.

    Joined rank by rank (the k-th reason of every row at once), not row by row: a few passes
    whatever the number of quarantined rows.
    """
    if sum(len(p.positions) for p in parts) == 0:
        return pd.Series([], dtype=object, index=pd.Index([], dtype="int64"))
    pos = np.concatenate([p.positions for p in parts]).astype("int64")
    text = np.concatenate([p.reasons for p in parts]).astype(object)
    order = np.concatenate([np.full(len(p.positions), i) for i, p in enumerate(parts)])
    long = pd.DataFrame({"pos": pos, "order": order, "reason": text})
    long = long.sort_values(["pos", "order"], kind="stable").drop_duplicates(["pos", "reason"])
    rows, group = np.unique(long["pos"].to_numpy(), return_inverse=True)
    rank = long.groupby("pos", sort=False).cumcount().to_numpy()
    reasons = long["reason"].to_numpy(dtype=object)
    joined = np.empty(len(rows), dtype=object)
    first = rank == 0
    joined[group[first]] = reasons[first]
    for k in range(1, int(rank.max()) + 1):
        at = rank == k
        joined[group[at]] = joined[group[at]] + "; " + reasons[at]
    return pd.Series(joined, index=pd.Index(rows, dtype="int64"), dtype=object)
