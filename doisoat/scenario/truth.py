"""The ground truth of a generated scenario: every true pair and every injected finding.

Columns: kind, mismatch_type, unit_code, dossier_code, paper_ref, electronic_ref.

- `link`: one row per true pair (same dossier on both sides), mismatch_type empty, both refs
  naming the first row of the dossier on each side. Pairs that carry a finding are links too.
- `mismatch`: one row per injected finding.
  - timeliness_conflict, date_mismatch, procedure_mismatch, applicant_mismatch: both refs.
    A timeliness conflict means late on one side only: paper Trước hạn / Đúng hạn while the
    software says Quá hạn or left the dossier open past its due date, or (a few) the reverse.
  - missing_electronic: paper_ref only; missing_paper: electronic_ref only.
  - invalid_record: paper_ref only. Invalid rows have no software counterpart and get no
    missing_electronic row of their own (a quarantined row is not reconciled).
  - duplicate_paper / duplicate_electronic: one row per duplicated row beyond the first, with
    only that extra row's ref; the first row keeps its own truth (a link).

`noise`: the hard cases and benign noise of the dossier ("|"-joined labels of noise.py, e.g.
"no_code|name_typo|receipt_lag"; empty when clean). None of them is a finding.

Refs name a row as a person opens it: paper "<file>!<sheet>!<row>" ("<file>#<row>" for a CSV
ledger), electronic "<file>#<row>",
1-based spreadsheet row numbers, file name without directory.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from doisoat import schema as c
from doisoat.scenario import columns as k

KIND: Final = "kind"
LINK: Final = "link"
MISMATCH: Final = "mismatch"
NOISE: Final = "noise"
TRUTH_COLUMNS: Final = [
    KIND, c.MISMATCH_TYPE, c.UNIT_CODE, c.DOSSIER_CODE, c.PAPER_REF, c.ELECTRONIC_REF, NOISE,
]
_BOTH_SIDES: Final = (c.TIMELINESS_CONFLICT, c.DATE_MISMATCH, c.PROCEDURE_MISMATCH, c.APPLICANT_MISMATCH)


def paper_refs(rows: pd.DataFrame) -> pd.Series:
    """"<file>!<sheet>!<row>" of laid-out ledger rows; "<file>#<row>" for a CSV ledger (no sheet)."""
    row = rows[k.ROW].astype("str")
    in_sheet = rows[k.FILE] + "!" + rows[k.SHEET] + "!" + row
    return in_sheet.where(rows[k.SHEET] != "", rows[k.FILE] + "#" + row)


def electronic_refs(rows: pd.DataFrame) -> pd.Series:
    """"<file>#<row>" of laid-out export rows."""
    return rows[k.FILE] + "#" + rows[k.ROW].astype("str")


def build_truth(paper: pd.DataFrame, electronic: pd.DataFrame) -> pd.DataFrame:
    """Truth rows of one office from its laid-out paper and export rows."""
    keys = [c.UNIT_CODE, c.DOSSIER_CODE]
    p = paper.assign(**{c.PAPER_REF: paper_refs(paper)})
    e = electronic.assign(**{c.ELECTRONIC_REF: electronic_refs(electronic)})
    p_first, e_first = p[~p[k.EXTRA]], e[~e[k.EXTRA]]
    pairs = p_first[p_first[k.ROLE] == k.PAIR][[*keys, k.FINDING, k.NOISE, c.PAPER_REF]].merge(
        e_first[[*keys, c.ELECTRONIC_REF]], on=keys, how="inner", validate="one_to_one"
    )
    links = pairs.assign(**{KIND: LINK, c.MISMATCH_TYPE: pd.NA})
    both = pairs[pairs[k.FINDING].isin(_BOTH_SIDES)]
    paper_only = p_first[p_first[k.ROLE] == k.PAPER_ONLY]
    software_only = e_first[e_first[k.ROLE] == k.ELECTRONIC_ONLY]
    parts = [
        links,
        both.assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: both[k.FINDING]}),
        paper_only.assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: paper_only[k.FINDING]}),
        software_only.assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: c.MISSING_PAPER}),
        p[p[k.EXTRA]].assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: c.DUPLICATE_PAPER}),
        e[e[k.EXTRA]].assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: c.DUPLICATE_ELECTRONIC}),
    ]
    truth = pd.concat([part.reindex(columns=TRUTH_COLUMNS) for part in parts], ignore_index=True)
    truth[KIND] = pd.Categorical(truth[KIND], [LINK, MISMATCH])
    truth = truth.sort_values([KIND, c.MISMATCH_TYPE, c.DOSSIER_CODE, c.PAPER_REF, c.ELECTRONIC_REF],
                              na_position="first", kind="stable", ignore_index=True)
    truth[KIND] = truth[KIND].astype("str")
    truth[NOISE] = truth[NOISE].fillna("")
    for col in TRUTH_COLUMNS[1:]:
        truth[col] = truth[col].astype("str")
    return truth
