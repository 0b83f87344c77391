"""The per-field and per-month tables of report.html: for each level, its totals, then one row per
field (lĩnh vực) or month: dossiers on paper and in the software, sync rate, overdue on both sides,
on-time rates, findings."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, Final

import pandas as pd

from doisoat import schema
from doisoat.reports import labels
from doisoat.reports.breakdown_layout import (
    FIELD_DIMENSION,
    MONTH_DIMENSION,
    level_table,
    level_totals,
)
from doisoat.reports.vi_format import format_int, format_percent

_RATES: Final = frozenset({schema.SYNC_RATE, schema.PAPER_ON_TIME_RATE, schema.ELECTRONIC_ON_TIME_RATE})
TABLES: Final = (
    (FIELD_DIMENSION, "theo-linh-vuc", "Theo lĩnh vực", "Lĩnh vực"),
    (MONTH_DIMENSION, "theo-thang", "Theo tháng", "Tháng tiếp nhận"),
)


def _formatter(column: str) -> Callable[[Any], str]:
    return format_percent if column in _RATES else format_int


def _cells(row: pd.Series) -> str:
    cells = []
    for column in labels.BREAKDOWN_TABLE_HEADERS:
        value = row[column]
        shown = _formatter(column)(None if pd.isna(value) else float(value))
        cells.append(f'<td class="num">{html.escape(shown)}</td>')
    return "".join(cells)


def breakdown_table(breakdown: pd.DataFrame, dimension: str, first_header: str) -> str:
    """One table: each level's totals (bold), then its values."""
    head = f"<th>{html.escape(first_header)}</th>" + "".join(
        f'<th class="num">{html.escape(header)}</th>' for header in labels.BREAKDOWN_TABLE_HEADERS.values()
    )
    table = level_table(breakdown, dimension)
    body: list[str] = []
    for _, total in level_totals(table).iterrows():
        level = total[schema.LEVEL]
        body.append(
            f'<tr class="level"><td>{html.escape(labels.label(labels.LEVEL_LABELS, level))}</td>'
            f"{_cells(total)}</tr>"
        )
        for _, row in table[table[schema.LEVEL] == level].iterrows():
            body.append(f'<tr class="office"><td>{html.escape(str(row["label"]))}</td>{_cells(row)}</tr>')
    if not body:
        body.append(f'<tr><td colspan="{len(labels.BREAKDOWN_TABLE_HEADERS) + 1}">Không có dữ liệu</td></tr>')
    return '<table class="summary"><thead><tr>' + head + "</tr></thead><tbody>\n" + "\n".join(body) + (
        "\n</tbody></table>"
    )


def breakdown_section(breakdown: pd.DataFrame) -> str:
    """The per-field and per-month tables, each under its own heading and anchor."""
    parts = []
    for dimension, anchor, title, first_header in TABLES:
        parts.append(
            f'<h3 id="{anchor}">{html.escape(title)}</h3>'
            + breakdown_table(breakdown, dimension, first_header)
        )
    parts.append(
        '<p class="muted">Tỷ lệ đồng bộ = số hồ sơ trên sổ giấy tìm thấy trên phần mềm / số hồ sơ trên '
        "sổ giấy. Hồ sơ giấy được tính theo lĩnh vực của thủ tục ghi trên sổ, hồ sơ phần mềm theo lĩnh "
        "vực phần mềm ghi nhận. Số liệu đầy đủ theo đơn vị, thủ tục và kênh: "
        '<a href="breakdown.csv">breakdown.csv</a>, <a href="report.xlsx">report.xlsx</a>.</p>'
    )
    return "\n".join(parts)
