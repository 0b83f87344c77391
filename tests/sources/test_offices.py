"""Office names → unit code, name and level, with and without a registry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.errors import ConfigError
from doisoat.sources import OfficeRegistry, load_office_registry
from doisoat.sources.offices import office_from_file_name, office_label


@pytest.mark.parametrize(("text", "label"), [
    ("ỦY BAN NHÂN DÂN PHƯỜNG 1", "PHƯỜNG 1"),
    ("UBND Phường 1", "Phường 1"),
    ("UBND TP. Tây Ninh", "Thành phố Tây Ninh"),
    ("TP Tây Ninh", "Thành phố Tây Ninh"),
    ("P.1", "Phường 1"),
    ("TT. Nhà Bè", "Thị trấn Nhà Bè"),
    ("Bộ phận tiếp nhận và trả kết quả UBND Phường 3", "Phường 3"),
    ("Uỷ ban nhân dân xã Tân Bình", "xã Tân Bình"),
])
def test_office_label_strips_prefixes_and_expands_abbreviations(text: str, label: str) -> None:
    assert office_label(text) == label


@pytest.mark.parametrize(("name", "office"), [
    ("So theo doi ho so - Phuong 1_2019.xlsx", "Phuong 1"),
    ("phuong_3_thang_01.xlsx", "phuong 3"),
    ("Sổ theo dõi Thành phố Tây Ninh năm 2019.xlsx", "Thành phố Tây Ninh"),
    ("ledger.xlsx", "ledger"),
])
def test_office_from_file_name(name: str, office: str) -> None:
    assert office_from_file_name(name) == office


def test_inference_without_registry_gives_the_same_code_for_every_spelling() -> None:
    names = pd.Series(["ỦY BAN NHÂN DÂN PHƯỜNG 1", "UBND Phường 01", "P.1", "UBND THÀNH PHỐ TÂY NINH",
                       "UBND TỈNH TÂY NINH", None], index=[5, 6, 7, 8, 9, 10])
    registry = OfficeRegistry()
    units = registry.resolve(names)
    assert list(units.columns) == [c.UNIT_CODE, c.UNIT_NAME, c.LEVEL]
    assert list(units.index) == list(names.index)
    assert units[c.UNIT_CODE].tolist()[:5] == ["phuong-1"] * 3 + ["thanh-pho-tay-ninh", "tinh-tay-ninh"]
    assert units[c.UNIT_NAME].tolist()[:5] == ["Phường 1", "Phường 01", "Phường 1", "Thành Phố Tây Ninh",
                                               "Tỉnh Tây Ninh"]
    assert units[c.LEVEL].tolist()[:4] == ["ward", "ward", "ward", "city"]
    assert units.iloc[4:][c.LEVEL].isna().all() and units.iloc[5].isna().all()
    assert not registry.known(names).any()


def test_registry_from_csv_matches_names_and_aliases(tmp_path: Path) -> None:
    path = tmp_path / "offices.csv"
    path.write_text("code,name,aliases,level,parent\n"
                    "P1,Phường 1,Phuong Mot|P.01,,TPTN\n"
                    "TPTN,Thành phố Tây Ninh,TP Tây Ninh,city,\n", encoding="utf-8")
    registry = load_office_registry(path)
    names = pd.Series(["UBND PHƯỜNG 1", "Phuong mot", "UBND TP. Tây Ninh", "UBND Phường 2"])
    units = registry.resolve(names)
    assert units[c.UNIT_CODE].tolist() == ["P1", "P1", "TPTN", "phuong-2"]
    assert units[c.UNIT_NAME].tolist() == ["Phường 1", "Phường 1", "Thành phố Tây Ninh", "Phường 2"]
    assert registry.known(names).tolist() == [True, True, True, False]
    table = registry.table()
    assert list(table.columns) == c.OFFICE_COLUMNS
    assert table[c.OFFICE_LEVEL].tolist() == ["ward", "city"]  # inferred from the name when blank


def test_registry_errors_are_config_errors(tmp_path: Path) -> None:
    clash = tmp_path / "clash.yaml"
    clash.write_text("- {code: A, name: Phường 1}\n- {code: B, name: Phường 2, aliases: [P.1]}\n",
                     encoding="utf-8")
    with pytest.raises(ConfigError, match="names both A and B"):
        load_office_registry(clash)
    no_name = tmp_path / "bad.csv"
    no_name.write_text("code,label\nA,x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing column"):
        load_office_registry(no_name)
    with pytest.raises(ConfigError, match="level"):
        OfficeRegistry(pd.DataFrame({"code": ["A"], "name": ["Phường 1"], "level": ["province"]}))
    with pytest.raises(ConfigError, match=r"\.csv, \.yaml"):
        load_office_registry(tmp_path / "offices.txt")
