"""The small scenario: determinism, workbook layout, export format, truth, expected figures."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from doisoat import schema as c
from doisoat.errors import ConfigError
from doisoat.scenario import SCENARIOS, GeneratedScenario, generate
from tests.scenario.checks import check_truth, paper_ref
from tests.scenario.readback import electronic_figures, paper_figures, read_exports, read_ledgers

SMALL = SCENARIOS["small"]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> GeneratedScenario:
    return generate("small", tmp_path_factory.mktemp("small"), seed=42)


@pytest.fixture(scope="module")
def ledgers(small: GeneratedScenario) -> pd.DataFrame:
    return read_ledgers(small.paper_dir)


@pytest.fixture(scope="module")
def exports(small: GeneratedScenario) -> pd.DataFrame:
    return read_exports(small.electronic_dir)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_files(small: GeneratedScenario, tmp_path: Path) -> None:
    again = generate("small", tmp_path / "again", seed=42)
    first, second = _files(small.manifest_file.parent), _files(again.manifest_file.parent)
    assert first.keys() == second.keys()
    assert {name for name in first if name.endswith(".csv")} >= {"truth.csv", "offices.csv"}
    for name in first:  # CSV bytes, manifest and even the workbooks' bytes
        assert first[name] == second[name], name
    pd.testing.assert_frame_equal(small.expected, again.expected)


def test_another_seed_gives_other_rows(small: GeneratedScenario, tmp_path: Path) -> None:
    other = generate("small", tmp_path / "other", seed=7)
    a = (small.electronic_dir / "phuong-1.csv").read_bytes()
    b = (other.electronic_dir / "phuong-1.csv").read_bytes()
    assert a != b
    pd.testing.assert_frame_equal(small.expected, other.expected)  # same targets, other rows


def test_folder_layout(small: GeneratedScenario) -> None:
    root = small.manifest_file.parent
    # the ledgers side by side, their names carrying the office (refs are the names alone)
    ledgers = sorted(p.name for p in small.paper_dir.iterdir())
    assert ledgers == ["phuong-1_2019-03.xlsx", "thanh-pho-tay-ninh_2019-03.xlsx", "xa-tan-binh_2019-03.xlsx"]
    assert sorted(p.name for p in small.electronic_dir.iterdir()) == [
        "phuong-1.csv", "thanh-pho-tay-ninh.csv", "xa-tan-binh.csv",
    ]
    assert small.offices_file == root / "offices.csv" and small.truth_file == root / "truth.csv"
    assert (small.period_start.isoformat(), small.period_end.isoformat()) == ("2019-03-01", "2019-03-31")


def test_ledger_layout(small: GeneratedScenario, ledgers: pd.DataFrame) -> None:
    path = small.paper_dir / "phuong-1_2019-03.xlsx"
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "T03-2019"
    assert ws["A1"].value == "UBND THÀNH PHỐ TÂY NINH"
    assert ws["A2"].value == "ỦY BAN NHÂN DÂN PHƯỜNG 1"
    assert ws["I1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert ws["I2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["A4"].value == "SỔ THEO DÕI HỒ SƠ" and ws["A4"].font.b
    assert ws["A5"].value == "Tháng 03 năm 2019"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:N4", "K7:M7"} <= merged
    assert {f"{col}7:{col}8" for col in "ABCDEFGHIJN"} <= merged
    assert [ws.cell(7, i).value for i in (1, 2, 3, 11, 14)] == [
        "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Trả kết quả", "Ghi chú",
    ]
    assert [ws[f"{col}8"].value for col in "KLM"] == ["Trước hạn", "Đúng hạn", "Quá hạn"]
    assert [ws.cell(9, i).value for i in range(1, 15)] == [f"({i})" for i in range(1, 15)]
    assert ws["A7"].font.b and ws["A7"].border.left.style == "thin"

    n = int((ledgers["file"] == path.name).sum())
    assert n == 230
    assert [ws.cell(r, 1).value for r in (10, 11, 9 + n)] == [1, 2, n]
    assert isinstance(ws["B10"].value, str) and ws["B10"].value.startswith("000.01.22.H56-1903")
    assert ws["H10"].number_format == "hh:mm dd/mm/yyyy" and ws["I10"].number_format == "dd/mm/yyyy"
    assert re.fullmatch(r".+, Phường 1 - 0[39]\d{8}", ws["F10"].value)
    assert ws.cell(10 + n, 1).value is None
    assert ws.cell(11 + n, 1).value == f"Tổng cộng: {n} hồ sơ"
    footer = [v for row in ws.iter_rows(min_row=12 + n, values_only=True) for v in row if v]
    assert footer[:2] == ["NGƯỜI LẬP SỔ", "(Ký, ghi rõ họ tên)"] and len(footer) == 3


def test_ledger_rows(ledgers: pd.DataFrame, small: GeneratedScenario) -> None:
    end = pd.Timestamp(small.period_end)
    marks = ledgers[["early", "on_time", "late"]].notna().sum(axis=1)
    returned = ledgers[["early", "on_time", "late"]].min(axis=1)
    valid = (marks <= 1) & (ledgers["quantity"] >= 1) & ~(returned < ledgers["received"].dt.normalize())
    assert (~valid).sum() == 9  # three invalid rows per office
    truth = pd.read_csv(small.truth_file, dtype=str)
    stated = truth.loc[truth["mismatch_type"] == c.STATED_TIMELINESS_CONTRADICTION, "paper_ref"]
    contradicts = paper_ref(ledgers).isin(set(stated)).to_numpy()
    assert contradicts.sum() == len(stated) >= 3  # at least one per office
    # a return written in the column its dates give, but on the injected rows: an on-time return
    # under Trước hạn or an early one under Đúng hạn (never Quá hạn: the overdue counts stay)
    ok, wrong = ledgers[valid & ~contradicts], ledgers[valid & contradicts]
    assert (ok["early"].isna() | (ok["early"] < ok["due"])).all()
    assert (ok["on_time"].isna() | (ok["on_time"] == ok["due"])).all()
    assert (ok["late"].isna() | (ok["late"] > ok["due"])).all()
    assert ((wrong["early"] == wrong["due"]) | (wrong["on_time"] < wrong["due"])).all()
    assert wrong["late"].isna().all()
    assert (ok.loc[marks[valid] == 0, "due"] >= end).all()  # in progress: never a hidden overdue
    assert (returned.dropna() <= end).all()
    assert ledgers["received"].between(pd.Timestamp(small.period_start), end + pd.Timedelta(days=1)).all()
    minutes = ledgers["received"].dt.hour * 60 + ledgers["received"].dt.minute
    assert minutes.between(7 * 60 + 30, 16 * 60 + 30).all()
    assert ledgers.groupby("file")["stt"].apply(lambda s: list(s) == list(range(1, len(s) + 1))).all()
    assert ledgers["code"].str.fullmatch(r"000\.\d\d\.22\.H56-1903\d\d-\d{4}").all()
    assert ledgers["contact"].str.contains(r" - 0[39]\d{8}$").all()


def test_export_format(small: GeneratedScenario, exports: pd.DataFrame) -> None:
    raw = (small.electronic_dir / "phuong-1.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfSTT,M\xc3\xa3 h\xe1\xbb\x93 s\xc6\xa1,") and b"\r\n" in raw
    header = raw.decode("utf-8-sig").split("\r\n", 1)[0].split(",")
    assert header == [
        "STT", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Đơn vị tiếp nhận", "Người nộp", "Ngày tiếp nhận",
        "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái", "Tiến độ", "Hình thức nộp",
    ]
    text = pd.read_csv(small.electronic_dir / "phuong-1.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")
    assert text["Ngày hẹn trả"].str.fullmatch(r"\d\d/\d\d/2019 17:00:00").all()
    assert text["Ngày tiếp nhận"].str.fullmatch(r"\d\d/03/2019 \d\d:\d\d:\d\d").all()
    assert set(text["Đơn vị tiếp nhận"]) == {"UBND Phường 1"}
    open_ = exports["Ngày có kết quả"].isna()
    assert (exports.loc[open_, "Tiến độ"] == "").all()
    res, due = exports["Ngày có kết quả"].dt.normalize(), exports["Ngày hẹn trả"].dt.normalize()
    fin = exports[~open_]
    expected = pd.Series("Đúng hạn", index=fin.index).mask(res[~open_] < due[~open_], "Trước hạn")
    expected = expected.mask(res[~open_] > due[~open_], "Quá hạn")
    assert (fin["Tiến độ"] == expected).all()
    assert (exports["Ngày có kết quả"].dropna() >= exports.loc[~open_, "Ngày tiếp nhận"]).all()
    assert set(exports["Trạng thái"]) <= {
        "Đã trả kết quả", "Đã xử lý xong", "Đang xử lý", "Được tiếp nhận", "Yêu cầu bổ sung giấy tờ",
        "Yêu cầu thực hiện nghĩa vụ tài chính",
    }
    assert exports["Hình thức nộp"].value_counts().to_dict() == {
        "Trực tiếp": 450, "Trực tuyến": 12, "Zalo": 4, "Bưu chính công ích": 4,
    }


def test_offices_registry(small: GeneratedScenario) -> None:
    offices = pd.read_csv(small.offices_file, dtype=str, keep_default_na=False)
    assert list(offices.columns) == c.OFFICE_COLUMNS
    ward = offices.set_index("code").loc["000.01.22.H56"]
    aliases = ward["aliases"].split("|")
    assert {"UBND Phường 1", "ỦY BAN NHÂN DÂN PHƯỜNG 1", "Phường 1"} <= set(aliases)
    assert (ward["level"], ward["parent"]) == ("ward", "000.00.22.H56")
    city = offices.set_index("code").loc["000.00.22.H56"]
    assert (city["level"], city["parent"]) == ("city", "")
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ TÂY NINH" in city["aliases"].split("|")


def test_figures_from_files_match_expected(
    small: GeneratedScenario, ledgers: pd.DataFrame, exports: pd.DataFrame
) -> None:
    office_of = {o.slug: o.code for o in SMALL.offices}
    got = paper_figures(ledgers, office_of).join(
        electronic_figures(exports, office_of, small.period_end)
    )
    per_office = small.expected[small.expected[c.UNIT_CODE] != c.ALL_UNITS].set_index(c.UNIT_CODE)
    cols = [c.PAPER_RECEIVED, c.PAPER_OVERDUE, c.ELECTRONIC_RECEIVED, c.ELECTRONIC_OVERDUE]
    assert got.loc[per_office.index, cols].to_dict("index") == per_office[cols].to_dict("index")
    for o in SMALL.offices:
        assert (got.loc[o.code, c.PAPER_RECEIVED], got.loc[o.code, c.ELECTRONIC_OVERDUE]) == (
            o.paper_rows, o.electronic_overdue,
        )


def test_expected_summary_shape(small: GeneratedScenario) -> None:
    exp = small.expected
    assert list(exp.columns) == c.SUMMARY_COLUMNS
    levels = exp[exp[c.UNIT_CODE] == c.ALL_UNITS].set_index(c.LEVEL)
    assert levels.loc["ward", c.PAPER_RECEIVED] == 450 and levels.loc["ward", c.ELECTRONIC_OVERDUE] == 11
    city = exp.set_index(c.UNIT_CODE).loc["000.00.22.H56"]
    assert city[c.RECEIVED_DIFFERENCE] == 55 - 150 and city[c.OVERDUE_DIFFERENCE] == 20 - 2
    assert city[c.PAPER_ON_TIME_RATE] == pytest.approx(1 - 2 / 150)
    manifest = yaml.safe_load(small.manifest_file.read_text(encoding="utf-8"))
    assert (manifest["scenario"], manifest["seed"]) == ("small", 42)
    assert (manifest["period_start"], manifest["period_end"]) == ("2019-03-01", "2019-03-31")
    assert pd.DataFrame(manifest["expected"])[c.SUMMARY_COLUMNS].astype(str).equals(
        exp.assign(**{col: exp[col].astype(str) for col in (c.PERIOD_START, c.PERIOD_END)}).astype(str)
    )


def test_truth_points_at_the_right_rows(
    small: GeneratedScenario, ledgers: pd.DataFrame, exports: pd.DataFrame
) -> None:
    truth = pd.read_csv(small.truth_file, dtype=str)
    assert list(truth.columns) == [
        "kind", "mismatch_type", "unit_code", "dossier_code", "paper_ref", "electronic_ref", "noise",
    ]
    kinds = truth.loc[truth["kind"] == "mismatch", "mismatch_type"]
    assert set(kinds) == set(c.MISMATCH_TYPES)  # every kind of finding, even in a tiny scenario
    check_truth(truth, ledgers, exports, pd.Timestamp(small.period_end))
    manifest = yaml.safe_load(small.manifest_file.read_text(encoding="utf-8"))
    assert manifest["truth_counts"]["link"] == int((truth["kind"] == "link").sum())


def test_regenerating_replaces_a_previous_scenario(tmp_path: Path) -> None:
    generate("small", tmp_path, seed=1)
    stale = tmp_path / "paper" / "old-office"
    stale.mkdir()
    (stale / "old.xlsx").write_bytes(b"")
    generate("small", tmp_path, seed=2)
    assert not stale.exists()


def test_refuses_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "paper").mkdir()
    (tmp_path / "paper" / "mine.xlsx").write_bytes(b"keep me")
    with pytest.raises(ConfigError, match="not empty"):
        generate("small", tmp_path)
    assert (tmp_path / "paper" / "mine.xlsx").read_bytes() == b"keep me"
    generate("small", tmp_path, overwrite=True)
    assert not (tmp_path / "paper" / "mine.xlsx").exists()


def test_unknown_scenario() -> None:
    with pytest.raises(ConfigError, match="unknown scenario"):
        generate("nowhere", Path("unused"))
