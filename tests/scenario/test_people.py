"""Synthetic applicants and text helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from doisoat.scenario.people import (
    draw_addresses,
    draw_names,
    draw_other_names,
    draw_phones,
    name_variants,
)
from doisoat.scenario.text import format_count, slugify, strip_diacritics


def test_names_look_vietnamese() -> None:
    names = draw_names(np.random.default_rng(0), 20_000)
    parts = names.str.split(" ")
    assert (parts.str.len() == 3).all()
    surnames = parts.str[0].value_counts(normalize=True)
    assert abs(surnames["Nguyễn"] - 0.38) < 0.02
    assert surnames.index[:3].tolist() == ["Nguyễn", "Trần", "Lê"]
    assert (parts.str[1] != parts.str[2]).all()
    assert names.str.normalize("NFC").equals(names)


def test_other_names_and_variants() -> None:
    rng = np.random.default_rng(1)
    names = draw_names(rng, 500)
    others = draw_other_names(rng, names)
    assert (strip_diacritics(others).str.casefold() != strip_diacritics(names).str.casefold()).all()
    variants = name_variants(rng, names)
    assert (variants != names).mean() > 0.95
    assert (strip_diacritics(variants).str.casefold() == strip_diacritics(names).str.casefold()).all()


def test_phones_and_addresses() -> None:
    rng = np.random.default_rng(2)
    phones = draw_phones(rng, 1000)
    assert phones.str.fullmatch(r"0[39]\d{8}").all()
    places = [("Ấp Tân Lập", "Xã Tân Bình"), ("Khu phố 2", "Phường 3")]
    addresses = draw_addresses(rng, places, 100)
    assert set(addresses) == {"Ấp Tân Lập, Xã Tân Bình", "Khu phố 2, Phường 3"}


def test_text_helpers() -> None:
    assert strip_diacritics(pd.Series(["Nguyễn Văn Đạt", "Phường Hiệp Ninh"])).tolist() == [
        "Nguyen Van Dat", "Phuong Hiep Ninh",
    ]
    assert slugify("Thành phố Tây Ninh") == "thanh-pho-tay-ninh"
    assert slugify("Phường IV") == "phuong-iv"
    assert slugify("Xã Đồng Nai (mới)") == "xa-dong-nai-moi"
    assert (format_count(9144), format_count(27393), format_count(12)) == ("9.144", "27.393", "12")
