"""The shipped scenarios and the content tables they draw from (procedure mix, agencies).

"tay-ninh-2019-h1" reproduces the figures reported for Tây Ninh city, 1/1–28/6/2019
(/work/shared/DOMAIN.md): city office paper 9,144 / software 2,756, overdue 25 / 1,093; wards and
communes paper 27,393 / software 25,854, overdue 0 / 592; 992 online, 316 Zalo, 297 by post. The
split over the ten wards is ours (uneven, fixed). Office codes are QCVN 102 style, illustrative.
"small" is a one-month, three-office scenario of ~600 paper rows for fast tests. "quality"
(≈20,000 paper rows with hard cases and benign noise) is the matcher's quality benchmark;
"speed-1m" (1,000,000 + 1,000,000 rows, same noise) the engine's speed benchmark (`speed()`
builds other sizes). "small" and "quality" also hold ledger rows whose stated timeliness
contradicts their dates (every finding type); Tây Ninh's and the speed scenarios' ledgers are
consistent with their dates, so their figures and rows stay those of the inspection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Final

from doisoat import schema as c
from doisoat.scenario.plan import split_total
from doisoat.scenario.spec import InjectionRates, NoiseRates, OfficeSpec, ScenarioSpec

# Relative weights of the procedures each level receives (names as in doisoat/data/procedures.csv).
PROCEDURE_MIX: Final[dict[str, dict[str, float]]] = {
    c.LEVEL_CITY: {
        "Đăng ký biến động quyền sử dụng đất": 14,
        "Cấp giấy chứng nhận quyền sử dụng đất lần đầu": 6,
        "Tách thửa hoặc hợp thửa đất": 6,
        "Chuyển mục đích sử dụng đất": 5,
        "Cấp giấy phép xây dựng nhà ở riêng lẻ": 14,
        "Điều chỉnh giấy phép xây dựng": 3,
        "Cấp giấy phép sửa chữa cải tạo công trình": 4,
        "Cấp bản sao từ sổ gốc": 5,
        "Chứng thực bản sao từ bản chính": 9,
        "Chứng thực chữ ký": 4,
        "Chứng thực hợp đồng giao dịch": 5,
        "Đăng ký thành lập hộ kinh doanh": 8,
        "Thay đổi nội dung đăng ký hộ kinh doanh": 5,
        "Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm": 3,
        "Chuyển trường cho học sinh trung học cơ sở": 3,
    },
    c.LEVEL_WARD: {
        "Chứng thực bản sao từ bản chính": 34,
        "Chứng thực chữ ký": 12,
        "Chứng thực hợp đồng giao dịch": 6,
        "Đăng ký khai sinh": 12,
        "Đăng ký khai tử": 3,
        "Đăng ký kết hôn": 4,
        "Xác nhận tình trạng hôn nhân": 8,
        "Cấp bản sao trích lục hộ tịch": 8,
        "Trợ cấp xã hội hàng tháng": 5,
        "Xác nhận đơn đề nghị vay vốn": 8,
    },
}

# "Cơ quan chủ trì giải quyết" at the city office, by field; a ward handles its own dossiers.
CITY_AGENCIES: Final[dict[str, str]] = {
    "Tư pháp": "Phòng Tư pháp",
    "Xây dựng": "Phòng Quản lý đô thị",
    "Tài nguyên và Môi trường": "Phòng Tài nguyên và Môi trường",
    "Tài chính - Kế hoạch": "Phòng Tài chính - Kế hoạch",
    "Kinh tế": "Phòng Kinh tế",
    "Lao động - Thương binh và Xã hội": "Phòng Lao động - Thương binh và Xã hội",
    "Giáo dục và Đào tạo": "Phòng Giáo dục và Đào tạo",
}

# Fields where the software's overdue dossiers concentrate (weights for choosing conflicts).
CONFLICT_FIELD_WEIGHTS: Final[dict[str, float]] = {
    "Tài nguyên và Môi trường": 4.0,
    "Xây dựng": 4.0,
    "Tư pháp": 1.5,
}
OTHER_FIELD_WEIGHT: Final = 0.5

CITY_CODE: Final = "000.00.22.H56"


def _quarters(n: int) -> tuple[str, ...]:
    return tuple(f"Khu phố {i}" for i in range(1, n + 1))


# name, paper rows, software rows, software overdue, localities (paper overdue is 0 in wards)
_TAY_NINH_WARDS: Final[tuple[tuple[str, int, int, int, tuple[str, ...]], ...]] = (
    ("Phường 1", 3900, 3770, 74, _quarters(6)),
    ("Phường 2", 2950, 2790, 61, _quarters(5)),
    ("Phường 3", 3150, 2981, 55, _quarters(6)),
    ("Phường IV", 2300, 2105, 71, _quarters(4)),
    ("Phường Hiệp Ninh", 3700, 3560, 58, _quarters(5)),
    ("Phường Ninh Sơn", 2800, 2550, 69, _quarters(5)),
    ("Phường Ninh Thạnh", 2900, 2770, 42, _quarters(5)),
    ("Xã Bình Minh", 1850, 1690, 63, ("Ấp Bình Trung", "Ấp Bình Phước", "Ấp Bình Hòa", "Ấp Giồng Cà")),
    ("Xã Tân Bình", 2100, 2010, 44,
     ("Ấp Tân Lập", "Ấp Tân Trung", "Ấp Tân Hòa", "Ấp Tân Phước", "Ấp Tân Long", "Ấp Tân Thanh")),
    ("Xã Thạnh Tân", 1743, 1628, 55,
     ("Ấp Thạnh Trung", "Ấp Thạnh Hiệp", "Ấp Thạnh Lộc", "Ấp Thạnh Hòa", "Ấp Thạnh Phước")),
)


def _city(paper: int, electronic: int, paper_overdue: int, electronic_overdue: int) -> OfficeSpec:
    return OfficeSpec(
        code=CITY_CODE, name="Thành phố Tây Ninh", level=c.LEVEL_CITY, parent=None,
        parent_authority="UBND TỈNH TÂY NINH", paper_rows=paper, electronic_rows=electronic,
        paper_overdue=paper_overdue, electronic_overdue=electronic_overdue,
        extra_aliases=("Thành phố Tây Ninh", "TP Tây Ninh", "UBND TP Tây Ninh", "UBND TP. Tây Ninh"),
    )


def _ward(index: int, name: str, paper: int, electronic: int, overdue: int,
          localities: tuple[str, ...]) -> OfficeSpec:
    return OfficeSpec(
        code=f"000.{index:02d}.22.H56", name=name, level=c.LEVEL_WARD, parent=CITY_CODE,
        parent_authority="UBND THÀNH PHỐ TÂY NINH", paper_rows=paper, electronic_rows=electronic,
        paper_overdue=0, electronic_overdue=overdue, localities=localities, extra_aliases=(name,),
    )


def tay_ninh_2019_h1() -> ScenarioSpec:
    """Tây Ninh city, 1/1–28/6/2019, with the reported figures."""
    wards = tuple(_ward(i, *row) for i, row in enumerate(_TAY_NINH_WARDS, start=1))
    return ScenarioSpec(
        name="tay-ninh-2019-h1",
        period_start=dt.date(2019, 1, 1),
        period_end=dt.date(2019, 6, 28),
        offices=(_city(9144, 2756, 25, 1093), *wards),
        channel_totals=(("online", 992), ("zalo", 316), ("post", 297)),
    )


def small() -> ScenarioSpec:
    """Two wards and the city office, March 2019, 600 paper rows."""
    p1, tan_binh = _TAY_NINH_WARDS[0], _TAY_NINH_WARDS[8]
    return ScenarioSpec(
        name="small",
        period_start=dt.date(2019, 3, 1),
        period_end=dt.date(2019, 3, 31),
        offices=(
            _city(150, 55, 2, 20),
            _ward(1, p1[0], 230, 215, 6, p1[4]),
            _ward(9, tan_binh[0], 220, 200, 5, tan_binh[4]),
        ),
        channel_totals=(("online", 12), ("zalo", 4), ("post", 4)),
        rates=InjectionRates(stated_contradiction_share=0.01),
    )


SCENARIOS: Final[dict[str, ScenarioSpec]] = {s.name: s for s in (tay_ninh_2019_h1(), small())}


QUALITY_RATES: Final = InjectionRates(
    missing_paper_share=0.02, mismatch_share=0.01, duplicate_paper_share=0.002,
    duplicate_electronic_share=0.002, invalid_share=0.002, lag_share=0.15, name_variant_share=0.05,
    stated_contradiction_share=0.01, min_each=3,
)
# name, paper rows, software rows, software overdue (the wards keep no overdue on paper)
_QUALITY_WARDS: Final = (
    ("Phường 1", 3200, 3010, 70), ("Phường 2", 3000, 2860, 55), ("Phường 3", 3100, 2950, 60),
    ("Phường Hiệp Ninh", 2900, 2720, 50), ("Xã Tân Bình", 2800, 2650, 45),
)


def quality() -> ScenarioSpec:
    """≈20,000 paper rows (city office + five wards, H1 2019) with every hard case and benign noise
    of noise.py, ≥ a third of paper rows without a code: the matcher's quality benchmark."""
    wards = tuple(
        _ward(index, name, paper, electronic, overdue, localities)
        for (name, paper, electronic, overdue), (index, localities) in zip(
            _QUALITY_WARDS, ((1, _quarters(6)), (2, _quarters(5)), (3, _quarters(6)), (5, _quarters(5)),
                             (9, _TAY_NINH_WARDS[8][4])), strict=True)
    )
    return ScenarioSpec(
        name="quality", period_start=dt.date(2019, 1, 1), period_end=dt.date(2019, 6, 28),
        offices=(_city(5000, 4300, 40, 500), *wards),
        channel_totals=(("online", 600), ("zalo", 150), ("post", 150)),
        rates=QUALITY_RATES, noise=NoiseRates(),
    )


def speed(paper_rows: int = 1_000_000, electronic_rows: int = 1_000_000) -> ScenarioSpec:
    """`paper_rows` + `electronic_rows` over Tây Ninh's eleven offices (H1 2019), with the quality
    scenario's noise (a third of paper rows without a code): the engine's speed benchmark."""
    base = tay_ninh_2019_h1()
    weights = [o.paper_rows for o in base.offices]
    papers = split_total(paper_rows, weights)
    electronics = split_total(electronic_rows, weights)
    offices = tuple(
        replace(o, paper_rows=p, electronic_rows=e, electronic_overdue=e // 50,
                paper_overdue=p * 3 // 1000 if o.level == c.LEVEL_CITY else 0)
        for o, p, e in zip(base.offices, papers, electronics, strict=True)
    )
    total = sum(electronics)
    big = (paper_rows, electronic_rows) == (10**6, 10**6)
    return replace(
        base, name="speed-1m" if big else f"speed-{paper_rows}x{electronic_rows}", offices=offices,
        noise=NoiseRates(),
        channel_totals=(("online", total * 4 // 100), ("zalo", total // 100), ("post", total // 100)),
    )


SCENARIOS.update({s.name: s for s in (quality(), speed())})
