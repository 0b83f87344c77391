"""Section 1 of report.html: received and overdue dossiers per level and office, paper vs software."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, Final

import pandas as pd

from doisoat import schema
from doisoat.reports import labels
from doisoat.reports.summary_layout import IS_TOTAL, ROW_LABEL, level_groups, ordered_summary
from doisoat.reports.vi_format import format_int, format_percent, format_signed

_DIFFERENCES: Final = frozenset({schema.RECEIVED_DIFFERENCE, schema.OVERDUE_DIFFERENCE})
_RATES: Final = frozenset({schema.PAPER_ON_TIME_RATE, schema.ELECTRONIC_ON_TIME_RATE})


def _number(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def _formatter(column: str) -> Callable[[float | None], str]:
    if column in _RATES:
        return format_percent
    if column in _DIFFERENCES:
        return format_signed
    return format_int


def _cells(row: pd.Series) -> str:
    cells = []
    for column in labels.SUMMARY_TABLE_HEADERS:
        value = _number(row[column])
        negative = column in _DIFFERENCES and value is not None and value < 0
        css = "num neg" if negative else "num"
        cells.append(f'<td class="{css}">{html.escape(_formatter(column)(value))}</td>')
    return "".join(cells)


def summary_section(summary: pd.DataFrame) -> str:
    """The summary table, shaped as the Tây Ninh article: each level's totals, then its offices."""
    head = "<th>Đơn vị</th>" + "".join(
        f'<th class="num">{html.escape(header)}</th>' for header in labels.SUMMARY_TABLE_HEADERS.values()
    )
    body: list[str] = []
    ordered = ordered_summary(summary)
    for level_label, rows in level_groups(ordered):
        totals = rows[rows[IS_TOTAL]]
        if totals.empty:
            span = len(labels.SUMMARY_TABLE_HEADERS)
            body.append(
                f'<tr class="level"><td>{html.escape(level_label)}</td><td colspan="{span}"></td></tr>'
            )
        else:
            body.append(f'<tr class="level"><td>{html.escape(level_label)}</td>{_cells(totals.iloc[0])}</tr>')
        for _, office in rows[~rows[IS_TOTAL]].iterrows():
            body.append(f'<tr class="office"><td>{html.escape(office[ROW_LABEL])}</td>{_cells(office)}</tr>')
    if not body:
        body.append(f'<tr><td colspan="{len(labels.SUMMARY_TABLE_HEADERS) + 1}">Không có dữ liệu</td></tr>')
    return (
        '<table class="summary"><thead><tr>'
        + head
        + "</tr></thead><tbody>\n"
        + "\n".join(body)
        + "\n</tbody></table>"
        + '<p class="muted">Chênh lệch = số trên phần mềm − số trên sổ giấy.</p>'
    )
