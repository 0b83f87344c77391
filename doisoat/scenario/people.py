"""Synthetic applicants: Vietnamese names, addresses and phone numbers, drawn vectorised.

Surname shares follow the usual national picture (Nguyễn ~38%) with the southern spelling
Huỳnh more common than Hoàng; middle and given names are common ones. Every person is invented.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from doisoat.scenario.text import int_text, strip_diacritics, take_text

SURNAMES: Final[dict[str, float]] = {
    "Nguyễn": 38.0, "Trần": 11.0, "Lê": 9.5, "Phạm": 7.0, "Huỳnh": 5.0, "Võ": 4.0, "Phan": 4.5,
    "Hoàng": 2.0, "Trương": 2.0, "Bùi": 2.0, "Đặng": 2.0, "Đỗ": 1.5, "Ngô": 1.5, "Hồ": 1.5,
    "Dương": 1.0, "Đoàn": 1.0, "Lý": 1.0, "Mai": 0.8, "Đinh": 0.8, "Lâm": 0.8, "Tô": 0.6,
    "Châu": 0.6, "Cao": 0.6,
}
MALE_MIDDLE: Final = ("Văn", "Văn", "Văn", "Minh", "Hoàng", "Quốc", "Thanh", "Hữu", "Đức", "Công", "Tấn")
FEMALE_MIDDLE: Final = ("Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Kim", "Hồng", "Mỹ", "Bích")
MALE_GIVEN: Final = (
    "Hùng", "Dũng", "Minh", "Tuấn", "Phúc", "Tài", "Hải", "Long", "Nam", "Sơn", "Thành", "Tâm",
    "Hiếu", "Khoa", "Bình", "Lộc", "Phong", "Trung", "Quang", "Vinh", "An", "Đạt", "Hòa", "Nghĩa",
    "Thắng", "Khánh", "Huy", "Toàn", "Lợi", "Tín",
)
FEMALE_GIVEN: Final = (
    "Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Hạnh", "Ngọc", "Phương", "Yến", "Nhung",
    "Thủy", "Hằng", "Vy", "Nga", "Tuyết", "Loan", "Duyên", "Oanh", "Hà", "My", "Trinh", "Diễm",
    "Liên", "Xuân", "Dung", "Hiền",
)
# Mobile prefixes after the 2018 renumbering: 09x and 03x.
PHONE_PREFIXES: Final = (
    "090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035", "036", "037",
    "038", "039",
)


_SURNAMES: Final = pa.array(list(SURNAMES), pa.string())
_MIDDLES: Final = pa.array([*FEMALE_MIDDLE, *MALE_MIDDLE], pa.string())  # female first
_GIVENS: Final = pa.array([*FEMALE_GIVEN, *MALE_GIVEN], pa.string())


def draw_names(rng: np.random.Generator, n: int) -> pd.Series:
    """`n` full names "Surname Middle Given" (drawn as positions, joined by Arrow)."""
    weights = np.asarray(list(SURNAMES.values()))
    surname = rng.choice(len(SURNAMES), n, p=weights / weights.sum())
    female = rng.random(n) < 0.5
    f_mid, m_mid = rng.integers(0, len(FEMALE_MIDDLE), n), rng.integers(0, len(MALE_MIDDLE), n)
    middle = np.where(female, f_mid, len(FEMALE_MIDDLE) + m_mid)
    f_giv, m_giv = rng.integers(0, len(FEMALE_GIVEN), n), rng.integers(0, len(MALE_GIVEN), n)
    given = np.where(female, f_giv, len(FEMALE_GIVEN) + m_giv)
    same = pc.equal(pc.take(_MIDDLES, pa.array(middle)), pc.take(_GIVENS, pa.array(given)))
    # no "Minh Minh": "Thị" (female) or "Văn" (male), the first middle name of each list
    middle = np.where(same.to_numpy(zero_copy_only=False), np.where(female, 0, len(FEMALE_MIDDLE)), middle)
    names = pc.binary_join_element_wise(
        pc.take(_SURNAMES, pa.array(surname)), pc.take(_MIDDLES, pa.array(middle)),
        pc.take(_GIVENS, pa.array(given)), " ")
    return pd.Series(pd.arrays.ArrowStringArray(names), dtype="str")


def draw_other_names(rng: np.random.Generator, names: pd.Series) -> pd.Series:
    """A different person for each name (never the same name, even ignoring marks and case)."""
    out = draw_names(rng, len(names)).set_axis(names.index)
    key = strip_diacritics(names).str.casefold()
    same = strip_diacritics(out).str.casefold() == key
    while same.any():  # a loop per redraw round, not per row
        out[same] = draw_names(rng, int(same.sum())).to_numpy()
        same = strip_diacritics(out).str.casefold() == key
    return out


def name_variants(rng: np.random.Generator, names: pd.Series) -> pd.Series:
    """The same names as a careless typist enters them: without diacritics or in capitals."""
    plain = rng.random(len(names)) < 0.6
    return pd.Series(
        np.where(plain, strip_diacritics(names), names.str.upper()), index=names.index, dtype="str"
    )


def draw_phones(rng: np.random.Generator, n: int) -> pd.Series:
    """Mobile numbers as text with their leading 0: "0912345678"."""
    digits = int_text(rng.integers(0, 10_000_000, n), 7)
    return take_text(pa.array(PHONE_PREFIXES, pa.string()), rng.integers(0, len(PHONE_PREFIXES), n)) + digits


def draw_addresses(rng: np.random.Generator, places: list[tuple[str, str]], n: int) -> pd.Series:
    """Addresses "Khu phố 3, Phường 1" from (locality, ward or commune) pairs."""
    pairs = pa.array([f"{loc}, {ward}" for loc, ward in places], pa.string())
    return take_text(pairs, rng.integers(0, len(pairs), n))
