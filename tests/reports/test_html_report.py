from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from doisoat import schema
from doisoat.reconcile.result import ReconcileResult
from doisoat.reports import labels
from doisoat.reports.html_mismatches import MAX_ROWS_PER_TYPE, anchor
from doisoat.reports.html_report import TITLE, render_html

from .conftest import MASKED_PHONE, PHONE, RUN, SCRIPT_NAME, make_result, mismatch_frame
from .html_check import parse


@pytest.fixture
def page(result: ReconcileResult, quarantine: pd.DataFrame, files: pd.DataFrame) -> str:
    return render_html(result, quarantine, files, RUN, "../gx/data_docs/index.html")


def test_page_parses_with_balanced_tags_and_only_its_own_script(page: str) -> None:
    parser = parse(page)
    assert parser.scripts == 1
    assert not any(tag in {"link", "img", "iframe"} for tag, _ in parser.starts)  # self-contained
    assert not any(attrs.get("src") for _, attrs in parser.starts)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page


def test_title_period_and_generation_time_are_vietnamese(page: str) -> None:
    assert f"<h1>{TITLE}</h1>" in page
    assert "Từ 01/01/2019 đến 28/06/2019" in page
    assert "Lập lúc 02/07/2019 08:05" in page


def test_summary_rows_show_vi_vn_numbers_per_level_then_office(page: str) -> None:
    city_row = (
        '<tr class="level"><td>Cấp thành phố</td><td class="num">9.144</td><td class="num">2.756</td>'
        '<td class="num neg">-6.388</td><td class="num">25</td><td class="num">1.093</td>'
        '<td class="num">+1.068</td><td class="num">99,73%</td><td class="num">60,34%</td></tr>'
    )
    assert city_row in page
    for header in labels.SUMMARY_TABLE_HEADERS.values():
        assert f">{header}</th>" in page
    order = [page.index(text) for text in ("Cấp thành phố</td>", "Thành phố Tây Ninh</td>",
                                            "Cấp xã, phường</td>", "Phường 1</td>")]
    assert order == sorted(order)
    assert "Xã &lt;Bình Minh&gt;" in page
    assert "Xã <Bình Minh>" not in page


def test_every_mismatch_type_has_its_label_count_and_drill_down(page: str) -> None:
    for code, label in labels.MISMATCH_TYPE_LABELS.items():
        assert label in page
        assert f'<details class="drill" id="{anchor(code)}">' in page
    link = '<a href="#sl-missing_electronic">Có trên sổ giấy, thiếu trên phần mềm</a>'
    assert f'{link}</td><td class="num">2<' in page
    assert '<td>Tổng cộng</td><td class="num">11</td>' in page


def test_drill_down_rows_show_refs_fields_and_readable_values(page: str) -> None:
    assert (
        "<td>Thành phố Tây Ninh</td><td>000.17.22.H56-190109-0005</td>"
        "<td><code>so_tp_2019.xlsx!Quý 1!14</code></td><td><code>motcua_tp.csv#58</code></td>"
        "<td>Ngày trả kết quả</td><td>15/01/2019</td><td>17/01/2019 14:30</td><td>Lệch 2 ngày</td>"
    ) in page
    assert "<td>Đúng hạn</td><td>Quá hạn</td>" in page  # timeliness codes translated
    assert "<code>motcua_p2.csv#3</code>" in page


def test_data_is_escaped_and_phones_masked(page: str) -> None:
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Nguyễn Văn A" in page
    assert SCRIPT_NAME in "".join(parse(page).text)  # shown to the reader as typed
    assert PHONE not in page
    assert f"Liên hệ {MASKED_PHONE}" in page
    assert f"Phường 1, {MASKED_PHONE}" in page  # quarantine raw values
    assert "s3cret" not in page
    assert "inspector:***@db.local" in page


def test_inputs_list_files_by_status_and_every_quarantine_reason(page: str) -> None:
    assert "Đã đọc: 1, Bỏ qua: 1, Lỗi: 1" in page
    assert (
        '<td>hong.xlsx</td><td></td><td class="num">0</td><td>Lỗi</td><td>tệp bị mã hoá (có mật khẩu)</td>'
    ) in page
    assert '<td class="num">9.144</td><td>Đã đọc</td>' in page
    assert (
        "<li>received_at: không đọc được ngày &#x27;32/13/2019&#x27;</li><li>dossier_code: trống</li>"
    ) in page
    assert "Số dòng bị cách ly: 2 (Sổ giấy: 1, Phần mềm: 1)" in page


def test_data_docs_link_only_when_given(result: ReconcileResult, quarantine: pd.DataFrame,
                                        files: pd.DataFrame, page: str) -> None:
    assert '<a href="../gx/data_docs/index.html">' in page
    without = render_html(result, quarantine, files, RUN, None)
    assert "data-docs" not in without


