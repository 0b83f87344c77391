"""Legacy encodings: TCVN3 and VNI tables, per-cell detection and repair."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pandas as pd
import pytest

from doisoat.sources import legacy

LETTERS = sorted(legacy.VIETNAMESE_LETTERS)


def test_the_alphabet_has_134_precomposed_letters() -> None:
    assert len(LETTERS) == 134
    assert sum(ch.islower() for ch in LETTERS) == 67
    assert all(unicodedata.normalize("NFC", ch) == ch and len(ch) == 1 for ch in LETTERS)


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
def test_every_letter_round_trips(encoding: legacy.Encoding) -> None:
    for letter in LETTERS:
        encoded = legacy.encode(letter, encoding)
        assert all(ord(ch) < 256 for ch in encoded), (letter, encoded)
        assert legacy.decode_text(encoded, encoding) == letter
    text = "".join(LETTERS)
    assert legacy.decode_series(pd.Series([legacy.encode(text, encoding)]), encoding)[0] == text


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not installed")
def test_tcvn3_agrees_with_glibc_iconv() -> None:
    text = " ".join(LETTERS) + " Đăng ký khai sinh"
    raw = legacy.encode(text, "tcvn3").encode("latin-1")
    out = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=raw, capture_output=True,
                         check=True).stdout.decode("utf-8")
    assert unicodedata.normalize("NFC", out) == text


def test_known_examples() -> None:
    assert legacy.encode("Đăng ký khai sinh", "tcvn3") == "§¨ng ký khai sinh"
    assert legacy.encode("Đăng ký", "vni") == "Ñaêng kyù"
    assert legacy.decode_series(pd.Series(["§¨ng ký khai sinh"]), "tcvn3").tolist() == ["Đăng ký khai sinh"]
    assert legacy.decode_series(pd.Series(["Ñaêng kyù"]), "vni").tolist() == ["Đăng ký"]


def test_tcvn3_capitals_from_vntimeh_fonts_are_upper_cased() -> None:
    # .VnTimeH capitals reuse the lower-case codes: "ĐĂNG KÝ" typed in caps reads "§¡NG Ký".
    assert legacy.repair(pd.Series(["§¡NG Ký KHAI SINH"])).tolist() == ["ĐĂNG KÝ KHAI SINH"]


def test_windows_1252_view_of_tcvn3_capitals_decodes() -> None:
    # Byte 0x80 (À in TCVN 5712 VN1) seen through Windows-1252 is "€".
    assert legacy.decode_text("€n", "tcvn3") == "Àn"


CELLS = {
    "§¨ng ký khai sinh": ("tcvn3", "Đăng ký khai sinh"),
    "Chøng thùc b¶n sao tõ b¶n chÝnh": ("tcvn3", "Chứng thực bản sao từ bản chính"),
    "NguyÔn V¨n An": ("tcvn3", "Nguyễn Văn An"),
    "Ñaêng kyù khai töû": ("vni", "Đăng ký khai tử"),
    "Nguyeãn Thò Hoaøng Anh": ("vni", "Nguyễn Thị Hoàng Anh"),
    "Đăng ký kết hôn": ("unicode", "Đăng ký kết hôn"),
    "Tây Ninh": ("unicode", "Tây Ninh"),
    "Lê Hà": ("unicode", "Lê Hà"),
    "000.17.22.H56-190105-0001": ("unicode", "000.17.22.H56-190105-0001"),
    "Phường 1": ("unicode", "Phường 1"),
}


def test_detect_and_repair_per_cell() -> None:
    s = pd.Series([*CELLS, None], index=range(10, 10 + len(CELLS) + 1))
    detected = legacy.detect(s)
    repaired = legacy.repair(s)
    assert detected.index.equals(s.index) and repaired.index.equals(s.index)
    assert detected.tolist() == [v[0] for v in CELLS.values()] + ["unicode"]
    assert repaired.iloc[:-1].tolist() == [v[1] for v in CELLS.values()]
    assert pd.isna(repaired.iloc[-1])


def test_decomposed_text_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    assert legacy.repair(pd.Series([nfd])).tolist() == ["Nguyễn Thị Hoà"]


def test_ambiguous_cells_follow_the_column() -> None:
    # "Hoà" is Unicode "Hoà" or VNI "Hồ": alone it stays; in a VNI column it is VNI.
    assert legacy.repair(pd.Series(["Hoà"])).tolist() == ["Hoà"]
    vni_column = pd.Series(["Hoà", "Nguyeãn Vaên Bình", "Traàn Thò Mai", "Leâ Vaên Tuøng"])
    assert legacy.repair(vni_column).tolist() == ["Hồ", "Nguyễn Văn Bình", "Trần Thị Mai", "Lê Văn Tùng"]
    tcvn_column = pd.Series(["Hoà", "NguyÔn V¨n An", "TrÇn ThÞ Mai"])
    assert legacy.repair(tcvn_column).tolist() == ["Hoà", "Nguyễn Văn An", "Trần Thị Mai"]


def test_unknown_encoding_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        legacy.encode("a", "utf-7")  # type: ignore[arg-type]


def test_syllables_with_gi_and_qu_onsets_and_open_clusters() -> None:
    # "gi" / "qu" are onsets: the tone on the vowel after them is on the main vowel
    for word in ("giờ", "Giữ", "quở", "giỏi", "người", "khuyên", "thuở", "rượu", "nguyệt", "hoặc"):
        assert legacy.plausibility(word) > 0, word
    # a cluster ending in a glide takes no final consonant; a tone on a closing glide is misplaced
    for word in ("keỏt", "maõ", "haỉ"):
        assert legacy.plausibility(word) < 0, word


def test_abbreviations_holding_d_stroke_count_as_vietnamese() -> None:
    assert legacy.plausibility("ĐK") > 0 and legacy.plausibility("HĐND") > 0
    assert legacy.plausibility("PEĐA") < 0  # vowels: no abbreviation (a VNI reading of "PEÑA")


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
def test_short_legacy_cells_are_repaired(encoding: legacy.Encoding) -> None:
    cells = ["ĐK khai sinh", "ĐK kết hôn", "QĐ số 12", "8 giờ 30, 05/01/2019"]
    if encoding == "tcvn3":  # TCVN3 "giờ" reads "giê", a Unicode syllable too: decided by the column
        cells[-1] = "Nhận hồ sơ (giờ, ngày) 8 giờ 30"
    typed = pd.Series([legacy.encode(t, encoding) for t in cells])
    assert legacy.repair(typed).tolist() == cells


GENUINE = [
    # Unicode Vietnamese, abbreviations and spoken times included
    "ĐK khai sinh", "HĐND xã", "8 giờ 30, 05/01/2019", "Giữ nguyên", "Quở trách", "Người giữ giấy tờ",
    "Nguyễn Thị Hoà", "Khuya", "§ 3 Điều 5",
    # Latin-1 names and words: letters a legacy font writes, yet no Vietnamese reading is better
    "José García", "Müller", "François", "Søren Ødegård", "PEÑA", "NUÑEZ", "Muñoz", "Ñoño", "Zoë",
    "Ångström", "Björk", "Gérard Depardieu", "Hélène", "Côte d'Ivoire", "São Paulo", "Renée", "Noël",
]


def test_genuine_unicode_and_latin1_text_is_left_alone() -> None:
    s = pd.Series(GENUINE)
    assert legacy.detect(s).tolist() == ["unicode"] * len(GENUINE)
    assert legacy.repair(s).tolist() == GENUINE
    for text in GENUINE:  # alone, without a column to lean on
        assert legacy.repair(pd.Series([text])).tolist() == [text]


def test_cells_implausible_either_way_follow_their_column_only() -> None:
    # a typo'd VNI name ("Dễim" for "Diễm") is no syllable read either way: its VNI column decides
    vni_names = pd.Series(["Mai Thanh Deãim", "Nguyeãn Vaên Bình", "Traàn Thò Mai", "Leâ Vaên Tuøng"])
    assert legacy.repair(vni_names).tolist() == ["Mai Thanh Dễim", "Nguyễn Văn Bình", "Trần Thị Mai",
                                                 "Lê Văn Tùng"]
    # the same kind of cell in a Unicode column, or alone, stays as typed
    unicode_names = pd.Series(["Raúl", "Mai Thanh Deãim", "Nguyễn Văn Bình", "Trần Thị Mai"])
    assert legacy.repair(unicode_names).tolist() == unicode_names.tolist()
    assert legacy.repair(pd.Series(["Raúl"])).tolist() == ["Raúl"]


def test_cells_reading_as_well_in_tcvn3_as_in_vni_follow_their_column() -> None:
    # typo'd VNI names: TCVN3 "Leõ Minh ẹt" and VNI "Lê Minh Đt" read equally (badly)
    vni = ["Leâ Minh Ñt", "Phan Coâng Haoø", "Nguyeãn Vaên Bình", "Traàn Thò Mai", "Leâ Vaên Tuøng"]
    assert legacy.repair(pd.Series(vni)).tolist() == ["Lê Minh Đt", "Phan Công Haò", "Nguyễn Văn Bình",
                                                      "Trần Thị Mai", "Lê Văn Tùng"]
    # in a TCVN3 column the same cell reads TCVN3
    tcvn3 = ["Leâ Minh Ñt", "NguyÔn V¨n An", "TrÇn ThÞ Mai", "Lª V¨n Tïng"]
    assert legacy.repair(pd.Series(tcvn3)).tolist()[1:] == ["Nguyễn Văn An", "Trần Thị Mai", "Lê Văn Tùng"]
    assert legacy.repair(pd.Series(tcvn3)).tolist()[0] == legacy.decode_text("Leâ Minh Ñt", "tcvn3")


@pytest.mark.parametrize("odd", ["§§ 3", "CNN®", "Björn Åkesson", "Loïc Dubois", "½"])
def test_one_odd_cell_does_not_turn_a_unicode_sheet_legacy(odd: str) -> None:
    # cells that read badly every way vote Unicode, and capitals holding Đ alone ("CNN®" read in
    # .VnTimeH) follow their sheet instead of deciding it: a Unicode sheet keeps its text
    import pyarrow as pa

    names = ["Họ tên", "Tô Lâm", "Lê Hà", "Võ Tài", "Nguyễn Văn An", "Jürgen Müller", "Søren Ødegård"]
    notes = ["Ghi chú", "Trả tại bộ phận", None, odd, "Đúng hạn", "Bổ sung", None]
    procedures = [
        "Tên thủ tục", "Đăng ký khai sinh", "Chứng thực", "Xác nhận", "Cấp bản sao", "Hộ tịch", "ĐK kết hôn",
    ]
    columns = [names, notes, procedures]
    out = legacy.repair_columns([pa.array(col, pa.string()) for col in columns])
    assert [col.to_pylist() for col in out] == columns


@pytest.mark.parametrize(("typed", "encoding", "meant"), [("Hé", "tcvn3", "Hộ"), ("Ch\u00e6", "vni", "Chỉ")])
def test_a_one_letter_cell_follows_its_sheet(typed: str, encoding: str, meant: str) -> None:
    # "Hé" is TCVN3 "Hộ" but also plain "Hé"; "½" would be TCVN3 "ẵ": one Vietnamese letter decides
    # nothing, the sheet does
    import pyarrow as pa

    texts = ("Họ và tên", "Nguyễn Văn An", "Đăng ký khai sinh")
    legacy_sheet = pa.array([*(legacy.encode(x, encoding) for x in texts), typed], pa.string())
    assert legacy.repair_columns([legacy_sheet])[0].to_pylist() == [*texts, meant]
    unicode_sheet = pa.array([*texts, typed, "½", "Loïc"], pa.string())
    assert legacy.repair_columns([unicode_sheet])[0].to_pylist() == [*texts, typed, "½", "Loïc"]


def test_a_vni_abbreviation_follows_a_vni_sheet() -> None:
    # "ÑK" (VNI "ĐK") alone cannot tell VNI from Western text: in a VNI sheet it is VNI
    import pyarrow as pa

    texts = ("Tên thủ tục", "Đăng ký khai sinh", "Chứng thực bản sao")
    column = pa.array([*(legacy.encode(text, "vni") for text in texts), "ÑK ket hon"], pa.string())
    assert legacy.repair_columns([column])[0].to_pylist() == [*texts, "ĐK ket hon"]
    alone = pa.array(["Tên thủ tục", "Đăng ký khai sinh", "ÑK ket hon"], pa.string())
    assert legacy.repair_columns([alone])[0].to_pylist()[2] == "ÑK ket hon"  # a Unicode sheet: left


def test_a_vni_column_of_short_names_is_read_as_vni_not_tcvn3() -> None:
    # "LYÙ" reads as TCVN3 "LYỄ" as well as VNI "LÝ": such cells follow the column, they do not vote
    column = pd.Series(["LYÙ", "MYÕ", "NGOÏC", "PHUÙC", "DUÕNG", "NGUYEÃN VAÊN AN", "TRAÀN THÒ MAI"])
    want = ["LÝ", "MỸ", "NGỌC", "PHÚC", "DŨNG", "NGUYỄN VĂN AN", "TRẦN THỊ MAI"]
    assert legacy.repair(column).tolist() == want
