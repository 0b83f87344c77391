"""Vectorised building of HTML tables from Series of already-escaped cell fragments."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    """One table column: its header text (escaped here) and its cells (escaped HTML, one per row)."""

    header: str
    cells: pd.Series
    css_class: str = ""


def table(columns: Sequence[Column], *, row_attrs: pd.Series | None = None, css_class: str = "") -> str:
    """A <table> with one <tr> per row of the columns' cells, built without a loop over rows."""
    head = "".join(
        f'<th class="{c.css_class}">{html.escape(c.header)}</th>'
        if c.css_class
        else f"<th>{html.escape(c.header)}</th>"
        for c in columns
    )
    table_open = f'<table class="{css_class}">' if css_class else "<table>"
    if not columns or columns[0].cells.empty:
        return f"{table_open}<thead><tr>{head}</tr></thead><tbody></tbody></table>"
    index = columns[0].cells.index
    rows = pd.Series("<tr", index=index, dtype="str")
    if row_attrs is not None:
        rows = rows + " " + row_attrs.set_axis(index)
    rows = rows + ">"
    for column in columns:
        opening = f'<td class="{column.css_class}">' if column.css_class else "<td>"
        rows = rows + opening + column.cells.set_axis(index) + "</td>"
    rows = rows + "</tr>"
    return (
        f"{table_open}<thead><tr>{head}</tr></thead><tbody>\n"
        + "\n".join(rows.tolist())
        + "\n</tbody></table>"
    )
