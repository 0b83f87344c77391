"""The ground truth of a generated scenario: every true pair and every injected finding.

Columns: kind, mismatch_type, unit_code, dossier_code, paper_ref, electronic_ref.

- `link`: one row per true pair (same dossier on both sides), mismatch_type empty, both refs
  naming the first row of the dossier on each side. Pairs that carry a finding are links too.
- `mismatch`: one row per injected finding.
  - timeliness_conflict, date_mismatch, procedure_mismatch, applicant_mismatch: both refs.
    A timeliness conflict means late on one side only: paper Trước hạn / Đúng hạn while the
    software says Quá hạn or left the dossier open past its due date, or (a few) the reverse.
  - missing_electronic: paper_ref only; missing_paper: electronic_ref only.
  - stated_timeliness_contradiction: paper_ref only, on a pair (also a link) whose ledger row
    writes its return date in a column its own dates contradict (an on-time return under
    Trước hạn, an early one under Đúng hạn); the software states the timeliness its dates give.
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
import pyarrow as pa
import pyarrow.compute as pc

from doisoat import schema as c
from doisoat.scenario import columns as k
from doisoat.scenario.text import as_arrow, int_text, take_text

KIND: Final = "kind"
LINK: Final = "link"
MISMATCH: Final = "mismatch"
NOISE: Final = "noise"
TRUTH_COLUMNS: Final = [
    KIND, c.MISMATCH_TYPE, c.UNIT_CODE, c.DOSSIER_CODE, c.PAPER_REF, c.ELECTRONIC_REF, NOISE,
]
_SORT_KEYS: Final = (KIND, c.MISMATCH_TYPE, c.DOSSIER_CODE, c.PAPER_REF, c.ELECTRONIC_REF)
_BOTH_SIDES: Final = (c.TIMELINESS_CONFLICT, c.DATE_MISMATCH, c.PROCEDURE_MISMATCH, c.APPLICANT_MISMATCH)


def paper_refs(rows: pd.DataFrame) -> pd.Series:
    """"<file>!<sheet>!<row>" of laid-out ledger rows; "<file>#<row>" for a CSV ledger (no sheet)."""
    row = int_text(rows[k.ROW])
    in_sheet = rows[k.FILE] + "!" + rows[k.SHEET] + "!" + row
    return in_sheet.where(rows[k.SHEET] != "", rows[k.FILE] + "#" + row)


def electronic_refs(rows: pd.DataFrame) -> pd.Series:
    """"<file>#<row>" of laid-out export rows."""
    return rows[k.FILE] + "#" + int_text(rows[k.ROW])


def build_truth(paper: pd.DataFrame, electronic: pd.DataFrame) -> pd.DataFrame:
    """Truth rows of one office from its laid-out paper and export rows."""
    keys = [c.UNIT_CODE, c.DOSSIER_CODE]
    # only the columns the truth needs: row selections on the wide laid-out frames are costly
    p = paper[[*keys, k.ROLE, k.FINDING, k.NOISE, k.EXTRA]].assign(**{c.PAPER_REF: paper_refs(paper)})
    e = electronic[[*keys, k.ROLE, k.NOISE, k.EXTRA]].assign(
        **{c.ELECTRONIC_REF: electronic_refs(electronic)}
    )
    p_first, e_first = p[~p[k.EXTRA]], e[~e[k.EXTRA]]
    pairs = _joined(p_first[p_first[k.ROLE] == k.PAIR][[*keys, k.FINDING, k.NOISE, c.PAPER_REF]],
                    e_first[[*keys, c.ELECTRONIC_REF]])
    links = pairs.assign(**{KIND: LINK, c.MISMATCH_TYPE: pd.NA})
    both = pairs[pairs[k.FINDING].isin(_BOTH_SIDES)]
    stated = pairs[pairs[k.FINDING] == c.STATED_TIMELINESS_CONTRADICTION]
    paper_only = p_first[p_first[k.ROLE] == k.PAPER_ONLY]
    software_only = e_first[e_first[k.ROLE] == k.ELECTRONIC_ONLY]
    parts = [
        links,
        both.assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: both[k.FINDING]}),
        stated.assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: stated[k.FINDING], c.ELECTRONIC_REF: pd.NA}),
        paper_only.assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: paper_only[k.FINDING]}),
        software_only.assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: c.MISSING_PAPER}),
        p[p[k.EXTRA]].assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: c.DUPLICATE_PAPER}),
        e[e[k.EXTRA]].assign(**{KIND: MISMATCH, c.MISMATCH_TYPE: c.DUPLICATE_ELECTRONIC}),
    ]
    truth = pd.concat([part.reindex(columns=TRUTH_COLUMNS) for part in parts], ignore_index=True)
    for col in TRUTH_COLUMNS:
        truth[col] = truth[col].astype("str")
    # a stable sort, nulls first; Arrow compares UTF-8 bytes, i.e. code points as pandas does,
    # and "link" < "mismatch" is the order of the kinds
    keys_table = pa.table({col: as_arrow(truth[col]) for col in _SORT_KEYS})
    order = pc.sort_indices(keys_table, sort_keys=[(col, "ascending", "at_start") for col in _SORT_KEYS])
    truth = truth.take(order.to_numpy()).reset_index(drop=True)
    truth[NOISE] = truth[NOISE].fillna("")
    return truth


def _joined(paper: pd.DataFrame, electronic: pd.DataFrame) -> pd.DataFrame:
    """The paper rows whose (unit, code) the electronic rows have, with their ELECTRONIC_REF (an
    inner one-to-one join, in paper order)."""
    def key(frame: pd.DataFrame) -> pd.Series:
        return frame[c.UNIT_CODE] + "\x1f" + frame[c.DOSSIER_CODE]

    index, wanted = pd.Index(key(electronic)), key(paper)
    if not (index.is_unique and wanted.is_unique):
        raise ValueError("a dossier appears twice among the first rows of one side")
    pos = index.get_indexer(wanted)
    found = pos >= 0
    out = paper[found]
    return out.assign(**{c.ELECTRONIC_REF: take_text(as_arrow(electronic[c.ELECTRONIC_REF]), pos[found],
                                                     out.index)})
