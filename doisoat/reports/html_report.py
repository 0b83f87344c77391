"""report.html: one self-contained Vietnamese page (inline CSS, inline SVG, a tiny inline filter script).

Every piece of data is escaped before it reaches the page; the only <script> is the static filter
shipped in templates/filter.js.
"""

from __future__ import annotations

import html
from importlib import resources
from typing import Final

import pandas as pd

from doisoat.reconcile.result import ReconcileResult
from doisoat.reports.display import unit_names
from doisoat.reports.html_breakdown import breakdown_section
from doisoat.reports.html_charts import charts_section
from doisoat.reports.html_inputs import inputs_section
from doisoat.reports.html_mismatches import mismatch_section
from doisoat.reports.html_summary import summary_section
from doisoat.reports.outputs import RunInfo
from doisoat.reports.privacy import redact_url
from doisoat.reports.vi_format import format_date, format_datetime, format_int

TITLE: Final = "Báo cáo đối soát hồ sơ giấy và điện tử"


def _template(name: str) -> str:
    return resources.files("doisoat.reports").joinpath("templates", name).read_text(encoding="utf-8")


def period_text(result: ReconcileResult) -> str:
    """ "Từ dd/mm/yyyy đến dd/mm/yyyy"."""
    return f"Từ {format_date(result.period.start)} đến {format_date(result.period.end)}"


def _metadata(run: RunInfo) -> str:
    rows = [
        ("Mã lần chạy", run.run_id),
        ("Thời điểm lập", format_datetime(run.generated_at)),
        ("Thư mục sổ giấy", run.paper_dir),
        ("Thư mục dữ liệu phần mềm", run.electronic_dir),
        ("Kho dữ liệu", redact_url(run.warehouse_url)),
    ]
    body = "".join(
        f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(v)}</code></td></tr>" for k, v in rows
    )
    return f'<table class="meta"><tbody>{body}</tbody></table>'


def _key_figures(result: ReconcileResult, quarantine: pd.DataFrame) -> str:
    items = [
        ("Số cặp hồ sơ ghép được giữa sổ giấy và phần mềm", len(result.matches)),
        ("Số sai lệch phát hiện", len(result.mismatches)),
        ("Số dòng bị cách ly", len(quarantine)),
    ]
    return (
        "<ul>"
        + "".join(f"<li>{html.escape(k)}: <strong>{format_int(v)}</strong></li>" for k, v in items)
        + "</ul>"
    )


def _data_docs(href: str | None) -> str:
    if href is None:
        return ""
    return (
        '<section id="data-docs"><h2>5. Kiểm tra chất lượng dữ liệu</h2>'
        f'<p><a href="{html.escape(href)}">Mở Data Docs: '
        "kết quả kiểm tra chất lượng dữ liệu của lần chạy này</a></p>"
        "</section>"
    )


def render_html(
    result: ReconcileResult,
    quarantine: pd.DataFrame,
    files: pd.DataFrame,
    run: RunInfo,
    data_docs_href: str | None = None,
) -> str:
    """The whole report page as a string."""
    names = unit_names(result.summary)
    nav_items = [
        ("tong-hop", "Tổng hợp"),
        ("theo-linh-vuc", "Theo lĩnh vực"),
        ("theo-thang", "Theo tháng"),
        ("bieu-do", "Biểu đồ"),
        ("sai-lech", "Sai lệch"),
        ("dau-vao", "Đầu vào"),
    ]
    if data_docs_href is not None:
        nav_items.append(("data-docs", "Chất lượng dữ liệu"))
    nav = (
        "<nav>"
        + "".join(f'<a href="#{anchor}">{html.escape(text)}</a>' for anchor, text in nav_items)
        + "</nav>"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="vi">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(TITLE)} — {html.escape(period_text(result))}</title>",
            f"<style>\n{_template('report.css')}</style>",
            "</head>",
            "<body>",
            f"<header><h1>{html.escape(TITLE)}</h1>",
            f'<p class="period">{html.escape(period_text(result))}</p>',
            f'<p class="generated">Lập lúc {html.escape(format_datetime(run.generated_at))}</p>',
            _metadata(run),
            _key_figures(result, quarantine),
            "</header>",
            nav,
            '<section id="tong-hop"><h2>1. Tổng hợp theo cấp và đơn vị</h2>',
            summary_section(result.summary),
            breakdown_section(result.breakdown),
            "</section>",
            '<section id="bieu-do"><h2>2. Biểu đồ</h2>',
            charts_section(result),
            "</section>",
            '<section id="sai-lech"><h2>3. Sai lệch theo loại</h2>',
            mismatch_section(result.mismatches, names),
            "</section>",
            '<section id="dau-vao"><h2>4. Dữ liệu đầu vào</h2>',
            inputs_section(files, quarantine),
            "</section>",
            _data_docs(data_docs_href),
            '<footer><p class="muted">Danh sách đầy đủ: <a href="report.xlsx">report.xlsx</a>, '
            '<a href="mismatches.csv">mismatches.csv</a>, <a href="matches.csv">matches.csv</a>, '
            '<a href="summary.csv">summary.csv</a>, <a href="breakdown.csv">breakdown.csv</a>.</p>'
            "</footer>",
            f"<script>\n{_template('filter.js')}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )
