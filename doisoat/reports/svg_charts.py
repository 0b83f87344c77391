"""Small inline SVG bar charts for report.html (no JavaScript, no external assets).

Horizontal bars, one row per category and one bar per series: long Vietnamese office and field
names stay readable, and the value is written at the end of each bar in vi-VN form.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from doisoat.reports.vi_format import format_int

WIDTH: Final = 760
LABEL_WIDTH: Final = 280
VALUE_WIDTH: Final = 70
BAR_HEIGHT: Final = 14
ROW_GAP: Final = 10
TITLE_HEIGHT: Final = 28
LEGEND_HEIGHT: Final = 22
MAX_LABEL_CHARS: Final = 44
FONT: Final = "font-family:system-ui,'Segoe UI',Roboto,Arial,sans-serif"
NO_DATA: Final = "Không có dữ liệu"


@dataclass(frozen=True)
class BarSeries:
    """One series of a bar chart: its name (legend), one value per category, its colour."""

    name: str
    values: Sequence[float]
    color: str


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 12,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = "#222",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}">{html.escape(content)}</text>'
    )


def _category_label(y: float, category: str) -> str:
    shown = category if len(category) <= MAX_LABEL_CHARS else category[: MAX_LABEL_CHARS - 1] + "…"
    tooltip = f"<title>{html.escape(category)}</title>" if shown != category else ""
    return (
        f'<text x="{LABEL_WIDTH - 8}" y="{y:.1f}" font-size="12" text-anchor="end" fill="#222">'
        f"{tooltip}{html.escape(shown)}</text>"
    )


def bar_chart(title: str, categories: Sequence[str], series: Sequence[BarSeries]) -> str:
    """An <svg> of horizontal (grouped when several series) bars; escapes every text it draws."""
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(
                f"series {one.name!r} has {len(one.values)} values for {len(categories)} categories"
            )
    legend = LEGEND_HEIGHT if len(series) > 1 else 0
    top = TITLE_HEIGHT + legend
    row_height = max(len(series), 1) * BAR_HEIGHT + ROW_GAP
    height = top + max(len(categories), 1) * row_height + ROW_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{html.escape(title)}" style="{FONT}">',
        f"<title>{html.escape(title)}</title>",
        _text(0, 18, title, size=14, weight="bold"),
    ]
    if legend:
        x = 0.0
        for one in series:
            parts.append(f'<rect x="{x:.1f}" y="{TITLE_HEIGHT}" width="12" height="12" fill="{one.color}"/>')
            parts.append(_text(x + 16, TITLE_HEIGHT + 10, one.name))
            x += 24 + 7.5 * len(one.name)
    peak = max((float(v) for one in series for v in one.values), default=0.0)
    if not categories:
        parts.append(_text(LABEL_WIDTH, top + 14, NO_DATA, fill="#666"))
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for index, category in enumerate(categories):
        y0 = top + index * row_height
        parts.append(_category_label(y0 + len(series) * BAR_HEIGHT / 2 + 4, category))
        for position, one in enumerate(series):
            value = float(one.values[index])
            length = plot_width * value / peak if peak > 0 else 0.0
            y = y0 + position * BAR_HEIGHT
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y:.1f}" width="{max(length, 0.0):.1f}" '
                f'height="{BAR_HEIGHT - 2}" fill="{one.color}">'
                f"<title>{html.escape(f'{category} — {one.name}: {format_int(value)}')}</title></rect>"
            )
            parts.append(
                _text(LABEL_WIDTH + max(length, 0.0) + 4, y + BAR_HEIGHT - 3, format_int(value), size=11)
            )
    parts.append("</svg>")
    return "".join(parts)
