from __future__ import annotations

import re

import pytest

from doisoat.reports.svg_charts import LABEL_WIDTH, NO_DATA, BarSeries, bar_chart

from .html_check import parse


def _bar_widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(rf'<rect x="{LABEL_WIDTH}" y="[\d.]+" width="([\d.]+)"', svg)]


def test_grouped_bars_are_proportional_and_values_written_vi_vn() -> None:
    svg = bar_chart("Tiếp nhận", ["Phường 1", "Phường 2"], [
        BarSeries("Sổ giấy", [9144, 4572], "#a0522d"),
        BarSeries("Phần mềm", [2756, 0], "#2b6cb0"),
    ])
    parse(svg)
    paper_1, electronic_1, paper_2, electronic_2 = _bar_widths(svg)
    assert paper_2 == pytest.approx(paper_1 / 2, abs=0.1)
    assert electronic_1 == pytest.approx(paper_1 * 2756 / 9144, abs=0.1)
    assert electronic_2 == 0
    assert ">9.144</text>" in svg and ">2.756</text>" in svg
    assert ">Sổ giấy</text>" in svg and ">Phần mềm</text>" in svg  # legend for two series


def test_labels_are_escaped_and_long_ones_shortened_with_a_tooltip() -> None:
    long_name = "Ủy ban nhân dân phường <Hiệp Ninh> thành phố Tây Ninh tỉnh Tây Ninh"
    svg = bar_chart("<b>", [long_name], [BarSeries("x", [1], "#000")])
    parse(svg)
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert f"<title>{long_name.replace('<', '&lt;').replace('>', '&gt;')}</title>" in svg
    assert "…</text>" in svg


def test_empty_chart_says_so_and_mismatched_series_fail() -> None:
    assert NO_DATA in bar_chart("Trống", [], [BarSeries("x", [], "#000")])
    with pytest.raises(ValueError, match="2 values for 1 categories"):
        bar_chart("x", ["a"], [BarSeries("s", [1, 2], "#000")])
