"""Section 2 of report.html: received per office, software overdue per field, mismatches per type."""

from __future__ import annotations

from typing import Final

import pandas as pd

from doisoat import schema
from doisoat.reconcile.result import ReconcileResult
from doisoat.reports import labels
from doisoat.reports.display import text
from doisoat.reports.summary_layout import IS_TOTAL, ROW_LABEL, ordered_summary
from doisoat.reports.svg_charts import BarSeries, bar_chart

PAPER_COLOR: Final = "#a0522d"
ELECTRONIC_COLOR: Final = "#2b6cb0"
MISMATCH_COLOR: Final = "#b42318"
MAX_FIELDS: Final = 20
FIELD_DIMENSION: Final = "field"


def _counts(values: pd.Series) -> list[float]:
    return pd.to_numeric(values).fillna(0).astype(float).tolist()


def received_chart(summary: pd.DataFrame) -> str:
    """Grouped bars: dossiers in the paper ledgers vs in the software, per office."""
    offices = ordered_summary(summary)
    offices = offices[~offices[IS_TOTAL]]
    return bar_chart(
        "Số hồ sơ tiếp nhận theo đơn vị: sổ giấy và phần mềm",
        offices[ROW_LABEL].tolist(),
        [
            BarSeries("Sổ giấy", _counts(offices[schema.PAPER_RECEIVED]), PAPER_COLOR),
            BarSeries("Phần mềm", _counts(offices[schema.ELECTRONIC_RECEIVED]), ELECTRONIC_COLOR),
        ],
    )


def overdue_by_field(breakdown: pd.DataFrame) -> pd.Series:
    """Software overdue dossiers per field (lĩnh vực), largest first.

    Uses the per-level total rows (unit_code == schema.ALL_UNITS) when the breakdown has them, so
    that offices are not counted twice, else sums the offices."""
    fields = breakdown[text(breakdown[schema.DIMENSION]) == FIELD_DIMENSION]
    totals = fields[text(fields[schema.UNIT_CODE]) == schema.ALL_UNITS]
    rows = totals if not totals.empty else fields
    overdue = pd.to_numeric(rows[schema.ELECTRONIC_OVERDUE]).fillna(0)
    per_field = overdue.groupby(text(rows[schema.DIMENSION_VALUE])).sum()
    return per_field.sort_values(ascending=False, kind="stable")


def overdue_chart(breakdown: pd.DataFrame) -> str:
    """Bars: software overdue dossiers per field, the MAX_FIELDS largest."""
    per_field = overdue_by_field(breakdown).head(MAX_FIELDS)
    return bar_chart(
        "Hồ sơ quá hạn trên phần mềm theo lĩnh vực",
        [value or "(không rõ lĩnh vực)" for value in per_field.index.tolist()],
        [BarSeries("Quá hạn (phần mềm)", _counts(per_field), ELECTRONIC_COLOR)],
    )


def mismatch_counts(mismatches: pd.DataFrame) -> pd.Series:
    """Mismatches per type: every known type (0 included) in schema order, then unknown ones."""
    counts = text(mismatches[schema.MISMATCH_TYPE]).value_counts()
    known = counts.reindex(list(schema.MISMATCH_TYPES), fill_value=0)
    unknown = counts[~counts.index.isin(schema.MISMATCH_TYPES)].sort_index()
    return pd.concat([known, unknown]).astype(int)


def mismatch_chart(mismatches: pd.DataFrame) -> str:
    """Bars: mismatches per type, with Vietnamese labels."""
    counts = mismatch_counts(mismatches)
    return bar_chart(
        "Số sai lệch theo loại",
        [labels.label(labels.MISMATCH_TYPE_LABELS, code) for code in counts.index],
        [BarSeries("Số sai lệch", _counts(counts), MISMATCH_COLOR)],
    )


def charts_section(result: ReconcileResult) -> str:
    """The three charts, inline SVG."""
    return (
        '<div class="charts">'
        + received_chart(result.summary)
        + overdue_chart(result.breakdown)
        + mismatch_chart(result.mismatches)
        + "</div>"
    )