def test_charts_are_inline_svg_with_field_and_type_labels(page: str) -> None:
    parser = parse(page)
    assert sum(tag == "svg" for tag, _ in parser.starts) == 3
    # software overdue by field, largest first, from the breakdown
    fields = [page.index(f">{name}</text>") for name in ("Tài nguyên và Môi trường", "Xây dựng", "Tư pháp")]
    assert fields == sorted(fields)
    assert "zalo" not in page  # the channel dimension is not a field


def test_a_large_type_is_cut_at_the_cap_with_a_pointer_to_the_full_lists(
    quarantine: pd.DataFrame, files: pd.DataFrame
) -> None:
    base = mismatch_frame()
    many = base[base[schema.MISMATCH_TYPE] == schema.MISSING_PAPER]
    many = many.iloc[np.zeros(MAX_ROWS_PER_TYPE + 500, dtype=int)].reset_index(drop=True)
    many[schema.MISMATCH_ID] = [f"x{i:05d}" for i in range(len(many))]
    many[schema.DOSSIER_CODE] = [f"CODE-{i:05d}" for i in range(len(many))]
    page = render_html(make_result(pd.concat([base, many], ignore_index=True)), quarantine, files, RUN)
    parse(page)
    assert "Chỉ hiển thị 2.000 dòng đầu trong tổng số 2.501 sai lệch loại này" in page
    assert "report.xlsx" in page and "mismatches.csv" in page
    section = page[page.index(f'id="{anchor(schema.MISSING_PAPER)}"'):]
    section = section[: section.index("</details>")]
    assert section.count("<tr data-q=") == MAX_ROWS_PER_TYPE
    assert "CODE-00000" in section and "CODE-02499" not in section  # sorted by office then code


def test_no_mismatches_renders_a_calm_page(quarantine: pd.DataFrame, files: pd.DataFrame) -> None:
    empty = pd.DataFrame({column: pd.Series(dtype="str") for column in schema.MISMATCH_COLUMNS})
    page = render_html(make_result(empty), quarantine, files, RUN)
    parse(page)
    assert "Không phát hiện sai lệch." in page
    assert '<td>Tổng cộng</td><td class="num">0</td>' in page


def test_per_field_table_shows_level_totals_then_fields_with_vi_vn_rates(page: str) -> None:
    section = page[page.index('<h3 id="theo-linh-vuc">Theo lĩnh vực</h3>'):page.index('<h3 id="theo-thang">')]
    parse(section)
    for header in labels.BREAKDOWN_TABLE_HEADERS.values():
        assert f">{header}</th>" in section
    # city: Tài nguyên và Môi trường 3.000 / 900 (880 found: 29,33%), overdue 10 / 600, on time
    # 99,67% / 33,33%, 2.120 findings; Xây dựng 2.000 / 800; the level row sums both
    tnmt = (
        '<tr class="office"><td>Tài nguyên và Môi trường</td><td class="num">3.000</td>'
        '<td class="num">900</td><td class="num">29,33%</td><td class="num">10</td>'
        '<td class="num">600</td><td class="num">99,67%</td><td class="num">33,33%</td>'
        '<td class="num">2.120</td></tr>'
    )
    assert tnmt in section
    city = (
        '<tr class="level"><td>Cấp thành phố</td><td class="num">5.000</td><td class="num">1.700</td>'
        '<td class="num">33,40%</td><td class="num">20</td><td class="num">900</td>'
        '<td class="num">99,60%</td><td class="num">47,06%</td><td class="num">3.330</td></tr>'
    )
    assert city in section
    # the office rows are not counted again: only the level totals (unit '*') are shown
    assert section.count("Tài nguyên và Môi trường") == 1
    order = [section.index(t) for t in ("Cấp thành phố", "Tài nguyên và Môi trường", "Xây dựng",
                                        "Cấp xã, phường", "Tư pháp", "(không rõ lĩnh vực)")]
    assert order == sorted(order)
    # a field with no paper dossier: no sync rate and no paper on-time rate (empty, not 0%)
    unknown = section[section.index("(không rõ lĩnh vực)"):]
    unknown = unknown[: unknown.index("</tr>")]
    assert unknown.count('<td class="num"></td>') == 2 and ">7<" in unknown


def test_per_month_table_in_calendar_order(page: str) -> None:
    section = page[page.index('<h3 id="theo-thang">Theo tháng</h3>'):]
    section = section[: section.index("</table>")]
    assert section.index("01/2019") < section.index("02/2019")
    jan = section[section.index("<td>01/2019</td>"):]
    jan = jan[: jan.index("</tr>")]
    assert '<td class="num">2.600</td><td class="num">900</td><td class="num">33,85%</td>' in jan
    assert "Cấp xã, phường" in section and "zalo" not in section.lower()
