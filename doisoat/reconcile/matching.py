"""Record linkage between paper and electronic records.

The exact pass links records with the same normalised dossier code in the same office. A code
written twice on one side is a duplicate: only its first occurrence takes part in linking, the
others are reported as duplicates (they are the same dossier entered twice, not missing ones).
"""

from __future__ import annotations

import pandas as pd

from doisoat import schema as c
from doisoat.reconcile.keys import normalise_code

METHOD_EXACT = "exact_code"

# Internal columns of the link frame (positions into the paper / electronic frames).
P_IDX = "paper_idx"
E_IDX = "electronic_idx"
FIRST_IDX = "first_idx"
LINK_COLUMNS = [P_IDX, E_IDX, c.METHOD, c.SCORE]


def _key(records: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c.UNIT_CODE: records[c.UNIT_CODE].to_numpy(),
            "key": normalise_code(records[c.DOSSIER_CODE]).to_numpy(),
        }
    )


def find_duplicates(records: pd.DataFrame) -> pd.DataFrame:
    """Rows whose (office, normalised code) appeared earlier on the same side.

    Returns positions `idx` of each repeated row and `first_idx` of the first occurrence.
    """
    k = _key(records)
    k["pos"] = range(len(k))
    k = k.dropna(subset=["key"])
    first_pos = k.groupby([c.UNIT_CODE, "key"], sort=False)["pos"].transform("min")
    dup = (k["pos"] != first_pos).to_numpy()
    return pd.DataFrame({"idx": k["pos"].to_numpy()[dup], FIRST_IDX: first_pos.to_numpy()[dup]})


def match_exact(paper: pd.DataFrame, electronic: pd.DataFrame) -> pd.DataFrame:
    """One-to-one links on (office, normalised dossier code), first occurrences only."""
    pk, ek = _key(paper), _key(electronic)
    pk[P_IDX] = range(len(pk))
    ek[E_IDX] = range(len(ek))
    pk = pk.dropna(subset=["key"]).drop_duplicates([c.UNIT_CODE, "key"], keep="first")
    ek = ek.dropna(subset=["key"]).drop_duplicates([c.UNIT_CODE, "key"], keep="first")
    links = pk.merge(ek, on=[c.UNIT_CODE, "key"], how="inner")
    out = pd.DataFrame({P_IDX: links[P_IDX].to_numpy(), E_IDX: links[E_IDX].to_numpy()})
    out[c.METHOD] = METHOD_EXACT
    out[c.SCORE] = 1.0
    return out.sort_values(P_IDX, ignore_index=True)
