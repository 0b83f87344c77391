"""The order rows land in a ledger or an export: by receipt, code, then the duplicated copy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from doisoat import schema as c
from doisoat.scenario import columns as k


def laid_out(dossiers: pd.DataFrame, base: np.ndarray, extra: np.ndarray, stamp: str) -> pd.DataFrame:
    """The dossiers of mask `base` plus a second row for those of mask `extra` (EXTRA False / True),
    sorted stably by (`stamp`, dossier code, EXTRA), index 0..n-1.

    The order is the one `pd.concat` then `sort_values(kind="stable")` gives, computed on integer
    keys so that the wide frame is selected once (each row selection costs one Arrow `take` per
    text column)."""
    pos = np.concatenate([np.flatnonzero(base), np.flatnonzero(extra)])
    is_extra = np.concatenate([np.zeros(int(np.sum(base)), bool), np.ones(int(np.sum(extra)), bool)])
    at = dossiers[stamp].to_numpy(dtype="datetime64[us]").view("int64")[pos]
    code_rank = pd.factorize(dossiers[c.DOSSIER_CODE], sort=True)[0][pos]
    order = np.lexsort((is_extra, code_rank, at))
    rows = dossiers.take(pos[order]).reset_index(drop=True)
    rows[k.EXTRA] = is_extra[order]
    return rows
