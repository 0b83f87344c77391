"""Section 3 of report.html: mismatch counts per type, then a drill-down table per type.

Each drill-down row names the exact place to open: the paper ref (file!sheet!row) and the
electronic ref (file#row). Large types are cut at MAX_ROWS_PER_TYPE rows; the full list is in
report.xlsx and mismatches.csv.
"""

from __future__ import annotations

import html
import re
from typing import Final

import pandas as pd

from doisoat import schema
from doisoat.reports import labels
from doisoat.reports.display import escape, free_text, mismatch_values, text, unit_display_names
from doisoat.reports.html_charts import mismatch_counts
from doisoat.reports.html_tables import Column, table
from doisoat.reports.vi_format import format_int

MAX_ROWS_PER_TYPE: Final = 2000
_H = labels.MISMATCH_HEADERS


def anchor(mismatch_type: str) -> str:
    """The HTML id of a mismatch type's drill-down."""
    return "sl-" + re.sub(r"[^A-Za-z0-9_-]", "-", mismatch_type)


def _code(cells: pd.Series) -> pd.Series:
    return ("<code>" + cells + "</code>").where(cells != "", "")


def _count_table(counts: pd.Series) -> str:
    rows = []
    for code, count in counts.items():
        name = html.escape(labels.label(labels.MISMATCH_TYPE_LABELS, code))
        if count:
            name = f'<a href="#{anchor(str(code))}">{name}</a>'
        rows.append(f'<tr><td>{name}</td><td class="num">{format_int(int(count))}</td></tr>')
    rows.append(
        f'<tr class="level"><td>Tổng cộng</td><td class="num">{format_int(int(counts.sum()))}</td></tr>'
    )
    return (
        '<table><thead><tr><th>Loại sai lệch</th><th class="num">Số lượng</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def _drill_down(shown: pd.DataFrame, names: dict[str, str]) -> str:
    offices = unit_display_names(shown[schema.UNIT_CODE], names)
    codes = text(shown[schema.DOSSIER_CODE])
    search = escape((text(shown[schema.UNIT_CODE]) + " " + offices + " " + codes).str.lower())
    columns = [
        Column(_H[labels.UNIT_DISPLAY_NAME], escape(offices)),
        Column(_H[schema.DOSSIER_CODE], escape(codes)),
        Column(_H[schema.PAPER_REF], _code(escape(text(shown[schema.PAPER_REF])))),
        Column(_H[schema.ELECTRONIC_REF], _code(escape(text(shown[schema.ELECTRONIC_REF])))),
        Column(
            _H[schema.MISMATCH_FIELD], escape(text(shown[schema.MISMATCH_FIELD]).replace(labels.FIELD_LABELS))
        ),
        Column(_H[schema.PAPER_VALUE], escape(mismatch_values(shown, schema.PAPER_VALUE))),
        Column(_H[schema.ELECTRONIC_VALUE], escape(mismatch_values(shown, schema.ELECTRONIC_VALUE))),
        Column(_H[schema.DETAIL], escape(free_text(shown[schema.DETAIL]))),
    ]
    return table(columns, row_attrs='data-q="' + search + '"', css_class="wide")


def mismatch_section(mismatches: pd.DataFrame, names: dict[str, str]) -> str:
    """Count table, filter box and one <details> per mismatch type present."""
    counts = mismatch_counts(mismatches)
    parts = [_count_table(counts)]
    if not counts.any():
        parts.append("<p>Không phát hiện sai lệch.</p>")
        return "".join(parts)
    parts.append(
        '<p class="filter"><label for="loc-sai-lech">Lọc theo đơn vị hoặc mã hồ sơ: </label>'
        '<input id="loc-sai-lech" type="search" placeholder="Nhập tên đơn vị hoặc mã hồ sơ"></p>'
    )
    ordered = mismatches.sort_values(
        [schema.UNIT_CODE, schema.DOSSIER_CODE, schema.MISMATCH_ID], na_position="last", kind="stable"
    )
    kind = text(ordered[schema.MISMATCH_TYPE])
    shown = ordered.groupby(kind, sort=False).head(MAX_ROWS_PER_TYPE)
    shown_kind = text(shown[schema.MISMATCH_TYPE])
    for code, count in counts.items():
        if not count:
            continue
        name = labels.label(labels.MISMATCH_TYPE_LABELS, code)
        parts.append(
            f'<details class="drill" id="{anchor(str(code))}"><summary>{html.escape(name)} '
            f"({format_int(int(count))})</summary>"
        )
        if count > MAX_ROWS_PER_TYPE:
            parts.append(
                f'<p class="note">Chỉ hiển thị {format_int(MAX_ROWS_PER_TYPE)} dòng đầu trong tổng số '
                f"{format_int(int(count))} sai lệch loại này. Danh sách đầy đủ có trong report.xlsx "
                "(trang “Sai lệch”) và mismatches.csv.</p>"
            )
        parts.append(_drill_down(shown[shown_kind == code], names))
        parts.append("</details>")
    return "\n".join(parts)
